/* downloads.c - lesson 04: at most K downloads in flight, bounded by a counting semaphore.
 *
 * Fifty simulated downloads (each only waits, as a real one waits for the network), one
 * thread each, run three ways: one after another, all at once, and bounded by a semaphore to
 * at most K at a time. Every job counts itself in and out of an atomic "in flight" counter, so
 * the program prints the most that were ever in flight at once, measured, next to the time.
 * Then it runs four threads through the barrier of exercise 3 for many rounds and checks that
 * none ever got a round ahead.
 *
 * --bench adds a table over K = 1, 2, 4, 8, 16, 50 and the cost of one wait + post pair, the
 * lesson's semaphore beside POSIX sem_t. --trace PREFIX instead makes one small traced run.
 */
#include <errno.h>
#include <getopt.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "barrier.h"
#include "bounded.h"
#include "counting_semaphore.h"
#include "sync.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--downloads N] [--limit K] [--ms MS] [--repeat N] [--bench] [--trace PREFIX]";

#define MAX_REPEAT 100
#define MAX_DOWNLOADS 1000

struct options {
    long downloads;   /* how many downloads */
    long limit;       /* at most this many in flight at once */
    long ms;          /* each download waits this long */
    long repeat;      /* runs of each way; the median is reported */
    bool bench;       /* the larger tables */
    const char *trace_prefix;
};

/* ---- The job: a download that counts itself in flight ---------------------------------- */

static long download_ms;              /* set before any job runs, read-only while they run */
static atomic_long in_flight;         /* jobs inside download() right now */
static atomic_long most_in_flight;    /* the largest in_flight ever seen */

/* Raises most_in_flight to `seen` unless it is already higher (a compare-and-swap loop: the
 * store happens only if nobody changed the maximum since we read it). */
static void note_in_flight(long seen)
{
    long most = atomic_load(&most_in_flight);
    while (seen > most && !atomic_compare_exchange_weak(&most_in_flight, &most, seen))
        ;
}

/* A simulated download: it only waits. Returns its input, so results can be checked. */
static long download(long number)
{
    note_in_flight(atomic_fetch_add(&in_flight, 1) + 1);
    trace_begin_waiting("download %ld", number);
    sleep_ms(download_ms);
    trace_end();
    atomic_fetch_sub(&in_flight, 1);
    return number;
}

/* ---- Three ways to run the downloads ---------------------------------------------------- */

/* A way returns 0, or -1 with errno set (ENOSYS: an exercise is not done yet). */
typedef int (*way_fn)(const long *inputs, long *results, size_t count, unsigned limit);

static int one_after_another(const long *inputs, long *results, size_t count, unsigned limit)
{
    (void)limit;
    for (size_t i = 0; i < count; i++)
        results[i] = download(inputs[i]);
    return 0;
}

struct unbounded_job {
    long input;
    long *result;
};

static void *run_unbounded_job(void *arg)
{
    struct unbounded_job *mine = arg;
    *mine->result = download(mine->input);
    return NULL;
}

/* Every download on its own thread, all at once, nothing to hold them back. */
static int all_at_once(const long *inputs, long *results, size_t count, unsigned limit)
{
    (void)limit;
    pthread_t *threads = malloc(count * sizeof *threads);
    struct unbounded_job *jobs = malloc(count * sizeof *jobs);
    if (threads == NULL || jobs == NULL) {
        free(threads);
        free(jobs);
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        jobs[i] = (struct unbounded_job){ inputs[i], &results[i] };
        thread_create(&threads[i], run_unbounded_job, &jobs[i]);
    }
    for (size_t i = 0; i < count; i++)
        thread_join(threads[i]);
    free(threads);
    free(jobs);
    return 0;
}

/* Exercise 2: every download on its own thread, at most `limit` in flight. */
static int bounded(const long *inputs, long *results, size_t count, unsigned limit)
{
    struct semaphore slots;
    return run_bounded(download, inputs, results, count, limit, &slots);
}

/* Runs `way` `repeat` times and prints one row: median seconds, speedup over `baseline` (if
 * above 0) and the most downloads in flight at once. Returns the median, or -1. */
static double time_way(const char *name, way_fn way, unsigned limit, const long *inputs,
                       long *results, size_t count, long repeat, double baseline)
{
    double seconds[MAX_REPEAT];
    long most = 0;
    for (long run = 0; run < repeat; run++) {
        for (size_t i = 0; i < count; i++)
            results[i] = -1;
        atomic_store(&in_flight, 0);
        atomic_store(&most_in_flight, 0);
        double start = now_seconds();
        int status = way(inputs, results, count, limit);
        seconds[run] = now_seconds() - start;
        if (status != 0) {
            if (errno == ENOSYS)
                printf("  %-20s %6u   (exercise 2 is not done yet)\n", name, limit);
            else
                printf("  %-20s %6u   FAILED: %s\n", name, limit, strerror(errno));
            return -1;
        }
        for (size_t i = 0; i < count; i++)
            if (results[i] != inputs[i]) {
                printf("  %-20s %6u   WRONG: download %zu's result is missing\n", name, limit, i);
                return -1;
            }
        if (atomic_load(&most_in_flight) > most)
            most = atomic_load(&most_in_flight);
    }
    double time = median(seconds, (size_t)repeat);
    printf("  %-20s %6u %9.4f %9.2f %8ld%s\n", name, limit, time,
           baseline > 0 ? baseline / time : 1.0, most,
           most > (long)limit ? "   MORE THAN THE LIMIT" : "");
    return most > (long)limit ? -1 : time;
}

/* ---- Is exercise 1 done? ---------------------------------------------------------------- */

/* Checks the semaphore on one thread, without ever blocking, so that an unfinished exercise
 * makes the demo say so instead of hanging. */
static bool semaphore_works(void)
{
    struct semaphore s;
    semaphore_init(&s, 1);
    bool works = semaphore_trywait(&s) && !semaphore_trywait(&s);
    semaphore_post(&s);
    works = works && s.count == 1;
    if (works) {
        semaphore_wait(&s);   /* a unit is there: it cannot block */
        works = s.count == 0;
    }
    semaphore_destroy(&s);
    return works;
}

/* ---- The barrier of exercise 3, checked ----------------------------------------------- */

#define BARRIER_THREADS 4
#define BARRIER_ROUNDS 2000

struct barrier_run {
    struct barrier barrier;
    atomic_int finished[BARRIER_THREADS];   /* rounds each thread has finished */
    atomic_int laps;                        /* times a thread passed a barrier too early */
};

struct barrier_worker {
    struct barrier_run *run;
    int me;
};

static void *run_rounds(void *arg)
{
    struct barrier_worker *w = arg;
    struct barrier_run *run = w->run;
    for (int round = 1; round <= BARRIER_ROUNDS; round++) {
        atomic_store(&run->finished[w->me], round);
        barrier_wait(&run->barrier);
        /* Through the barrier of round `round`: everyone must have finished it. */
        for (int t = 0; t < BARRIER_THREADS; t++)
            if (atomic_load(&run->finished[t]) < round)
                atomic_fetch_add(&run->laps, 1);
    }
    return NULL;
}

static bool check_barrier(void)
{
    static struct barrier_run run;
    barrier_init(&run.barrier, BARRIER_THREADS);
    atomic_store(&run.laps, 0);
    struct barrier_worker workers[BARRIER_THREADS];
    pthread_t threads[BARRIER_THREADS];
    for (int t = 0; t < BARRIER_THREADS; t++) {
        atomic_store(&run.finished[t], 0);
        workers[t] = (struct barrier_worker){ &run, t };
        thread_create(&threads[t], run_rounds, &workers[t]);
    }
    for (int t = 0; t < BARRIER_THREADS; t++)
        thread_join(threads[t]);
    barrier_destroy(&run.barrier);
    int laps = atomic_load(&run.laps);
    printf("Barrier: %d threads, %d rounds: ", BARRIER_THREADS, BARRIER_ROUNDS);
    if (laps == 0)
        printf("OK, no thread ever left a round before all had finished it\n\n");
    else
        printf("%d times a thread left a round before all had finished it%s\n\n", laps,
               laps >= BARRIER_THREADS * BARRIER_ROUNDS / 2 ? " (exercise 3 is not done yet?)"
                                                           : "");
    return laps == 0;
}

/* ---- The cost of one wait + post pair ---------------------------------------------------- */

#define PAIRS 200000
#define CONTENDING_THREADS 4

/* The same measurement for both kinds of semaphore: a pair of calls on one object. */
struct pair_ops {
    void (*wait)(void *);
    void (*post)(void *);
    void *semaphore;
};

static void own_wait(void *s) { semaphore_wait(s); }
static void own_post(void *s) { semaphore_post(s); }

static void posix_wait(void *s)
{
    while (sem_wait(s) != 0)
        if (errno != EINTR)
            die_with_error("sem_wait", errno);
}

static void posix_post(void *s)
{
    if (sem_post(s) != 0)
        die_with_error("sem_post", errno);
}

static void *do_pairs(void *arg)
{
    const struct pair_ops *ops = arg;
    for (long i = 0; i < PAIRS; i++) {
        ops->wait(ops->semaphore);
        ops->post(ops->semaphore);
    }
    return NULL;
}

/* Nanoseconds per pair: on the calling thread alone, or on `threads` threads at once. */
static double ns_per_pair(const struct pair_ops *ops, int threads)
{
    pthread_t workers[CONTENDING_THREADS];
    double start = now_seconds();
    if (threads == 1) {
        do_pairs((void *)ops);
    } else {
        for (int t = 0; t < threads; t++)
            thread_create(&workers[t], do_pairs, (void *)ops);
        for (int t = 0; t < threads; t++)
            thread_join(workers[t]);
    }
    return (now_seconds() - start) * 1e9 / ((double)PAIRS * threads);
}

static void print_pair_costs(const char *name, const struct pair_ops *ops, long repeat)
{
    double alone[MAX_REPEAT], together[MAX_REPEAT];
    for (long run = 0; run < repeat; run++) {
        alone[run] = ns_per_pair(ops, 1);
        together[run] = ns_per_pair(ops, CONTENDING_THREADS);
    }
    double a = median(alone, (size_t)repeat), t = median(together, (size_t)repeat);
    printf("  %-18s %12.1f %14.1f %8.1f\n", name, a, t, t / a);
}

static void compare_semaphores(long repeat)
{
    printf("One wait + post pair, in ns (median of %ld runs of %d pairs per thread):\n",
           repeat, PAIRS);
    printf("  %-18s %12s %14s %8s\n", "semaphore", "uncontended", "4 threads", "ratio");
    struct semaphore own;
    semaphore_init(&own, 1);
    struct pair_ops own_ops = { own_wait, own_post, &own };
    print_pair_costs("struct semaphore", &own_ops, repeat);
    semaphore_destroy(&own);

    /* Unnamed POSIX semaphores: Linux and the BSDs have them; macOS declares sem_init but it
     * always fails there (ENOSYS), which is why the lesson builds its own. */
    sem_t posix;
    if (sem_init(&posix, 0, 1) != 0) {
        printf("  %-18s (not available here: sem_init: %s)\n", "POSIX sem_t", strerror(errno));
    } else {
        struct pair_ops posix_ops = { posix_wait, posix_post, &posix };
        print_pair_costs("POSIX sem_t", &posix_ops, repeat);
        if (sem_destroy(&posix) != 0)
            die_with_error("sem_destroy", errno);
    }
    printf("\n");
}

/* ---- The tables ------------------------------------------------------------------------- */

/* Prints the table; returns true if every way ran, got every result and kept to its limit. */
static bool compare_ways(const struct options *options)
{
    size_t count = (size_t)options->downloads;
    long *inputs = malloc(count * sizeof *inputs);
    long *results = malloc(count * sizeof *results);
    if (inputs == NULL || results == NULL) {
        perror("malloc");
        exit(1);
    }
    for (size_t i = 0; i < count; i++)
        inputs[i] = (long)i;

    printf("%ld downloads of %ld ms each, one thread per download\n", options->downloads,
           options->ms);
    printf("  %-20s %6s %9s %9s %8s\n", "way", "limit", "seconds", "speedup", "most in");
    printf("  %-20s %6s %9s %9s %8s\n", "", "", "", "", "flight");
    bool all_right = true;
    double baseline = time_way("one after another", one_after_another, 1, inputs, results,
                               count, options->repeat, 0);
    if (options->bench) {
        const long limits[] = { 1, 2, 4, 8, 16, 50 };
        for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++)
            if (limits[k] <= options->downloads)
                all_right &= time_way("bounded (semaphore)", bounded, (unsigned)limits[k],
                                      inputs, results, count, options->repeat, baseline) > 0;
    } else {
        all_right = time_way("bounded (semaphore)", bounded, (unsigned)options->limit, inputs,
                             results, count, options->repeat, baseline) > 0;
    }
    time_way("all at once", all_at_once, (unsigned)options->downloads, inputs, results, count,
             options->repeat, baseline);
    printf("\n");
    free(inputs);
    free(results);
    return all_right;
}

/* ---- A small run, traced, for the diagrams ---------------------------------------------- */

/* Unfinished exercises are no error here: the downloads are skipped, and the diagrams are
 * drawn from a run that only says why. */
static int traced_run(const struct options *options)
{
    if (!semaphore_works()) {
        printf("the bounded run of downloads needs exercise 1 (lessons/04-semaphores/"
               "counting_semaphore.c); skipped, and the diagrams say so\n");
        return trace_skipped(options->trace_prefix, "skipped: the semaphore needs exercise 1 "
                             "(counting_semaphore.c)") == 0 ? 0 : 1;
    }
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    trace_name_thread("main");
    size_t count = (size_t)options->downloads;
    long inputs[MAX_DOWNLOADS], results[MAX_DOWNLOADS];
    for (size_t i = 0; i < count; i++)
        inputs[i] = (long)i;
    trace_note("%zu downloads, at most %ld at once", count, options->limit);
    int status = bounded(inputs, results, count, (unsigned)options->limit);
    int bounded_error = errno;   /* what run_bounded said, before trace_close changes errno */
    if (trace_close() != 0)
        return 1;
    if (status != 0 && bounded_error == ENOSYS) {
        printf("the bounded run of downloads needs exercise 2 (lessons/04-semaphores/"
               "bounded.c); skipped, and the diagrams say so\n");
        return trace_skipped(options->trace_prefix, "skipped: the bounded run needs "
                             "exercise 2 (bounded.c)") == 0 ? 0 : 1;
    }
    if (status != 0) {
        fprintf(stderr, "downloads: run_bounded failed: %s\n", strerror(bounded_error));
        return 1;
    }
    printf("traced run: %zu downloads, at most %ld at once; most in flight, measured: %ld\n",
           count, options->limit, atomic_load(&most_in_flight));
    printf("written to %s-hb.dot, %s-timeline.dot and %s.json\n", options->trace_prefix,
           options->trace_prefix, options->trace_prefix);
    return 0;
}

/* ---- Command line ------------------------------------------------------------------------ */

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .downloads = 50, .limit = 8, .ms = 10, .repeat = 3 };
    static const struct option long_options[] = {
        { "downloads", required_argument, NULL, 'd' },
        { "limit", required_argument, NULL, 'k' },
        { "ms", required_argument, NULL, 'm' },
        { "repeat", required_argument, NULL, 'r' },
        { "bench", no_argument, NULL, 'b' },
        { "trace", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *program = "downloads";
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'd':
            options.downloads = number_argument(program, usage_text, "--downloads", optarg, 1,
                                                MAX_DOWNLOADS);
            break;
        case 'k':
            options.limit = number_argument(program, usage_text, "--limit", optarg, 1,
                                            MAX_DOWNLOADS);
            break;
        case 'm':
            options.ms = number_argument(program, usage_text, "--ms", optarg, 0, 10000);
            break;
        case 'r':
            options.repeat = number_argument(program, usage_text, "--repeat", optarg, 1,
                                             MAX_REPEAT);
            break;
        case 'b': options.bench = true; break;
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
    download_ms = options.ms;
    if (options.trace_prefix != NULL)
        return traced_run(&options);

    printf("Lesson 04: downloads with at most K in flight, bounded by a semaphore\n");
    printf("%ld cores online; times are medians of %ld runs\n\n", sysconf(_SC_NPROCESSORS_ONLN),
           options.repeat);
    bool semaphore_done = semaphore_works();
    bool downloads_right = false;
    if (semaphore_done) {
        downloads_right = compare_ways(&options);
    } else {
        printf("The bounded downloads need your semaphore: exercise 1 is not done yet.\n\n");
    }
    bool barrier_done = semaphore_done && check_barrier();
    if (!semaphore_done)
        printf("Barrier: it is built from your semaphore: exercise 1 is not done yet.\n\n");
    if (options.bench && semaphore_done)
        compare_semaphores(options.repeat);
    if (semaphore_done && downloads_right && barrier_done)
        printf("OK: see the tables above\n");
    else
        printf("NOT YET: some exercises are missing or wrong (see above)\n");
    return 0;
}
