/* side_by_side.c - the kit's own jobs on POSIX threads, as lessons 06, 07 and 09 wrote them, and
 * with OpenMP, side by side in one run.
 *
 *   side_by_side [--threads T] [--repeat R] [--images N] [--primes N] [--steps N] [--fib N]
 *                [--trace PREFIX]
 *
 * Each job is done once sequentially, then by every version on T threads (default: the cores),
 * R times each. The table gives each version's median time, its speedup over the sequential
 * run, and for an OpenMP version its time over the pthreads version it redoes ("vs pthreads":
 * 1.00 is the same time, 1.05 is 5% slower). Every version's answer is checked against the
 * sequential one; a version whose exercise is not done yet (or is wrong) is left out, with the
 * exercise it needs.
 *
 *   images, uniform   lesson 07's batch: N colour images of 640 x 480 made gray and halved
 *   images, mixed     the same on a mixed set: N images of 320 x 240, one in 15 of them 4 times
 *                     wider and taller, near the start (as lesson 07's mixed set)
 *   primes            lesson 09's primes: N numbers from 10^13, counted
 *   scan              lesson 06's linear recurrence over N steps, every value kept
 *   fib               fib(N) by the recursion, cut into threads (down to a depth that gives
 *                     about 4 per core) or into tasks, with four cutoffs (exercise 3)
 *
 * With --trace PREFIX, a small mixed set is done by lesson 07's dynamic pthreads, then by
 * OpenMP's dynamic and static schedules, traced: every OpenMP thread gets a lane of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "batch.h"
#include "fib.h"
#include "memory_images.h"
#include "omp_batch.h"
#include "omp_fib.h"
#include "omp_primes.h"
#include "omp_scan.h"
#include "partition.h"
#include "primes.h"
#include "scan.h"
#include "scan_directive.h"
#include "timing.h"
#include "trace.h"
#include "workers.h"

static const char usage_text[] = "[--threads T] [--repeat R] [--images N] [--primes N] "
                                 "[--steps N] [--fib N] [--trace PREFIX]";

/* The first number of the primes, as in lesson 09 and the source material. */
#define PRIMES_FROM 10000000000000L

struct options {
    int threads, repeat;
    long images, primes, steps, fib;
    const char *trace;
};

/* Everything the versions work on, made once. */
struct jobs {
    const struct options *options;
    struct image_set uniform, mixed;
    bool *prime;                    /* lesson 09's pthreads version: one answer per number */
    struct linear_recurrence recurrence;
    uint64_t seed;
    uint64_t *values;               /* the scan's x(1) .. x(n) */
};

/* One version of a job: runs it once and stores its answer, or returns false when the
 * function it calls says it is not written yet (it returned -1 with errno ENOSYS). */
struct version {
    const char *name;
    bool (*run)(struct jobs *jobs, uint64_t *answer);
    const char *needs;     /* the exercise the version needs, for when it is not done */
    int pthreads;          /* for an OpenMP version: the row of the pthreads one it redoes */
};

/* ---- images ------------------------------------------------------------------------------ */

static bool images_done(struct image_set *set, long failed, uint64_t *answer)
{
    if (failed < 0)
        return false;
    *answer = image_set_checksum(set);
    image_set_clear(set);
    return true;
}

static bool sequential_images(struct image_set *set, uint64_t *answer)
{
    return images_done(set, run_sequential(set->count, image_set_job, set), answer);
}

static bool pthreads_images(struct image_set *set, enum schedule schedule, int threads,
                            uint64_t *answer)
{
    return images_done(set, run_batch(set->count, (unsigned)threads, schedule, image_set_job, set),
                       answer);
}

/* The whole OpenMP version of lesson 07's batch: the schedule is the only difference. */
static bool openmp_images(struct image_set *set, omp_sched_t schedule, int threads,
                          uint64_t *answer)
{
    long count = (long)set->count, failed = 0;
    if (schedule == omp_sched_static) {
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : failed)
        for (long i = 0; i < count; i++)
            failed += image_set_job((size_t)i, (unsigned)omp_get_thread_num(), set) != 0;
    } else if (schedule == omp_sched_dynamic) {
#pragma omp parallel for num_threads(threads) schedule(dynamic) reduction(+ : failed)
        for (long i = 0; i < count; i++)
            failed += image_set_job((size_t)i, (unsigned)omp_get_thread_num(), set) != 0;
    } else {
#pragma omp parallel for num_threads(threads) schedule(guided) reduction(+ : failed)
        for (long i = 0; i < count; i++)
            failed += image_set_job((size_t)i, (unsigned)omp_get_thread_num(), set) != 0;
    }
    return images_done(set, failed, answer);
}

static bool uniform_sequential(struct jobs *j, uint64_t *a)
{
    return sequential_images(&j->uniform, a);
}
static bool uniform_pthreads_static(struct jobs *j, uint64_t *a)
{
    return pthreads_images(&j->uniform, SCHEDULE_STATIC, j->options->threads, a);
}
static bool uniform_pthreads_dynamic(struct jobs *j, uint64_t *a)
{
    return pthreads_images(&j->uniform, SCHEDULE_DYNAMIC, j->options->threads, a);
}
static bool uniform_openmp_static(struct jobs *j, uint64_t *a)
{
    return openmp_images(&j->uniform, omp_sched_static, j->options->threads, a);
}
static bool uniform_openmp_dynamic(struct jobs *j, uint64_t *a)
{
    return openmp_images(&j->uniform, omp_sched_dynamic, j->options->threads, a);
}
static bool uniform_openmp_guided(struct jobs *j, uint64_t *a)
{
    return openmp_images(&j->uniform, omp_sched_guided, j->options->threads, a);
}
static bool mixed_sequential(struct jobs *j, uint64_t *a)
{
    return sequential_images(&j->mixed, a);
}
static bool mixed_pthreads_static(struct jobs *j, uint64_t *a)
{
    return pthreads_images(&j->mixed, SCHEDULE_STATIC, j->options->threads, a);
}
static bool mixed_pthreads_dynamic(struct jobs *j, uint64_t *a)
{
    return pthreads_images(&j->mixed, SCHEDULE_DYNAMIC, j->options->threads, a);
}
static bool mixed_openmp_static(struct jobs *j, uint64_t *a)
{
    return openmp_images(&j->mixed, omp_sched_static, j->options->threads, a);
}
static bool mixed_openmp_dynamic(struct jobs *j, uint64_t *a)
{
    return openmp_images(&j->mixed, omp_sched_dynamic, j->options->threads, a);
}
static bool mixed_openmp_guided(struct jobs *j, uint64_t *a)
{
    return openmp_images(&j->mixed, omp_sched_guided, j->options->threads, a);
}
static bool mixed_exercise_4(struct jobs *j, uint64_t *a)
{
    return images_done(&j->mixed, batch_mixed_sizes(j->mixed.count, j->options->threads,
                                                    image_set_job, &j->mixed), a);
}

/* ---- primes ------------------------------------------------------------------------------ */

static bool primes_sequential(struct jobs *j, uint64_t *answer)
{
    long found = 0;
    for (long i = 0; i < j->options->primes; i++)
        found += is_prime(PRIMES_FROM + i);
    *answer = (uint64_t)found;
    return true;
}

static void check_one(long item, void *context)
{
    struct jobs *j = context;
    j->prime[item] = is_prime(PRIMES_FROM + item);
}

/* Lesson 09's way: a dynamic partition, a thread per worker, an answer per number, a count. */
static bool primes_pthreads(struct jobs *j, uint64_t *answer)
{
    struct partition partition;
    partition_init(&partition, SPLIT_DYNAMIC, j->options->primes, (unsigned)j->options->threads);
    memset(j->prime, 0, (size_t)j->options->primes * sizeof *j->prime);
    run_workers(&partition, check_one, j);
    long found = 0;
    for (long i = 0; i < j->options->primes; i++)
        found += j->prime[i];
    *answer = (uint64_t)found;
    return true;
}

static bool primes_openmp(struct jobs *j, uint64_t *answer)
{
    long found = count_primes(PRIMES_FROM, j->options->primes, j->options->threads);
    *answer = (uint64_t)found;
    return found >= 0;
}

/* ---- scan -------------------------------------------------------------------------------- */

/* x(n) and the sum in one number, to compare answers. */
static uint64_t scan_answer(struct scan_result result)
{
    return result.last * 1000003u + result.sum;
}

static bool scan_sequential_version(struct jobs *j, uint64_t *answer)
{
    *answer = scan_answer(scan_sequential(&j->recurrence, j->values));
    return true;
}

static bool scan_pthreads(struct jobs *j, uint64_t *answer)
{
    *answer = scan_answer(scan_parallel(&j->recurrence, j->options->threads, j->values));
    return true;   /* a stub's {0, 0} is a wrong answer, which the check below catches */
}

static bool scan_openmp(struct jobs *j, uint64_t *answer)
{
    errno = 0;
    *answer = scan_answer(scan_omp(&j->recurrence, j->options->threads, j->values));
    return errno != ENOSYS;
}

static bool scan_openmp_directive(struct jobs *j, uint64_t *answer)
{
    *answer = scan_answer(scan_directive(&j->recurrence, j->options->threads, j->values));
    return true;
}

/* ---- fib --------------------------------------------------------------------------------- */

static bool fib_sequential_version(struct jobs *j, uint64_t *answer)
{
    *answer = (uint64_t)fib_sequential((int)j->options->fib);
    return true;
}

/* Enough threads at the bottom to even out fib's lopsided halves: about 4 per core. */
static int fib_depth(int threads)
{
    int depth = 2;
    while ((1 << depth) < 4 * threads)
        depth++;
    return depth;
}

/* The cutoff: a task for every call of fib(m) with m above n - depth, about 1.6^depth tasks,
 * each at least fib(n - depth) of work (at least 1). */
static int fib_cutoff(long n, int depth)
{
    return n - depth > 1 ? (int)n - depth : 1;
}

static bool fib_pthreads(struct jobs *j, uint64_t *answer)
{
    *answer = (uint64_t)fib_threads((int)j->options->fib, fib_depth(j->options->threads));
    return true;
}

static bool fib_openmp(struct jobs *j, int depth, uint64_t *answer)
{
    long result = fib_tasks((int)j->options->fib, fib_cutoff(j->options->fib, depth),
                            j->options->threads);
    *answer = (uint64_t)result;
    return result >= 0;
}

static bool fib_openmp_4(struct jobs *j, uint64_t *a) { return fib_openmp(j, 4, a); }
static bool fib_openmp_8(struct jobs *j, uint64_t *a) { return fib_openmp(j, 8, a); }
static bool fib_openmp_12(struct jobs *j, uint64_t *a) { return fib_openmp(j, 12, a); }
static bool fib_openmp_16(struct jobs *j, uint64_t *a) { return fib_openmp(j, 16, a); }

/* ---- the table --------------------------------------------------------------------------- */

#define ROWS_PER_JOB 8

struct job {
    const char *name;
    struct version versions[ROWS_PER_JOB];   /* the first is the sequential one */
};

static const struct job table[] = {
    { "images, uniform", {
        { "sequential", uniform_sequential, NULL, -1 },
        { "pthreads static (07)", uniform_pthreads_static,
          "lesson 07's exercises 3 and 4 (lessons/07-images/share.c, batch.c)", -1 },
        { "pthreads dynamic (07)", uniform_pthreads_dynamic,
          "lesson 07's exercises 3 and 4 (lessons/07-images/share.c, batch.c)", -1 },
        { "OpenMP static", uniform_openmp_static, NULL, 1 },
        { "OpenMP dynamic", uniform_openmp_dynamic, NULL, 2 },
        { "OpenMP guided", uniform_openmp_guided, NULL, 2 },
    } },
    { "images, mixed", {
        { "sequential", mixed_sequential, NULL, -1 },
        { "pthreads static (07)", mixed_pthreads_static,
          "lesson 07's exercises 3 and 4 (lessons/07-images/share.c, batch.c)", -1 },
        { "pthreads dynamic (07)", mixed_pthreads_dynamic,
          "lesson 07's exercises 3 and 4 (lessons/07-images/share.c, batch.c)", -1 },
        { "OpenMP static", mixed_openmp_static, NULL, 1 },
        { "OpenMP dynamic", mixed_openmp_dynamic, NULL, 2 },
        { "OpenMP guided", mixed_openmp_guided, NULL, 2 },
        { "OpenMP, exercise 4", mixed_exercise_4,
          "exercise 4 (lessons/12-openmp/omp_batch.c)", 2 },
    } },
    { "primes", {
        { "sequential", primes_sequential, NULL, -1 },
        { "pthreads dynamic (09)", primes_pthreads,
          "lesson 09's exercise 2 (lessons/09-amdahl/partition.c)", -1 },
        { "OpenMP reduction, exercise 1", primes_openmp,
          "exercise 1 (lessons/12-openmp/omp_primes.c)", 1 },
    } },
    { "scan", {
        { "sequential", scan_sequential_version, NULL, -1 },
        { "pthreads blocked (06)", scan_pthreads,
          "lesson 06's exercise 3 (lessons/06-sequential/scan.c)", -1 },
        { "OpenMP blocked, exercise 2", scan_openmp,
          "exercise 2 (lessons/12-openmp/omp_scan.c)", 1 },
        { "OpenMP scan directive", scan_openmp_directive, NULL, 1 },
    } },
    { "fib", {
        { "sequential", fib_sequential_version, NULL, -1 },
        { "pthreads, a thread per call", fib_pthreads, NULL, -1 },   /* to fib_depth */
        { "OpenMP tasks, cutoff n - 4", fib_openmp_4,
          "exercise 3 (lessons/12-openmp/omp_fib.c)", 1 },
        { "OpenMP tasks, cutoff n - 8", fib_openmp_8,
          "exercise 3 (lessons/12-openmp/omp_fib.c)", 1 },
        { "OpenMP tasks, cutoff n - 12", fib_openmp_12,
          "exercise 3 (lessons/12-openmp/omp_fib.c)", 1 },
        { "OpenMP tasks, cutoff n - 16", fib_openmp_16,
          "exercise 3 (lessons/12-openmp/omp_fib.c)", 1 },
    } },
};

/* Runs one version once, to warm up (a first run also pays for touching fresh memory) and to
 * check its answer against `expected` (NULL: this is the sequential version, whose answer is
 * the expected one). Returns false, saying why, when it is not done or gave another answer. */
static bool warm_up(struct jobs *jobs, const struct version *version, const uint64_t *expected,
                    uint64_t *answer)
{
    if (version->run == scan_openmp_directive && !scan_directive_works()) {
        printf("  %-32s skipped: built by clang, whose scan directive needs a stack as large "
               "as the steps\n", version->name);
        return false;
    }
    if (!version->run(jobs, answer)) {
        printf("  %-32s needs %s; skipped\n", version->name, version->needs);
        return false;
    }
    if (expected != NULL && *answer != *expected) {
        printf("  %-32s gave another answer than the sequential run: %s; skipped\n",
               version->name, version->needs != NULL ? version->needs : "a bug");
        return false;
    }
    return true;
}

/* Each job: every version warmed up and checked, then R rounds in which every version runs
 * once, in turn. Interleaved so that a burst of other work on the machine falls on every
 * version alike, rather than on whichever happened to be running then. */
static void run_table(struct jobs *jobs)
{
    const struct options *o = jobs->options;
    printf("%-34s %9s %8s %12s\n", "job, version", "time (s)", "speedup", "vs pthreads");
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        const struct job *job = &table[t];
        bool ready[ROWS_PER_JOB] = { false };
        double seconds[ROWS_PER_JOB][64], times[ROWS_PER_JOB] = { 0 };
        uint64_t expected = 0, answer = 0;
        int versions = 0;
        while (versions < ROWS_PER_JOB && job->versions[versions].name != NULL)
            versions++;
        printf("%s\n", job->name);
        for (int v = 0; v < versions; v++) {
            ready[v] = warm_up(jobs, &job->versions[v], v == 0 ? NULL : &expected, &answer);
            if (v == 0)
                expected = answer;
        }
        for (int r = 0; r < o->repeat; r++)
            for (int v = 0; v < versions; v++) {
                if (!ready[v])
                    continue;
                double start = now_seconds();
                job->versions[v].run(jobs, &answer);
                seconds[v][r] = now_seconds() - start;
            }
        for (int v = 0; v < versions; v++) {
            const struct version *version = &job->versions[v];
            if (!ready[v])
                continue;
            times[v] = median(seconds[v], (size_t)o->repeat);
            printf("  %-32s %9.4f %8.2f", version->name, times[v], times[0] / times[v]);
            if (version->pthreads >= 0 && ready[version->pthreads])
                printf(" %12.2f", times[v] / times[version->pthreads]);
            printf("\n");
        }
    }
}

/* ---- the traced run ---------------------------------------------------------------------- */

/* Gives the team's threads their lanes, in the program's first parallel region: that is where
 * GCC's OpenMP runtime starts them, from the thread that meets the region (main, which is the
 * team's thread 0). It records a create for each of the others, and each then starts its lane,
 * so the diagrams draw the arrow from the one to the other. */
static void trace_openmp_team(int threads)
{
    long lanes[OMP_LESSON_MAX_THREADS];
#pragma omp parallel num_threads(threads)
    {
#pragma omp master
        for (int t = 1; t < omp_get_num_threads(); t++) {
            lanes[t] = trace_new_lane();
            trace_event(TRACE_CREATE, NULL, lanes[t]);
        }
#pragma omp barrier
        int t = omp_get_thread_num();
        if (t != 0) {
            trace_thread_started(lanes[t]);
            trace_name_thread("OpenMP thread %d", t);
        }
    }
}

static int traced_run(const struct options *o)
{
    struct image_set set;
    if (image_set_make(&set, 16, 320, 240, 2, 3) != 0)
        return 1;
    if (trace_open(o->trace) != 0) {
        image_set_free(&set);
        return 1;
    }
    trace_name_thread("main");
    trace_set_limit(100);   /* every image of the three runs */
    uint64_t answer;
    trace_note("lesson 07: pthreads, dynamic");
    if (!pthreads_images(&set, SCHEDULE_DYNAMIC, o->threads, &answer))
        trace_note("lesson 07's exercises 3 and 4 not done: no pthreads run");
    trace_note("OpenMP: the team starts");
    trace_openmp_team(o->threads);
    trace_note("OpenMP: schedule(dynamic)");
    openmp_images(&set, omp_sched_dynamic, o->threads, &answer);
    trace_note("OpenMP: schedule(static)");
    openmp_images(&set, omp_sched_static, o->threads, &answer);
    image_set_free(&set);
    if (trace_close() != 0)
        return 1;
    return 0;
}

/* ---- main -------------------------------------------------------------------------------- */

static int make_jobs(struct jobs *jobs, const struct options *o)
{
    *jobs = (struct jobs){ .options = o, .seed = 12 };
    long mixed = o->images;
    long large = mixed / 15 > 0 ? mixed / 15 : 1;
    if (image_set_make(&jobs->uniform, (size_t)o->images, 640, 480, 0, 1) != 0 ||
        image_set_make(&jobs->mixed, (size_t)mixed, 320, 240, (size_t)large, 4) != 0)
        return -1;
    jobs->prime = calloc((size_t)o->primes, sizeof *jobs->prime);
    jobs->values = malloc((size_t)o->steps * sizeof *jobs->values);
    if (jobs->prime == NULL || jobs->values == NULL) {
        fprintf(stderr, "side_by_side: out of memory\n");
        return -1;
    }
    jobs->recurrence = (struct linear_recurrence){ .x0 = 1, .n = o->steps,
                                                   .map = maps_generated, .source = &jobs->seed };
    return 0;
}

static void free_jobs(struct jobs *jobs)
{
    image_set_free(&jobs->uniform);
    image_set_free(&jobs->mixed);
    free(jobs->prime);
    free(jobs->values);
}

int main(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct options o = { .threads = cores > 0 && cores <= OMP_LESSON_MAX_THREADS ? (int)cores : 2,
                         .repeat = 3, .images = 60, .primes = 300, .steps = 1000000, .fib = 30 };
    static const struct option long_options[] = {
        { "threads", required_argument, NULL, 't' }, { "repeat", required_argument, NULL, 'r' },
        { "images", required_argument, NULL, 'i' },  { "primes", required_argument, NULL, 'p' },
        { "steps", required_argument, NULL, 's' },   { "fib", required_argument, NULL, 'f' },
        { "trace", required_argument, NULL, 'T' },   { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 't':
            o.threads = (int)number_argument("side_by_side", usage_text, "--threads", optarg, 1,
                                             OMP_LESSON_MAX_THREADS);
            break;
        case 'r':
            o.repeat = (int)number_argument("side_by_side", usage_text, "--repeat", optarg, 1, 64);
            break;
        case 'i':
            o.images = number_argument("side_by_side", usage_text, "--images", optarg, 1, 10000);
            break;
        case 'p':
            o.primes = number_argument("side_by_side", usage_text, "--primes", optarg, 1,
                                       100000000);
            break;
        case 's':
            o.steps = number_argument("side_by_side", usage_text, "--steps", optarg, 1,
                                      100000000);
            break;
        case 'f':
            o.fib = number_argument("side_by_side", usage_text, "--fib", optarg, 1, 45);
            break;
        case 'T':
            o.trace = optarg;
            break;
        default:
            usage_error("side_by_side", usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error("side_by_side", usage_text, "unexpected argument");

    if (o.trace != NULL)
        return traced_run(&o);

    printf("Side by side on %d threads (%ld cores online): median of %d runs; speedup over the "
           "sequential run;\nvs pthreads: the OpenMP version's time over the pthreads "
           "version's (1.00: the same).\n",
           o.threads, cores, o.repeat);
    printf("images: %ld uniform (640 x 480), %ld mixed (320 x 240, %ld of them 4 times wider "
           "and taller); primes: %ld from 10^13;\nscan: %ld steps; fib(%ld)\n\n", o.images,
           o.images, o.images / 15 > 0 ? o.images / 15 : 1, o.primes, o.steps, o.fib);
    struct jobs jobs;
    if (make_jobs(&jobs, &o) != 0) {
        free_jobs(&jobs);
        return 1;
    }
    run_table(&jobs);
    free_jobs(&jobs);
    return 0;
}
