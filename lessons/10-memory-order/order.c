/* order.c - lesson 10: memory order, measured on this machine.
 *
 * Part 1: the litmus tests (litmus.h) under each choice of memory orders: which outcomes
 * sequential consistency, x86, ARMv8 and C11 allow, what the explorer allows under TSO, and
 * what this machine did.
 * Part 2: Peterson's lock, relaxed (broken), with a fence (x86 only) and with seq_cst
 * (exercise 1): how often two threads were inside at once.
 * Part 3: a message handed over through a flag, release and acquire (exercise 2).
 * Part 4: lazy initialisation, double-checked (exercise 3), against taking the lock every time.
 *
 * With --trace PREFIX it instead traces lazy initialisation by four threads.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "explorer.h"
#include "lazy.h"
#include "litmus.h"
#include "litmus_models.h"
#include "mailbox.h"
#include "peterson.h"
#include "sync.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--iterations N] [--rounds N] [--messages N] [--calls N] [--repeat N] [--trace PREFIX]";

struct options {
    long iterations;   /* litmus: runs of each test (IRIW: a tenth) */
    long rounds;       /* Peterson: lock and unlock, per thread */
    long messages;     /* mailboxes handed over */
    long calls;        /* lazy_get calls per thread */
    long repeat;       /* each measurement this many times; the median is shown */
    const char *trace_prefix;
};

#define LAZY_THREADS 2

static double median_of(const double *values, long count)
{
    double copy[64];
    for (long i = 0; i < count; i++)
        copy[i] = values[i];
    return median(copy, (size_t)count);
}

/* ---- Part 1: litmus tests ------------------------------------------------------------------ */

/* Whether the explorer, under TSO, allows the outcome `outcome` of the test's model. */
static bool explorer_allows(enum litmus_test test, int outcome, const struct exploration *tso,
                            const struct program *program)
{
    for (int i = 0; i < tso->outcome_count; i++) {
        bool same = true;
        for (int r = 0; r < litmus_registers(test); r++) {
            char name[12];
            snprintf(name, sizeof name, "r%d", r + 1);
            for (int v = 0; v < program->variable_count; v++)
                if (strcmp(program->variable_names[v], name) == 0)
                    same = same && tso->outcomes[i].values[v] == ((outcome >> r) & 1);
        }
        if (same)
            return true;
    }
    return false;
}

static const char *yes_no(bool yes)
{
    return yes ? "yes" : "no";
}

static void litmus_tests(const struct options *options)
{
    printf("Part 1: litmus tests, %ld runs of each (IRIW %ld)%s; the outcome asked about, "
           "who allows it, and how often this machine showed it\n", options->iterations,
           options->iterations / 10, options->repeat > 1 ? ", median of the repeats" : "");
    printf("  %-5s %-16s %-20s %-3s %-4s %-6s %-4s %-9s %10s %8s\n", "test", "orders",
           "outcome", "SC", "x86", "ARMv8", "C11", "explorer", "seen", "in runs");
    bool all_allowed = true;
    for (int test = 0; test < LITMUS_TESTS; test++) {
        for (int orders = 0; orders < ORDERS_COUNT; orders++) {
            if (!litmus_has(test, orders))
                continue;
            struct program program;
            struct exploration tso;
            build_litmus_model(litmus_tso_model(test, orders), &program);
            if (explore_memory(&program, MEMORY_TSO, &tso) != 0)
                exit(1);
            int interesting = litmus_interesting(test);
            long iterations = test == LITMUS_IRIW ? options->iterations / 10 : options->iterations;
            if (iterations < 1)
                iterations = 1;
            double seen[64];
            long runs_seeing = 0;
            for (long run = 0; run < options->repeat; run++) {
                struct litmus_result result;
                litmus_run(test, orders, iterations, &result);
                seen[run] = (double)result.counts[interesting];
                runs_seeing += result.counts[interesting] > 0;
                for (int k = 0; k < LITMUS_OUTCOMES; k++)
                    if (result.counts[k] > 0 && !explorer_allows(test, k, &tso, &program)) {
                        char text[40];
                        litmus_outcome_text(test, k, text, sizeof text);
                        printf("  !! %s %s: %s seen %ld times, but the TSO explorer forbids it\n",
                               litmus_name(test), litmus_orders_name(orders), text,
                               result.counts[k]);
                        all_allowed = false;
                    }
            }
            char text[40];
            litmus_outcome_text(test, interesting, text, sizeof text);
            printf("  %-5s %-16s %-20s %-3s %-4s %-6s %-4s %-9s %10.0f %6ld/%ld\n",
                   litmus_name(test), litmus_orders_name(orders), text, "no",
                   yes_no(litmus_tso_allows(test, orders)), yes_no(litmus_arm_allows(test, orders)),
                   yes_no(litmus_c11_allows(test, orders)),
                   yes_no(explorer_allows(test, interesting, &tso, &program)),
                   median_of(seen, options->repeat), runs_seeing, options->repeat);
            fflush(stdout);
        }
    }
    printf("  every outcome seen is one the explorer allows under TSO: %s\n\n",
           all_allowed ? "yes" : "NO");
}

/* ---- Part 2: Peterson's lock ----------------------------------------------------------------- */

struct peterson_version {
    const char *name;
    int (*lock)(struct peterson *lock, int me);
    void (*unlock)(struct peterson *lock, int me);
};

struct peterson_run {
    const struct peterson_version *version;
    struct peterson lock;
    long rounds;
    atomic_int inside;      /* threads between lock and unlock right now */
    atomic_long overlaps;   /* times a thread came in and found the other inside */
    atomic_long count;      /* added to with a separate load and store: an overlap loses one */
    atomic_int failed;      /* the lock returned an error (exercise 1 not written) */
    atomic_int ready;
};

/* Everything in the critical section is a relaxed atomic, so even the broken lock is legal C:
 * what goes wrong is the lock, not a data race of the test. */
static void *take_turns(void *arg)
{
    struct peterson_run *run = arg;
    int me = atomic_fetch_add(&run->ready, 1);
    unsigned long long random = (unsigned long long)me + 1;
    while (atomic_load(&run->ready) < 2)
        sched_yield();
    for (long i = 0; i < run->rounds; i++) {
        if (run->version->lock(&run->lock, me) != 0) {
            atomic_store(&run->failed, 1);
            return NULL;
        }
        if (atomic_fetch_add_explicit(&run->inside, 1, memory_order_relaxed) != 0)
            atomic_fetch_add_explicit(&run->overlaps, 1, memory_order_relaxed);
        long count = atomic_load_explicit(&run->count, memory_order_relaxed);
        atomic_store_explicit(&run->count, count + 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&run->inside, 1, memory_order_relaxed);
        run->version->unlock(&run->lock, me);
        /* Some work outside, of varying length: so that now and then both threads come to
         * the lock at the same moment, from outside, which is when the broken one fails. */
        random = random * 6364136223846793005u + 1442695040888963407u;
        for (volatile unsigned spin = (unsigned)(random >> 56); spin > 0; spin--) {
        }
    }
    return NULL;
}

static void peterson_locks(const struct options *options)
{
    static const struct peterson_version versions[] = {
        { "relaxed (given)", peterson_lock_relaxed, peterson_unlock_relaxed },
        { "relaxed + fence (x86 only)", peterson_lock_fenced, peterson_unlock_fenced },
        { "seq_cst (exercise 1)", peterson_lock, peterson_unlock },
    };
    printf("Part 2: Peterson's lock, 2 threads x %ld rounds each%s\n", options->rounds,
           options->repeat > 1 ? ", median of the repeats" : "");
    printf("  %-28s %12s %12s %14s\n", "version", "both inside", "count lost", "ns per round");
    for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
        double overlaps[64], lost[64], ns[64];
        bool failed = false;
        for (long r = 0; r < options->repeat && !failed; r++) {
            static struct peterson_run run;
            memset(&run, 0, sizeof run);
            run.version = &versions[v];
            run.rounds = options->rounds;
            peterson_init(&run.lock);
            pthread_t threads[2];
            double started = now_seconds();
            for (int t = 0; t < 2; t++)
                thread_create(&threads[t], take_turns, &run);
            for (int t = 0; t < 2; t++)
                thread_join(threads[t]);
            double seconds = now_seconds() - started;
            failed = atomic_load(&run.failed);
            overlaps[r] = (double)atomic_load(&run.overlaps);
            lost[r] = (double)(2 * options->rounds - atomic_load(&run.count));
            ns[r] = seconds * 1e9 / (double)(2 * options->rounds);
        }
        if (failed) {
            printf("  %-28s   (exercise 1 is not done yet)\n", versions[v].name);
            continue;
        }
        double both = median_of(overlaps, options->repeat);
        printf("  %-28s %12.0f %12.0f %14.1f   %s\n", versions[v].name, both,
               median_of(lost, options->repeat), median_of(ns, options->repeat),
               both > 0 ? "BROKEN" : "OK");
        fflush(stdout);
    }
    printf("\n");
}

/* ---- Part 3: the mailbox ---------------------------------------------------------------------- */

struct handover {
    struct mailbox *boxes;
    long count;
    long torn;            /* messages taken with a word that is not what was put */
};

static void fill(struct message *message, long number)
{
    for (int w = 0; w < MESSAGE_WORDS; w++)
        message->words[w] = number * MESSAGE_WORDS + w + 1;
}

static void *put_all(void *arg)
{
    struct handover *handover = arg;
    for (long i = 0; i < handover->count; i++) {
        struct message message;
        fill(&message, i);
        mailbox_put(&handover->boxes[i], &message);
    }
    return NULL;
}

static void *take_all(void *arg)
{
    struct handover *handover = arg;
    for (long i = 0; i < handover->count; i++) {
        struct message message;
        for (long spins = 0; !mailbox_take(&handover->boxes[i], &message); spins++)
            if (spins > 1000)
                sched_yield();
        struct message expected;
        fill(&expected, i);
        handover->torn += memcmp(&message, &expected, sizeof message) != 0;
    }
    return NULL;
}

static void hand_over_messages(const struct options *options)
{
    printf("Part 3: %ld messages of %d words, each handed over through a flag (exercise 2)\n",
           options->messages, MESSAGE_WORDS);
    struct mailbox probe;
    mailbox_init(&probe);
    struct message message = { { 0 } };
    errno = 0;
    bool put = mailbox_put(&probe, &message) == 0;
    bool taken = put && mailbox_take(&probe, &message);
    if (!taken && errno == ENOSYS) {
        printf("  (exercise 2 is not done yet)\n\n");
        return;
    }
    if (!taken) {
        printf("  a message put into a mailbox could not be taken out of it: BROKEN\n\n");
        return;
    }
    struct handover handover = { .count = options->messages };
    handover.boxes = calloc((size_t)options->messages, sizeof *handover.boxes);
    if (handover.boxes == NULL) {
        fprintf(stderr, "order: out of memory\n");
        exit(1);
    }
    for (long i = 0; i < options->messages; i++)
        mailbox_init(&handover.boxes[i]);
    pthread_t reader, writer;
    double started = now_seconds();
    thread_create(&reader, take_all, &handover);
    thread_create(&writer, put_all, &handover);
    thread_join(writer);
    thread_join(reader);
    double seconds = now_seconds() - started;
    printf("  %ld taken, %ld torn, %.1f ns per message   %s\n\n", options->messages,
           handover.torn, seconds * 1e9 / (double)options->messages,
           handover.torn == 0 ? "OK" : "BROKEN");
    free(handover.boxes);
}

/* ---- Part 4: lazy initialisation --------------------------------------------------------------- */

#define TABLE_SIZE 1024

struct table {
    long squares[TABLE_SIZE];
};

static atomic_long tables_made;
static long make_delay_ms;   /* the traced run makes it slowly, so that others come meanwhile */

static void *make_table(void *arg)
{
    (void)arg;
    if (make_delay_ms > 0) {
        trace_begin_waiting("held up on purpose");
        sleep_ms(make_delay_ms);
        trace_end();
    }
    trace_begin("make the table");
    struct table *table = malloc(sizeof *table);
    if (table == NULL) {
        fprintf(stderr, "order: out of memory\n");
        exit(1);
    }
    for (long i = 0; i < TABLE_SIZE; i++)
        table->squares[i] = i * i;
    atomic_fetch_add(&tables_made, 1);
    trace_end();
    return table;
}

struct lookups {
    struct lazy *lazy;
    void *(*get)(struct lazy *lazy);
    long calls;
    long wrong;    /* lookups that found the wrong square */
};

static void *look_up(void *arg)
{
    struct lookups *lookups = arg;
    for (long i = 0; i < lookups->calls; i++) {
        const struct table *table = lookups->get(lookups->lazy);
        long k = i % TABLE_SIZE;
        lookups->wrong += table == NULL || table->squares[k] != k * k;
    }
    return NULL;
}

static void lazy_tables(const struct options *options)
{
    printf("Part 4: a table made on first use, %d threads x %ld lookups%s\n", LAZY_THREADS,
           options->calls, options->repeat > 1 ? ", median of the repeats" : "");
    struct lazy probe;
    lazy_init(&probe, make_table, NULL);
    errno = 0;
    void *probed = lazy_get(&probe);
    lazy_destroy(&probe);
    if (probed == NULL && errno == ENOSYS) {
        printf("  (exercise 3 is not done yet)\n\n");
        return;
    }
    free(probed);
    printf("  %-30s %8s %8s %14s\n", "version", "made", "wrong", "ns per lookup");
    static const struct {
        const char *name;
        void *(*get)(struct lazy *);
    } versions[] = {
        { "the lock every time (given)", lazy_get_locked },
        { "double-checked (exercise 3)", lazy_get },
    };
    double medians[2];
    for (int v = 0; v < 2; v++) {
        double ns[64];
        long made = 0, wrong = 0;
        for (long r = 0; r < options->repeat; r++) {
            struct lazy lazy;
            lazy_init(&lazy, make_table, NULL);
            atomic_store(&tables_made, 0);
            struct lookups lookups[LAZY_THREADS];
            pthread_t threads[LAZY_THREADS];
            double started = now_seconds();
            for (int t = 0; t < LAZY_THREADS; t++) {
                lookups[t] = (struct lookups){ &lazy, versions[v].get, options->calls, 0 };
                thread_create(&threads[t], look_up, &lookups[t]);
            }
            for (int t = 0; t < LAZY_THREADS; t++) {
                thread_join(threads[t]);
                wrong += lookups[t].wrong;
            }
            ns[r] = (now_seconds() - started) * 1e9 / (double)options->calls;
            made = atomic_load(&tables_made) > made ? atomic_load(&tables_made) : made;
            free(atomic_load(&lazy.object));
            lazy_destroy(&lazy);
        }
        medians[v] = median_of(ns, options->repeat);
        printf("  %-30s %8ld %8ld %14.1f   %s\n", versions[v].name, made, wrong, medians[v],
               made == 1 && wrong == 0 ? "OK" : "BROKEN");
    }
    printf("  (ns per lookup: the wall time of all threads' lookups, over the lookups of one)\n");
    printf("  the lock every time costs %.1f times the double-checked lookup\n\n",
           medians[0] / medians[1]);
}

/* ---- The traced run ---------------------------------------------------------------------------- */

static void *traced_lookup(void *arg)
{
    struct lazy *lazy = arg;
    const struct table *table = lazy_get(lazy);
    trace_note("got the table: 7 * 7 = %ld", table->squares[7]);
    return NULL;
}

static int traced_run(const struct options *options)
{
    struct lazy probe;
    lazy_init(&probe, make_table, NULL);
    errno = 0;
    void *probed = lazy_get(&probe);
    lazy_destroy(&probe);
    if (probed == NULL && errno == ENOSYS)
        return trace_skipped(options->trace_prefix,
                             "lazy_get (exercise 3) is not done yet: nothing to trace") == 0 ? 0 : 1;
    free(probed);
    atomic_store(&tables_made, 0);
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    struct lazy lazy;
    lazy_init(&lazy, make_table, NULL);
    make_delay_ms = 30;   /* the first thread makes the table slowly: the others come meanwhile */
    trace_note("three threads ask for the table at once");
    pthread_t threads[3], late;
    for (int t = 0; t < 3; t++)
        thread_create(&threads[t], traced_lookup, &lazy);
    for (int t = 0; t < 3; t++)
        thread_join(threads[t]);
    trace_note("a fourth asks once it is made");
    thread_create(&late, traced_lookup, &lazy);
    thread_join(late);
    trace_note("tables made: %ld", atomic_load(&tables_made));
    if (trace_close() != 0)
        return 1;
    free(atomic_load(&lazy.object));
    lazy_destroy(&lazy);
    printf("traced: %ld table(s) made for four threads; written %s-hb.dot, %s-timeline.dot, "
           "%s.json\n", atomic_load(&tables_made), options->trace_prefix,
           options->trace_prefix, options->trace_prefix);
    return 0;
}

/* ---- Command line ------------------------------------------------------------------------------ */

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .iterations = 100000, .rounds = 100000, .messages = 10000,
                               .calls = 1000000, .repeat = 1 };
    static const struct option long_options[] = {
        { "iterations", required_argument, NULL, 'i' },
        { "rounds", required_argument, NULL, 'r' },
        { "messages", required_argument, NULL, 'm' },
        { "calls", required_argument, NULL, 'c' },
        { "repeat", required_argument, NULL, 'R' },
        { "trace", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'i':
            options.iterations = number_argument("order", usage_text, "--iterations", optarg, 10,
                                                 100000000);
            break;
        case 'r':
            options.rounds = number_argument("order", usage_text, "--rounds", optarg, 1,
                                             100000000);
            break;
        case 'm':
            options.messages = number_argument("order", usage_text, "--messages", optarg, 1,
                                               10000000);
            break;
        case 'c':
            options.calls = number_argument("order", usage_text, "--calls", optarg, 1,
                                            1000000000);
            break;
        case 'R':
            options.repeat = number_argument("order", usage_text, "--repeat", optarg, 1, 64);
            break;
        case 'T': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: order %s\n", usage_text);
            exit(0);
        default:
            usage_error("order", usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error("order", usage_text, "unexpected argument");
    return options;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    if (options.trace_prefix != NULL)
        return traced_run(&options);
    printf("Lesson 10: memory order\n\n");
    litmus_tests(&options);
    peterson_locks(&options);
    hand_over_messages(&options);
    lazy_tables(&options);
    return 0;
}
