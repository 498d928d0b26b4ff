/* speedup.c - lesson 09: speedup measured, and held against Amdahl's law.
 *
 * The source material's experiment: which of the 1000 numbers from 10^13 are prime, checked by
 * trial division on 1, 2, ... W workers. For each worker count it prints the median time of
 * several runs, the speedup over one worker, the efficiency (speedup / workers), and the
 * Karp-Flatt serial fraction the measurement implies. It then fits Amdahl's law to the measured
 * times and prints what the fitted law predicts beside what was measured.
 *
 *   --serial F    a synthetic job instead, whose serial fraction is F by construction: the
 *                 main thread computes alone for a share F of the one-worker time, then the
 *                 workers share the rest. The measured curve can be held against the formula.
 *   --split S     how the numbers are shared out: blocks, round-robin or dynamic (default).
 *   --compare-splits   the three splits side by side at one worker count.
 *   --data FILE   also write the table as tab-separated columns, for plotting.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "fit.h"
#include "laws.h"
#include "partition.h"
#include "primes.h"
#include "timing.h"
#include "trace.h"
#include "workers.h"

static const char usage_text[] =
    "[--workers W] [--repeat R] [--count N] [--split blocks|round-robin|dynamic] "
    "[--serial F] [--compare-splits] [--data FILE] [--trace PREFIX]";

#define MAX_REPEAT 50
#define SPIN_UNITS_PER_ITEM 200000   /* synthetic work: one item of the parallel part */

struct options {
    long max_workers;
    long repeat;
    long count;               /* numbers to check, or synthetic items */
    long first;               /* the first number checked */
    enum split split;
    double serial_fraction;   /* < 0: the primes; otherwise the synthetic job */
    bool compare_splits;
    const char *data_path;
    const char *trace_prefix;
};

/* ---- The two jobs ------------------------------------------------------------------------ */

struct job {
    const struct options *options;
    bool *is_prime;           /* the primes: one answer per number */
    volatile double *sink;    /* the synthetic job: keeps the compiler from skipping the work */
};

/* Work that only computes: a fixed number of floating-point steps. */
static double spin(long units)
{
    double x = 1.0;
    for (long i = 0; i < units; i++)
        x = x * 1.0000001 + 1e-9;
    return x;
}

static void check_number(long item, void *context)
{
    struct job *job = context;
    long n = job->options->first + item;
    trace_begin("%ld", n % 10000);
    job->is_prime[item] = is_prime(n);
    trace_end();
}

static void spin_item(long item, void *context)
{
    struct job *job = context;
    trace_begin("item %ld", item);
    job->sink[item % 64] = spin(SPIN_UNITS_PER_ITEM);
    trace_end();
}

/* One run on `workers` workers; returns its time in seconds. */
static double run_once(const struct options *options, struct job *job, enum split split,
                       unsigned workers)
{
    struct partition partition;
    double start = now_seconds();
    if (options->serial_fraction < 0) {
        partition_init(&partition, split, options->count, workers);
        run_workers(&partition, check_number, job);
    } else {
        /* The serial part is the share F of the one-worker time: F / (1 - F) times the
         * parallel part's total work, computed by this thread alone. */
        double f = options->serial_fraction;
        long parallel_units = options->count * SPIN_UNITS_PER_ITEM;
        long serial_units = (long)(f / (1 - f) * (double)parallel_units);
        trace_begin("serial part");
        job->sink[0] = spin(serial_units);
        trace_end();
        partition_init(&partition, split, options->count, workers);
        run_workers(&partition, spin_item, job);
    }
    return now_seconds() - start;
}

static double median_time(const struct options *options, struct job *job, enum split split,
                          unsigned workers)
{
    double seconds[MAX_REPEAT];
    for (long run = 0; run < options->repeat; run++)
        seconds[run] = run_once(options, job, split, workers);
    return median(seconds, (size_t)options->repeat);
}

/* Counts the primes found, or -1 if the partition lost some numbers (exercise 2 not done). */
static long primes_found(const struct options *options, struct job *job)
{
    long found = 0;
    for (long i = 0; i < options->count; i++)
        found += job->is_prime[i];
    return found;
}

/* ---- Which exercises are done? ------------------------------------------------------------ */

/* Exercise 1: its stubs return 0; half of a job parallel, on 2 workers, is 4/3 times faster. */
static bool laws_are_written(void)
{
    return fabs(amdahl_speedup(0.5, 2) - 4.0 / 3.0) < 1e-9;
}

/* Exercise 2: its stubs hand out nothing; one worker must get items 0, 1, 2, then none. */
static bool partition_is_written(enum split split)
{
    struct partition partition;
    partition_init(&partition, split, 3, 1);
    long item;
    for (long expected = 0; expected < 3; expected++)
        if (!next_item(&partition, 0, &item) || item != expected)
            return false;
    return !next_item(&partition, 0, &item);
}

/* Exercise 3: its stub fits nothing; 1 s on one worker and 0.75 s on two are a serial
 * fraction of 0.5. */
static bool fit_is_written(void)
{
    long workers[] = { 1, 2 };
    double seconds[] = { 1.0, 0.75 };
    double serial = NAN, one_worker = NAN;
    return fit_serial_fraction(workers, seconds, 2, &serial, &one_worker) == 0 &&
           fabs(serial - 0.5) < 1e-9;
}

/* --data FILE cannot be written until the workers do the job: an old table is removed, so
 * that no plot is drawn from it. On stderr, since make diagrams sends the table on stdout to
 * /dev/null. Returns 0, or 1 if the old table could not be removed. */
static int no_data_table(const char *path)
{
    fprintf(stderr, "speedup: the table for --data needs exercise 2 (lessons/09-amdahl/"
            "partition.c); skipped, so %s is not written\n", path);
    if (remove(path) != 0 && errno != ENOENT) {
        perror(path);
        return 1;
    }
    return 0;
}

/* ---- The table ---------------------------------------------------------------------------- */

static int measure(const struct options *options, struct job *job)
{
    long workers[MAX_WORKERS];
    double seconds[MAX_WORKERS];
    long rows = options->max_workers;
    /* Without exercise 2 the workers get nothing to do: there is nothing to measure. */
    if (!partition_is_written(options->split)) {
        printf("the table needs exercise 2 (lessons/09-amdahl/partition.c), which shares out "
               "the work among the workers; skipped\n");
        return options->data_path != NULL ? no_data_table(options->data_path) : 0;
    }
    printf("%-8s %10s %8s %10s %11s %10s\n", "workers", "seconds", "speedup", "efficiency",
           "Karp-Flatt", "Amdahl");
    for (long w = 1; w <= rows; w++) {
        workers[w - 1] = w;
        seconds[w - 1] = median_time(options, job, options->split, (unsigned)w);
        if (w == 1 && options->serial_fraction < 0 && primes_found(options, job) == 0) {
            printf("(no prime found: exercise 2, the partition, is not done yet)\n");
            return options->data_path != NULL ? no_data_table(options->data_path) : 0;
        }
    }
    /* Fit only where the workers can all run at once: past the core count, extra workers
     * wait for a core, which is not a serial part of the job and not in Amdahl's law. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long fitted_rows = cores < rows ? cores : rows;
    double serial = NAN, t1 = NAN;
    bool fitted = fit_serial_fraction(workers, seconds, (size_t)fitted_rows, &serial, &t1) == 0;
    bool lawful = fitted && serial >= 0 && serial <= 1;
    /* The predictions come from exercise 1's formulas: until it is done they are left out
     * (NAN, "-" in the table), not shown as its stubs' 0. */
    bool laws_done = laws_are_written();
    double predicted[MAX_WORKERS];
    for (long w = 1; w <= rows; w++) {
        if (!laws_done)
            predicted[w - 1] = NAN;
        else if (options->serial_fraction >= 0)
            predicted[w - 1] = amdahl_speedup(1 - options->serial_fraction, w);
        else
            predicted[w - 1] = lawful ? amdahl_speedup(1 - serial, w) : NAN;
    }
    for (long w = 1; w <= rows; w++) {
        double speedup = seconds[0] / seconds[w - 1];
        if (laws_done)
            printf("%-8ld %10.4f %8.2f %9.0f%% %11.3f %10.2f\n", w, seconds[w - 1], speedup,
                   100 * speedup / (double)w, karp_flatt(speedup, w), predicted[w - 1]);
        else
            printf("%-8ld %10.4f %8.2f %9.0f%% %11s %10s\n", w, seconds[w - 1], speedup,
                   100 * speedup / (double)w, "-", "-");
    }
    if (options->serial_fraction >= 0)
        printf("Amdahl: predicted from the serial fraction %.3f set on the command line\n",
               options->serial_fraction);
    else if (lawful)
        printf("Amdahl: predicted from the serial fraction %.3f fitted to the times on 1 to "
               "%ld workers (least squares; one worker: %.3f s)\n", serial, fitted_rows, t1);
    else if (fitted)
        printf("Amdahl: the serial fraction fitted to these times is %.3f, outside 0 to 1: "
               "they do not follow the law at all (was the machine busy?)\n", serial);
    else if (!fit_is_written())
        printf("Amdahl: no prediction: it needs exercise 3 (lessons/09-amdahl/fit.c)\n");
    else
        printf("Amdahl: no prediction: the fit needs times on two worker counts or more, up "
               "to one per core\n");
    if (!laws_done)
        printf("(the Karp-Flatt and Amdahl columns need exercise 1 (lessons/09-amdahl/laws.c); "
               "left empty)\n");
    if (options->serial_fraction < 0)
        printf("%ld of the %ld numbers from %ld are prime\n", primes_found(options, job),
               options->count, options->first);

    if (options->data_path != NULL) {
        FILE *out = fopen(options->data_path, "w");
        if (out == NULL) {
            perror(options->data_path);
            return 1;
        }
        fprintf(out, "# workers\tseconds\tspeedup\tpredicted\n");
        for (long w = 1; w <= rows; w++)
            fprintf(out, "%ld\t%.6f\t%.4f\t%.4f\n", w, seconds[w - 1],
                    seconds[0] / seconds[w - 1], predicted[w - 1]);
        if (fclose(out) != 0) {
            perror(options->data_path);
            return 1;
        }
    }
    return 0;
}

/* The three splits at one worker count: the same work, shared out three ways. */
static void compare_splits(const struct options *options, struct job *job)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned workers = (unsigned)(cores < options->max_workers ? cores : options->max_workers);
    if (!partition_is_written(SPLIT_DYNAMIC)) {   /* the one-worker time, the baseline */
        printf("\nThe three splits need exercise 2 (lessons/09-amdahl/partition.c); skipped\n");
        return;
    }
    double one = median_time(options, job, SPLIT_DYNAMIC, 1);
    printf("\nThe same %ld numbers on %u workers, shared out three ways:\n", options->count,
           workers);
    printf("%-12s %10s %8s\n", "split", "seconds", "speedup");
    enum split splits[] = { SPLIT_BLOCKS, SPLIT_ROUND_ROBIN, SPLIT_DYNAMIC };
    for (size_t s = 0; s < 3; s++) {
        if (!partition_is_written(splits[s])) {
            printf("%-12s (needs exercise 2, lessons/09-amdahl/partition.c)\n",
                   split_name(splits[s]));
            continue;
        }
        double seconds = median_time(options, job, splits[s], workers);
        printf("%-12s %10.4f %8.2f\n", split_name(splits[s]), seconds, one / seconds);
    }
}

/* ---- Command line ------------------------------------------------------------------------- */

static double fraction_argument(const char *text)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !(value >= 0 && value < 1))
        usage_error("speedup", usage_text, "--serial needs a fraction from 0 to just below 1");
    return value;
}

static enum split split_argument(const char *text)
{
    enum split splits[] = { SPLIT_BLOCKS, SPLIT_ROUND_ROBIN, SPLIT_DYNAMIC };
    for (size_t s = 0; s < 3; s++)
        if (strcmp(text, split_name(splits[s])) == 0)
            return splits[s];
    usage_error("speedup", usage_text, "--split must be blocks, round-robin or dynamic");
}

static struct options parse_options(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct options options = {
        .max_workers = 2 * (cores > 0 ? cores : 1), .repeat = 3, .count = 1000,
        .first = 10000000000000L, .split = SPLIT_DYNAMIC, .serial_fraction = -1,
    };
    static const struct option long_options[] = {
        { "workers", required_argument, NULL, 'w' },
        { "repeat", required_argument, NULL, 'r' },
        { "count", required_argument, NULL, 'c' },
        { "split", required_argument, NULL, 's' },
        { "serial", required_argument, NULL, 'S' },
        { "compare-splits", no_argument, NULL, 'C' },
        { "data", required_argument, NULL, 'd' },
        { "trace", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'w':
            options.max_workers = number_argument("speedup", usage_text, "--workers", optarg,
                                                  1, MAX_WORKERS);
            break;
        case 'r':
            options.repeat = number_argument("speedup", usage_text, "--repeat", optarg, 1,
                                             MAX_REPEAT);
            break;
        case 'c':
            options.count = number_argument("speedup", usage_text, "--count", optarg, 1,
                                            1000000);
            break;
        case 's': options.split = split_argument(optarg); break;
        case 'S': options.serial_fraction = fraction_argument(optarg); break;
        case 'C': options.compare_splits = true; break;
        case 'd': options.data_path = optarg; break;
        case 't': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: speedup %s\n", usage_text);
            exit(0);
        default:
            usage_error("speedup", usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error("speedup", usage_text, "unexpected argument");
    return options;
}

/* A small traced run. Of the synthetic job (make diagrams uses --serial), it is Amdahl's
 * picture: the serial part alone on main, then the items shared by the workers. */
static int traced_run(struct options *options, struct job *job)
{
    /* Exercise 2 not done yet is no error: the run is skipped, and the diagrams are drawn from
     * a run that only says why. */
    if (!partition_is_written(options->split)) {
        printf("the traced run needs exercise 2 (lessons/09-amdahl/partition.c), which shares "
               "out the work; skipped, and the diagrams say so\n");
        return trace_skipped(options->trace_prefix, "skipped: the run needs exercise 2 "
                             "(partition.c)") == 0 ? 0 : 1;
    }
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    if (options->serial_fraction >= 0)
        trace_note("serial fraction %.2f, %ld items, %ld workers", options->serial_fraction,
                   options->count, options->max_workers);
    else
        trace_note("%ld numbers from 10^13, %s split, %ld workers", options->count,
                   split_name(options->split), options->max_workers);
    run_once(options, job, options->split, (unsigned)options->max_workers);
    if (trace_close() != 0)
        return 1;
    printf("traced run written to %s-hb.dot, %s-timeline.dot and %s.json\n",
           options->trace_prefix, options->trace_prefix, options->trace_prefix);
    return 0;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    static volatile double sink[64];
    struct job job = { &options, calloc((size_t)options.count, sizeof(bool)), sink };
    if (job.is_prime == NULL) {
        perror("calloc");
        return 1;
    }
    int status = 0;
    if (options.trace_prefix != NULL) {
        status = traced_run(&options, &job);
    } else {
        if (options.serial_fraction < 0)
            printf("Primality of the %ld numbers from 10^13 (trial division), %s split, "
                   "median of %ld runs, %ld cores online\n", options.count,
                   split_name(options.split), options.repeat, sysconf(_SC_NPROCESSORS_ONLN));
        else
            printf("A job with serial fraction %.3f by construction, %s split, median of "
                   "%ld runs, %ld cores online\n", options.serial_fraction,
                   split_name(options.split), options.repeat, sysconf(_SC_NPROCESSORS_ONLN));
        status = measure(&options, &job);
        if (status == 0 && options.compare_splits)
            compare_splits(&options, &job);
    }
    free(job.is_prime);
    return status;
}
