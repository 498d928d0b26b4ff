/* environment.c - OMP_NUM_THREADS, OMP_PROC_BIND and OMP_SCHEDULE, measured.
 *
 *   environment [--repeat R] [--images N]      one line: the settings and what they did
 *   environment --header                       the line of column names
 *
 * The OpenMP runtime reads these variables when the program starts; nothing in the code names
 * a number of threads, a binding or a schedule. The program runs lesson 07's mixed set (N
 * images of 320 x 240, one in 15 of them 4 times wider and taller, near the start) with
 *     #pragma omp parallel for schedule(runtime)
 * R times, and prints what the runtime was told, what it made of it (omp_get_max_threads,
 * omp_get_proc_bind, omp_get_schedule), the median time, and on which CPUs each thread ran
 * (sched_getcpu at every image) and how often a thread moved from one CPU to another.
 * `make bench` runs it under several settings, a line each.
 */
#define _GNU_SOURCE   /* sched_getcpu */
#include <getopt.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "memory_images.h"
#include "timing.h"

static const char usage_text[] = "[--repeat R] [--images N] | --header";

#define MAX_THREADS 64

/* What one thread saw: the CPUs it ran on (bit c for CPU c < 64), and how often it moved. */
struct seen {
    unsigned long long cpus;
    int last_cpu;
    long moves;
    long images;
};

static const char *bind_name(omp_proc_bind_t bind)
{
    switch (bind) {
    case omp_proc_bind_false: return "false";
    case omp_proc_bind_true: return "true";
    case omp_proc_bind_close: return "close";
    case omp_proc_bind_spread: return "spread";
    default: return "primary";   /* 2: "master" before OpenMP 5.1, and still in clang 14 */
    }
}

static const char *schedule_name(omp_sched_t kind)
{
    switch ((int)kind & ~(int)omp_sched_monotonic) {
    case omp_sched_static: return "static";
    case omp_sched_dynamic: return "dynamic";
    case omp_sched_guided: return "guided";
    case omp_sched_auto: return "auto";
    }
    return "?";
}

static const char *variable(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && *value != '\0' ? value : "-";
}

static void print_header(void)
{
    printf("%-8s %-9s %-10s | %7s %-7s %-10s | %8s | %s\n", "NUM_THR", "PROC_BIND", "SCHEDULE",
           "threads", "bind", "schedule", "time (s)",
           "CPUs each thread ran on (moves between CPUs), images done");
}

int main(int argc, char **argv)
{
    long repeat = 3, images = 60;
    static const struct option long_options[] = {
        { "repeat", required_argument, NULL, 'r' },
        { "images", required_argument, NULL, 'i' },
        { "header", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'r':
            repeat = number_argument("environment", usage_text, "--repeat", optarg, 1, 64);
            break;
        case 'i':
            images = number_argument("environment", usage_text, "--images", optarg, 1, 10000);
            break;
        case 'h':
            print_header();
            return 0;
        default:
            usage_error("environment", usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error("environment", usage_text, "unexpected argument");

    struct image_set set;
    long large = images / 15 > 0 ? images / 15 : 1;
    if (image_set_make(&set, (size_t)images, 320, 240, (size_t)large, 4) != 0)
        return 1;
    struct seen seen[MAX_THREADS];
    memset(seen, 0, sizeof seen);
    for (int t = 0; t < MAX_THREADS; t++)
        seen[t].last_cpu = -1;
    int team = 1;
    double seconds[64];
    for (long r = 0; r < repeat; r++) {
        double start = now_seconds();
#pragma omp parallel
        {
#pragma omp single
            team = omp_get_num_threads();
#pragma omp for schedule(runtime)
            for (long i = 0; i < images; i++) {
                int thread = omp_get_thread_num();
                if (thread < MAX_THREADS) {   /* each thread writes only its own entry */
                    struct seen *mine = &seen[thread];
                    int cpu = sched_getcpu();
                    if (cpu >= 0 && cpu < 64)
                        mine->cpus |= 1ull << cpu;
                    if (mine->last_cpu >= 0 && cpu != mine->last_cpu)
                        mine->moves++;
                    mine->last_cpu = cpu;
                    mine->images++;
                }
                image_set_job((size_t)i, (unsigned)thread, &set);
            }
        }
        seconds[r] = now_seconds() - start;
    }
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    char schedule[32];
    snprintf(schedule, sizeof schedule, chunk > 0 ? "%s,%d" : "%s", schedule_name(kind), chunk);
    printf("%-8s %-9s %-10s | %7d %-7s %-10s | %8.4f |", variable("OMP_NUM_THREADS"),
           variable("OMP_PROC_BIND"), variable("OMP_SCHEDULE"), team,
           bind_name(omp_get_proc_bind()), schedule, median(seconds, (size_t)repeat));
    for (int t = 0; t < team && t < MAX_THREADS; t++) {
        printf(" t%d:", t);
        const char *separator = "";
        for (int c = 0; c < 64; c++)
            if (seen[t].cpus & (1ull << c)) {
                printf("%s%d", separator, c);
                separator = ",";
            }
        printf(" (%ld) %ld", seen[t].moves, seen[t].images / repeat);
    }
    printf("\n");
    image_set_free(&set);
    return 0;
}
