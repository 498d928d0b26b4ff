/* threads.c - lesson 01: concurrency versus parallelism, measured.
 *
 * Two kinds of job, each run fifty times in three ways (a loop, threads, processes):
 *   - CPU-bound: fib(n) computed the slow recursive way, so all the time is spent computing;
 *   - I/O-bound: a simulated download, which only waits, as a real one waits for the network.
 * The program times every way, prints the median of several runs and the speedup over the
 * loop, and checks that every way computed the same results. Then it measures what it costs
 * to start one thread and one process.
 *
 * With --trace PREFIX it instead makes one small traced run and writes its diagrams.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "parallel_map.h"
#include "sync.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--jobs N] [--fib N] [--io-ms MS] [--workers N] [--repeat N] [--trace PREFIX]";

#define MAX_REPEAT 100        /* runs of each way, at most */
#define START_COST_RUNS 200   /* threads and processes started to time one start */

struct options {
    long jobs;            /* how many jobs of each kind */
    long fib_n;           /* each CPU-bound job computes fib(fib_n) */
    long io_ms;           /* each I/O-bound job waits this long */
    long workers;         /* threads or processes for the "one per core" rows */
    long repeat;          /* runs of each way; the median is reported */
    const char *trace_prefix;
};

/* ---- The two kinds of job ------------------------------------------------------------- */

/* Exponential time on purpose: a stand-in for any long computation. */
static long fib(long n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static long fib_job(long n)
{
    trace_begin("fib(%ld)", n);
    long result = fib(n);
    trace_end();
    return result;
}

/* A download spends its time waiting for the network, not computing; sleeping is the same
 * thing as far as the CPU is concerned. Returns its input so results can be checked. */
static long download_job(long milliseconds)
{
    trace_begin_waiting("download %ld ms", milliseconds);
    sleep_ms(milliseconds);
    trace_end();
    return milliseconds;
}

/* ---- Timing one way of running the jobs ------------------------------------------------ */

/* The loop takes no worker count; this adapter lets the table treat all ways alike. */
static int map_in_a_loop(job_fn job, const long *inputs, long *results, size_t count,
                         unsigned workers)
{
    (void)workers;
    return map_sequential(job, inputs, results, count);
}

typedef int (*map_fn)(job_fn job, const long *inputs, long *results, size_t count,
                      unsigned workers);

struct way {
    const char *name;
    map_fn map;
    const char *exercise;   /* what to tell a student whose exercise is not done yet */
};

static const struct way loop_way = { "sequential", map_in_a_loop, NULL };
static const struct way thread_way = { "threads", map_with_threads, "exercise 2" };
static const struct way process_way = { "processes", map_with_processes, "exercise 3" };

/* Runs `way` `repeat` times, prints one row of the table and returns the median time in
 * seconds, or -1 if the way is not written yet or got the results wrong. `expected` holds
 * the right results, or is NULL for the loop, which defines them. */
static double time_one_way(const struct way *way, unsigned workers, job_fn job,
                           const long *inputs, long *results, const long *expected,
                           size_t count, long repeat, double baseline)
{
    double seconds[MAX_REPEAT];
    for (long run = 0; run < repeat; run++) {
        for (size_t i = 0; i < count; i++)
            results[i] = -1;
        double start = now_seconds();
        int status = way->map(job, inputs, results, count, workers);
        seconds[run] = now_seconds() - start;
        if (status != 0) {
            if (errno == ENOSYS)
                printf("  %-10s %8u   (%s is not done yet)\n", way->name, workers, way->exercise);
            else
                printf("  %-10s %8u   FAILED: %s\n", way->name, workers, strerror(errno));
            return -1;
        }
        if (expected != NULL && memcmp(results, expected, count * sizeof *results) != 0) {
            printf("  %-10s %8u   WRONG RESULTS: they differ from the loop's\n",
                   way->name, workers);
            return -1;
        }
    }
    double time = median(seconds, (size_t)repeat);
    if (baseline > 0)
        printf("  %-10s %8u %10.4f %9.2f\n", way->name, workers, time, baseline / time);
    else
        printf("  %-10s %8u %10.4f %9.2f\n", way->name, workers, time, 1.0);
    return time;
}

/* The table for one kind of job: the loop, then threads and processes with one worker per
 * core and with one worker per job. */
static bool compare_ways(const char *title, job_fn job, long input,
                         const struct options *options)
{
    size_t count = (size_t)options->jobs;
    long *inputs = malloc(count * sizeof *inputs);
    long *expected = malloc(count * sizeof *expected);
    long *results = malloc(count * sizeof *results);
    if (inputs == NULL || expected == NULL || results == NULL) {
        perror("malloc");
        exit(1);
    }
    for (size_t i = 0; i < count; i++)
        inputs[i] = input;

    printf("%s\n", title);
    printf("  %-10s %8s %10s %9s\n", "way", "workers", "seconds", "speedup");
    double baseline = time_one_way(&loop_way, 1, job, inputs, expected, NULL, count,
                                   options->repeat, 0);
    unsigned worker_counts[] = { (unsigned)options->workers, (unsigned)options->jobs };
    bool all_right = true;
    const struct way *ways[] = { &thread_way, &process_way };
    for (size_t w = 0; w < 2; w++) {
        for (size_t c = 0; c < 2; c++) {
            if (c == 1 && worker_counts[1] == worker_counts[0])
                continue;
            if (time_one_way(ways[w], worker_counts[c], job, inputs, results, expected, count,
                             options->repeat, baseline) < 0)
                all_right = false;
        }
    }
    printf("\n");
    free(inputs);
    free(expected);
    free(results);
    return all_right;
}

/* ---- What it costs to start a worker --------------------------------------------------- */

static void *do_nothing(void *arg)
{
    return arg;
}

static void compare_start_costs(void)
{
    static double thread_us[START_COST_RUNS], process_us[START_COST_RUNS];
    for (int run = 0; run < START_COST_RUNS; run++) {
        pthread_t thread;
        double start = now_seconds();
        thread_create(&thread, do_nothing, NULL);
        thread_join(thread);
        thread_us[run] = (now_seconds() - start) * 1e6;

        start = now_seconds();
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(1);
        }
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, NULL, 0) < 0) {
            perror("waitpid");
            exit(1);
        }
        process_us[run] = (now_seconds() - start) * 1e6;
    }
    double thread_cost = median(thread_us, START_COST_RUNS);
    double process_cost = median(process_us, START_COST_RUNS);
    printf("Starting one worker that does nothing, and waiting for it to end "
           "(median of %d):\n", START_COST_RUNS);
    printf("  thread   pthread_create + pthread_join %8.1f us\n", thread_cost);
    printf("  process  fork + waitpid                %8.1f us  (%.1f times a thread)\n\n",
           process_cost, process_cost / thread_cost);
}

/* ---- A small run, traced, for the diagrams --------------------------------------------- */

/* Six fib jobs on two threads (both cores busy computing), then four downloads on four
 * threads (all waiting at once). The timeline shows the difference at a glance. */
static int traced_run(const struct options *options)
{
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    long fib_inputs[6], download_inputs[4], results[6];
    for (size_t i = 0; i < 6; i++)
        fib_inputs[i] = options->fib_n;
    for (size_t i = 0; i < 4; i++)
        download_inputs[i] = options->io_ms;

    trace_note("CPU-bound: 6 x fib(%ld) on 2 threads", options->fib_n);
    int status = map_with_threads(fib_job, fib_inputs, results, 6, 2);
    if (status == 0) {
        trace_note("I/O-bound: 4 downloads on 4 threads");
        status = map_with_threads(download_job, download_inputs, results, 4, 4);
    }
    int map_error = errno;   /* what map_with_threads said, before trace_close changes errno */
    if (trace_close() != 0)
        return 1;
    /* Exercise 2 not done yet is no error: no thread ran, so the diagrams are drawn from a
     * run that only says why. */
    if (status != 0 && map_error == ENOSYS) {
        printf("the threaded map needs exercise 2 (lessons/01-threads/parallel_map.c); "
               "skipped, and the diagrams say so\n");
        return trace_skipped(options->trace_prefix, "skipped: the threaded map needs "
                             "exercise 2 (parallel_map.c)") == 0 ? 0 : 1;
    }
    if (status != 0) {
        fprintf(stderr, "threads: map_with_threads failed: %s\n", strerror(map_error));
        return 1;
    }
    printf("traced run written to %s-hb.dot, %s-timeline.dot and %s.json\n",
           options->trace_prefix, options->trace_prefix, options->trace_prefix);
    return 0;
}

/* ---- Command line ---------------------------------------------------------------------- */

static struct options parse_options(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct options options = {
        .jobs = 50, .fib_n = 30, .io_ms = 10, .workers = cores > 0 ? cores : 1, .repeat = 3,
    };
    static const struct option long_options[] = {
        { "jobs", required_argument, NULL, 'j' },
        { "fib", required_argument, NULL, 'f' },
        { "io-ms", required_argument, NULL, 'i' },
        { "workers", required_argument, NULL, 'w' },
        { "repeat", required_argument, NULL, 'r' },
        { "trace", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *program = "threads";
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'j':
            options.jobs = number_argument(program, usage_text, "--jobs", optarg, 1, 1000);
            break;
        case 'f':
            options.fib_n = number_argument(program, usage_text, "--fib", optarg, 1, 45);
            break;
        case 'i':
            options.io_ms = number_argument(program, usage_text, "--io-ms", optarg, 0, 10000);
            break;
        case 'w':
            options.workers = number_argument(program, usage_text, "--workers", optarg, 1, 1000);
            break;
        case 'r':
            options.repeat = number_argument(program, usage_text, "--repeat", optarg, 1,
                                             MAX_REPEAT);
            break;
        case 't': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: %s %s\n", program, usage_text);
            exit(0);
        default:
            usage_error(program, usage_text, NULL);   /* getopt has said what was wrong */
        }
    }
    if (optind < argc)
        usage_error(program, usage_text, "unexpected argument");
    return options;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    if (options.trace_prefix != NULL)
        return traced_run(&options);

    printf("Lesson 01: the same jobs in a loop, on threads and in processes\n");
    printf("%ld cores online; times are medians of %ld runs\n\n",
           sysconf(_SC_NPROCESSORS_ONLN), options.repeat);

    char title[128];
    snprintf(title, sizeof title, "CPU-bound: %ld jobs, each computing fib(%ld)",
             options.jobs, options.fib_n);
    bool cpu_right = compare_ways(title, fib_job, options.fib_n, &options);
    snprintf(title, sizeof title, "I/O-bound: %ld jobs, each waiting %ld ms (a download)",
             options.jobs, options.io_ms);
    bool io_right = compare_ways(title, download_job, options.io_ms, &options);
    compare_start_costs();

    if (cpu_right && io_right)
        printf("OK: every way computed the same results as the loop\n");
    else
        printf("NOT YET: some ways are missing or wrong (see above)\n");
    return 0;
}
