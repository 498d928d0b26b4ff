/* sequential.c - lesson 06: a sequential task, its cycle modulo m, and one that only looks
 * sequential.
 *
 * Part 1, the source material's recurrence x -> x*x - x + 1, twenty times from 3, modulo
 * 100000: the plain loop (exercise 1), x(10^18) from the cycle the values fall into (cycle.c,
 * given), against a thread per step handing the value on (exercise 2), measured; then the
 * source material's own version, with no waiting, run many times and counted. Part 2, the
 * linear recurrence x(k+1) = a(k)*x(k) + b(k): the plain loop against the parallel scan
 * (exercise 3), the balanced scan and the reduction (exercise 4), measured.
 *
 * With --trace PREFIX it instead traces one short hand-off chain (with --racy, the racy one,
 * its step 0 held so that it reads first and writes last). --draw-chain FILE and --draw-scan FILE
 * write the lesson's two structural diagrams for Graphviz.
 */
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "affine.h"
#include "args.h"
#include "balanced.h"
#include "chunks.h"
#include "cycle.h"
#include "draw.h"
#include "handoff.h"
#include "quadratic.h"
#include "scan.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--modulus M] [--steps N] [--runs N] [--n N] [--threads N] [--repeat N] [--racy] "
    "[--trace PREFIX] [--draw-chain FILE.dot] [--draw-scan FILE.dot]";

/* The source material's run: twenty steps from 3. */
#define SOURCE_X0 3
#define SOURCE_STEPS 20
/* Modulo m the values repeat, so x(n) for an n far beyond any loop is a few steps away. */
#define FAR_N UINT64_C(1000000000000000000)
#define FAR_N_TEXT "10^18"
/* How long a step of the racy chain with step 0 held waits for the others, at most. */
#define HOLD_MS 200.0

struct options {
    long modulus;             /* the recurrence of part 1 is computed modulo this */
    long long_steps;          /* the longer hand-off chain of part 1 (and the traced one) */
    long runs;                /* runs of the racy chain */
    long n;                   /* steps of the linear recurrence of part 2 */
    long max_threads;         /* part 2 runs on 1, 2, 4, ... up to this many threads */
    long repeat;              /* each time is the median of this many runs */
    bool racy;                /* --trace: trace the racy chain */
    const char *trace_prefix;
    const char *chain_file;
    const char *scan_file;
};

/* Whether this program was built with -fsanitize=thread (gcc defines __SANITIZE_THREAD__,
 * clang answers __has_feature). */
#if defined(__SANITIZE_THREAD__)
#define THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define THREAD_SANITIZER 1
#endif
#endif

static bool built_with_thread_sanitizer(void)
{
#ifdef THREAD_SANITIZER
    return true;
#else
    return false;
#endif
}

/* ---- Part 1: the steps of the source material's recurrence --------------------------------- */

/* What the chain's step function needs: the modulus, and for the racy runs with step 0 held,
 * how far the other steps have got. */
struct quadratic_steps {
    uint64_t modulus;
    long count;                    /* steps in the chain */
    bool hold_first_step;
    atomic_long started;           /* steps that have entered the step function */
    atomic_bool first_step_read;   /* step 0 has read the shared value */
    atomic_long others_done;       /* steps other than 0 that have computed their value */
};

/* Waits, at most HOLD_MS, until `done` says so. Scaffolding, so it polls with sched_yield
 * rather than use the traced calls of sync.h. */
static void hold_until(bool (*done)(struct quadratic_steps *), struct quadratic_steps *steps,
                       const char *what)
{
    double deadline = now_seconds() + HOLD_MS / 1000.0;
    trace_begin_waiting("%s", what);
    while (!done(steps) && now_seconds() < deadline)
        sched_yield();
    trace_end();
}

static bool first_step_has_read(struct quadratic_steps *steps)
{
    return atomic_load(&steps->first_step_read);
}

static bool other_steps_are_done(struct quadratic_steps *steps)
{
    return atomic_load(&steps->others_done) == steps->count - 1;
}

/* With step 0 held, the bad timing is made to happen rather than waited for: step 0 reads
 * x0 first (every other step waits in here until it has), then writes last (it waits until
 * every other step has computed, and a moment more for their writes to land). Step 0's write
 * of x1 then overwrites the other steps' work, and the chain's result is x1: wrong on every
 * run, as it would be, now and then, on a busy machine with no hold at all. */
static uint64_t quadratic_chain_step(long k, uint64_t x, void *context)
{
    struct quadratic_steps *steps = context;
    atomic_fetch_add(&steps->started, 1);
    if (steps->hold_first_step && k == 0) {
        atomic_store(&steps->first_step_read, true);
        hold_until(other_steps_are_done, steps, "held until the other steps are done");
        sleep_ms(1);
    } else if (steps->hold_first_step) {
        hold_until(first_step_has_read, steps, "held until step 0 has read x");
    }
    uint64_t next = quadratic_step_mod(x, steps->modulus);
    trace_note("x%ld = %" PRIu64 " -> x%ld = %" PRIu64, k, x, k + 1, next);
    if (steps->hold_first_step && k != 0)
        atomic_fetch_add(&steps->others_done, 1);
    return next;
}

/* One chain of `count` steps from SOURCE_X0; returns x(count), and how many steps ran. */
static uint64_t run_chain(long count, uint64_t modulus, bool racy, bool hold, long *steps_run)
{
    struct quadratic_steps steps = { .modulus = modulus, .count = count,
                                     .hold_first_step = hold };
    struct handoff_chain chain;
    chain_init(&chain, count, SOURCE_X0 % modulus, quadratic_chain_step, &steps);
    uint64_t result = chain_run(&chain, racy ? chain_run_step_racy : chain_run_step);
    chain_destroy(&chain);
    *steps_run = atomic_load(&steps.started);
    return result;
}

/* quadratic_step_mod as a step for cycle.h; the context is the modulus. */
static uint64_t quadratic_cycle_step(uint64_t x, void *context)
{
    const uint64_t *modulus = context;
    return quadratic_step_mod(x, *modulus);
}

/* x(FAR_N) from the cycle the values fall into modulo m (cycle.c, given): the tail and the
 * period, and which x(k) of the first tail + period values x(FAR_N) equals. */
static void far_value(uint64_t m)
{
    uint64_t x0 = SOURCE_X0 % m;
    struct cycle cycle = cycle_find(x0, quadratic_cycle_step, &m);
    uint64_t value = cycle_value_at(x0, FAR_N, cycle, quadratic_cycle_step, &m);
    uint64_t same_as = FAR_N < cycle.tail ? FAR_N
                                          : cycle.tail + (FAR_N - cycle.tail) % cycle.period;
    printf("  %-46s %12" PRIu64 "   = x(%" PRIu64 "): tail %" PRIu64 ", period %" PRIu64 "\n",
           "x(" FAR_N_TEXT "), from the cycle (given, cycle.c)", value, same_as, cycle.tail,
           cycle.period);
}

/* Seconds per call of the plain loop over `count` steps: the median of `repeat` batches, each
 * long enough (a thousand calls) for the clock to see it. */
static double time_loop(long count, uint64_t modulus, long repeat)
{
    enum { CALLS = 1000 };
    double times[repeat];
    volatile uint64_t sink = 0;   /* so that the calls are not optimised away */
    for (long r = 0; r < repeat; r++) {
        double start = now_seconds();
        for (int call = 0; call < CALLS; call++)
            sink += quadratic_iterate_mod(SOURCE_X0 + (uint64_t)call % 2, count, modulus);
        times[r] = (now_seconds() - start) / CALLS;
    }
    (void)sink;
    return median(times, (size_t)repeat);
}

static double time_chain(long count, uint64_t modulus, long repeat)
{
    double times[repeat];
    for (long r = 0; r < repeat; r++) {
        long steps_run;
        double start = now_seconds();
        run_chain(count, modulus, false, false, &steps_run);
        times[r] = now_seconds() - start;
    }
    return median(times, (size_t)repeat);
}

/* Is exercise 1 done? Its stubs give 0: the first step from x0 must be x0*x0 - x0 + 1, and
 * the loop must give the same x(20) twice, and not 0 (unless modulo 1, where all values are). */
static bool quadratic_is_written(uint64_t m)
{
    uint64_t first_step = (SOURCE_X0 * SOURCE_X0 - SOURCE_X0 + 1) % m;
    uint64_t last = quadratic_iterate_mod(SOURCE_X0, SOURCE_STEPS, m);
    return quadratic_step_mod(SOURCE_X0 % m, m) == first_step &&
           last == quadratic_iterate_mod(SOURCE_X0, SOURCE_STEPS, m) && (last != 0 || m == 1);
}

static void source_recurrence(const struct options *options)
{
    uint64_t m = (uint64_t)options->modulus;
    printf("Part 1: x -> x*x - x + 1, %d times from %d, modulo %" PRIu64 "\n", SOURCE_STEPS,
           SOURCE_X0, m);
    uint64_t expected = quadratic_iterate_mod(SOURCE_X0, SOURCE_STEPS, m);
    if (!quadratic_is_written(m)) {
        printf("  plain loop: (exercise 1 is not done yet)\n\n");
        return;
    }
    printf("  %-46s %12" PRIu64 "\n", "plain loop (exercise 1)", expected);
    far_value(m);
    long steps_run;
    uint64_t chained = run_chain(SOURCE_STEPS, m, false, false, &steps_run);
    if (steps_run == 0) {
        printf("  %-46s (exercise 2 is not done yet)\n\n", "hand-off chain, a thread per step");
    } else {
        printf("  %-46s %12" PRIu64 "   %s\n", "hand-off chain, a thread per step (exercise 2)",
               chained, chained == expected ? "OK" : "WRONG");
        printf("\n  Time for the whole chain, median of %ld runs:\n", options->repeat);
        printf("  %8s %14s %16s %14s\n", "steps", "plain loop", "hand-off chain", "chain / loop");
        long counts[] = { SOURCE_STEPS, options->long_steps };
        for (int i = 0; i < 2; i++) {
            double loop = time_loop(counts[i], m, options->repeat);
            double chain = time_chain(counts[i], m, options->repeat);
            printf("  %8ld %11.3f us %13.1f us %13.0fx\n", counts[i], loop * 1e6, chain * 1e6,
                   chain / loop);
        }
    }

    printf("\n  The source material's version: a thread per step, no waiting (a data race):\n");
    if (built_with_thread_sanitizer()) {
        printf("  (not run under ThreadSanitizer, which would stop at its race; `make run`\n"
               "   shows it, and `sequential --steps 6 --racy --trace PREFIX` under TSan\n"
               "   shows the report)\n\n");
        return;
    }
    printf("  %-44s %8s %8s\n", "", "runs", "wrong");
    struct {
        const char *name;
        bool hold;
        long runs;
    } racy_runs[] = {
        { "left to chance", false, options->runs },
        { "step 0 held: reads first, writes last", true, 20 },
    };
    for (size_t i = 0; i < sizeof racy_runs / sizeof racy_runs[0]; i++) {
        long wrong = 0;
        for (long run = 0; run < racy_runs[i].runs; run++)
            wrong += run_chain(SOURCE_STEPS, m, true, racy_runs[i].hold, &steps_run) != expected;
        printf("  %-44s %8ld %8ld   %s\n", racy_runs[i].name, racy_runs[i].runs, wrong,
               wrong > 0 ? "BOOM" : "OK (luck: the race is still there)");
    }
    printf("\n");
}

/* ---- Part 2: the linear recurrence --------------------------------------------------------- */

/* The median time of `repeat` runs of one version, and whether every run gave the right
 * answer; returns false if the version gave nothing at all (not written yet). */
enum version { PLAIN_LOOP, SCAN, BALANCED_SCAN, REDUCTION };

static const char *const version_names[] = {
    "plain loop", "scan, T chunks (ex. 3)", "balanced scan, T+1 chunks (ex. 4)",
    "reduction, x(n) only (ex. 4)",
};

static struct scan_result run_version(enum version version, const struct linear_recurrence *r,
                                      int threads)
{
    switch (version) {
    case PLAIN_LOOP: return scan_sequential(r, NULL);
    case SCAN: return scan_parallel(r, threads, NULL);
    case BALANCED_SCAN: return scan_balanced(r, threads, NULL);
    case REDUCTION: return (struct scan_result){ reduce_parallel(r, threads), 0 };
    }
    return (struct scan_result){ 0, 0 };
}

static void linear_recurrence(const struct options *options)
{
    uint64_t seed = 2024;
    struct linear_recurrence r = { 1, options->n, maps_generated, &seed };
    printf("Part 2: x(k+1) = a(k)*x(k) + b(k) modulo 2^64, n = %ld steps (maps made from k),\n"
           "        every x(k) summed; median of %ld runs, %ld cores online\n",
           options->n, options->repeat, sysconf(_SC_NPROCESSORS_ONLN));
    printf("  %-34s %7s %9s %8s   %s\n", "version", "threads", "seconds", "speedup",
           "answer");
    struct scan_result expected = scan_sequential(&r, NULL);
    double plain = 0;
    for (enum version version = PLAIN_LOOP; version <= REDUCTION; version++) {
        for (long threads = 1; threads <= options->max_threads; threads *= 2) {
            if (version == PLAIN_LOOP && threads > 1)
                break;
            double times[options->repeat];
            bool right = true, gave_nothing = false;
            for (long run = 0; run < options->repeat; run++) {
                double start = now_seconds();
                struct scan_result got = run_version(version, &r, (int)threads);
                times[run] = now_seconds() - start;
                bool checksum_wanted = version != REDUCTION;
                gave_nothing = got.last == 0 && got.sum == 0;
                right = right && got.last == expected.last &&
                        (!checksum_wanted || got.sum == expected.sum);
            }
            if (gave_nothing && !right) {
                printf("  %-34s %7ld   (exercise %d is not done yet)\n", version_names[version],
                       threads, version == SCAN ? 3 : 4);
                break;
            }
            double seconds = median(times, (size_t)options->repeat);
            if (version == PLAIN_LOOP)
                plain = seconds;
            printf("  %-34s %7ld %9.4f %8.2f   %s\n", version_names[version], threads, seconds,
                   plain / seconds, right ? "OK" : "WRONG");
        }
    }
    printf("  x(n) = %" PRIu64 ", checksum %" PRIu64 "\n", expected.last, expected.sum);
}

/* ---- Traced runs and diagrams --------------------------------------------------------------- */

/* Unfinished exercises are no error here: the chain is skipped, and the diagrams are drawn
 * from a run that only says why. */
static int traced_run(const struct options *options)
{
    uint64_t m = (uint64_t)options->modulus;
    const char *chain_name = options->racy ? "the racy chain" : "the hand-off chain";
    if (!quadratic_is_written(m)) {
        printf("%s needs exercise 1 (lessons/06-sequential/quadratic.c); skipped, and the "
               "diagrams say so\n", chain_name);
        return trace_skipped(options->trace_prefix, "skipped: %s needs exercise 1 "
                             "(quadratic.c)", chain_name) == 0 ? 0 : 1;
    }
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    trace_name_thread("main");
    trace_note("a chain of %ld steps from x0 = %d%s", options->long_steps, SOURCE_X0,
               options->racy ? ", no waiting, step 0 held" : "");
    long steps_run;
    uint64_t result = run_chain(options->long_steps, m, options->racy, options->racy,
                                &steps_run);
    trace_note("x%ld = %" PRIu64, options->long_steps, result);
    if (trace_close() != 0)
        return 1;
    if (steps_run == 0) {   /* only the stub of exercise 2 runs no step (the racy chain is given) */
        printf("the hand-off chain needs exercise 2 (lessons/06-sequential/handoff.c); "
               "skipped, and the diagrams say so\n");
        return trace_skipped(options->trace_prefix, "skipped: the hand-off chain needs "
                             "exercise 2 (handoff.c)") == 0 ? 0 : 1;
    }
    printf("traced: %s chain of %ld steps gave %" PRIu64 " (the loop gives %" PRIu64 "); "
           "written %s-hb.dot, %s-timeline.dot, %s.json\n", options->racy ? "a racy" : "the",
           options->long_steps, result, quadratic_iterate_mod(SOURCE_X0, options->long_steps, m),
           options->trace_prefix, options->trace_prefix, options->trace_prefix);
    return 0;
}

static int write_diagram(const char *path, const struct options *options, bool chain)
{
    /* The chain's values come from exercise 1; until it is done the diagram is not drawn (its
     * values would all be 0). Not an error: the scan's diagram is drawn all the same. */
    if (chain && !quadratic_is_written((uint64_t)options->modulus)) {
        printf("the chain diagram needs exercise 1 (lessons/06-sequential/quadratic.c); "
               "skipped: %s not written\n", path);
        return 0;
    }
    FILE *file = fopen(path, "w");
    if (file == NULL) {
        perror(path);
        return 1;
    }
    int written;
    if (chain) {
        uint64_t m = (uint64_t)options->modulus;
        uint64_t values[SOURCE_STEPS + 1];
        values[0] = SOURCE_X0 % m;
        for (long k = 0; k < SOURCE_STEPS; k++)
            values[k + 1] = quadratic_step_mod(values[k], m);
        written = draw_chain(file, values, SOURCE_STEPS, m);
    } else {
        written = draw_scan(file, 16, 4);
    }
    if (fclose(file) != 0 || written != 0) {
        perror(path);
        return 1;
    }
    printf("written %s\n", path);
    return 0;
}

/* ---- Command line ----------------------------------------------------------------------- */

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .modulus = 100000, .long_steps = 1000, .runs = 200,
                               .n = 10000000, .max_threads = 4, .repeat = 3 };
    static const struct option long_options[] = {
        { "modulus", required_argument, NULL, 'm' },
        { "steps", required_argument, NULL, 's' },
        { "runs", required_argument, NULL, 'r' },
        { "n", required_argument, NULL, 'n' },
        { "threads", required_argument, NULL, 't' },
        { "repeat", required_argument, NULL, 'R' },
        { "racy", no_argument, NULL, 'y' },
        { "trace", required_argument, NULL, 'T' },
        { "draw-chain", required_argument, NULL, 'c' },
        { "draw-scan", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *me = "sequential";
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'm':
            options.modulus = number_argument(me, usage_text, "--modulus", optarg, 1,
                                              (long)QUADRATIC_MAX_MODULUS);
            break;
        case 's':
            options.long_steps = number_argument(me, usage_text, "--steps", optarg, 1, 10000);
            break;
        case 'r':
            options.runs = number_argument(me, usage_text, "--runs", optarg, 1, 100000);
            break;
        case 'n':
            options.n = number_argument(me, usage_text, "--n", optarg, 0, 1000000000000L);
            break;
        case 't':
            options.max_threads = number_argument(me, usage_text, "--threads", optarg, 1,
                                                  SCAN_MAX_THREADS);
            break;
        case 'R':
            options.repeat = number_argument(me, usage_text, "--repeat", optarg, 1, 100);
            break;
        case 'y': options.racy = true; break;
        case 'T': options.trace_prefix = optarg; break;
        case 'c': options.chain_file = optarg; break;
        case 'd': options.scan_file = optarg; break;
        case 'h':
            printf("usage: %s %s\n", me, usage_text);
            exit(0);
        default:
            usage_error(me, usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error(me, usage_text, "unexpected argument");
    if (options.racy && options.trace_prefix == NULL)
        usage_error(me, usage_text, "--racy goes with --trace");
    return options;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    if (options.chain_file != NULL || options.scan_file != NULL) {
        int status = 0;
        if (options.chain_file != NULL)
            status |= write_diagram(options.chain_file, &options, true);
        if (options.scan_file != NULL)
            status |= write_diagram(options.scan_file, &options, false);
        return status;
    }
    if (options.trace_prefix != NULL)
        return traced_run(&options);
    printf("Lesson 06: a sequential task, and when it is not\n\n");
    source_recurrence(&options);
    linear_recurrence(&options);
    return 0;
}
