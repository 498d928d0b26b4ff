/* race.c - lesson 02: race conditions, seen and counted.
 *
 * Part 1, the lost update: threads increment one shared counter with no synchronisation, and
 * the total comes out short. Then the same with an atomic increment (exercise 1).
 * Part 2, check-then-act: two threads withdraw 80 from an account holding 100. Run after run
 * it works, because the bad timing is rare; held open on purpose, the race pays out twice
 * every time. Then the same with the check and act under a lock (exercise 2).
 *
 * With --trace PREFIX it instead makes two threads collide once on purpose and records it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "args.h"
#include "counter.h"
#include "race_window.h"
#include "sync.h"
#include "trace.h"

static const char usage_text[] =
    "[--threads N] [--increments N] [--rounds N] [--trace PREFIX]";

struct options {
    long threads;         /* threads incrementing the counter */
    long increments;      /* increments per thread */
    long rounds;          /* withdrawal rounds left to chance */
    const char *trace_prefix;
};

/* ---- Holding the race window open ------------------------------------------------------
 * A thread that reaches race_window() waits there until the other thread arrives too, or a
 * short while has passed (the other thread may be unable to come: it may be waiting for a
 * lock the first one holds). Plain pthread calls, not the traced ones of sync.h: this is
 * scaffolding, not part of the program being studied. */

#define WINDOW_WAIT_MS 20

static pthread_mutex_t window_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t window_changed = PTHREAD_COND_INITIALIZER;
static int window_arrived;

static void wait_for_the_other_thread(void)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += WINDOW_WAIT_MS * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;

    pthread_mutex_lock(&window_lock);
    int my_arrival = ++window_arrived;
    pthread_cond_broadcast(&window_changed);
    while (window_arrived < 2 && my_arrival == 1) {
        if (pthread_cond_timedwait(&window_changed, &window_lock, &deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&window_lock);
}

static void hold_window_open(bool open)
{
    window_arrived = 0;
    race_window_set_hook(open ? wait_for_the_other_thread : NULL);
}

/* ---- Part 1: the counter --------------------------------------------------------------- */

struct counting {
    long increments;
    long *racy_counter;
    atomic_long *atomic_counter;
};

static void *increment_racy(void *arg)
{
    const struct counting *work = arg;
    for (long i = 0; i < work->increments; i++)
        counter_add_racy(work->racy_counter);
    return NULL;
}

static void *increment_atomic(void *arg)
{
    const struct counting *work = arg;
    for (long i = 0; i < work->increments; i++)
        counter_add_atomic(work->atomic_counter);
    return NULL;
}

static void run_threads(long count, void *(*start)(void *), void *arg)
{
    pthread_t threads[64];
    for (long t = 0; t < count; t++)
        thread_create(&threads[t], start, arg);
    for (long t = 0; t < count; t++)
        thread_join(threads[t]);
}

static void count_together(const struct options *options)
{
    long racy_counter = 0;
    atomic_long atomic_counter = 0;
    struct counting work = { options->increments, &racy_counter, &atomic_counter };
    long expected = options->threads * options->increments;

    printf("Part 1: %ld threads each add 1 to a shared counter %ld times\n",
           options->threads, options->increments);
    printf("  %-28s %12s %12s %12s\n", "increment", "expected", "got", "lost");
    run_threads(options->threads, increment_racy, &work);
    printf("  %-28s %12ld %12ld %12ld   %s\n", "racy (load; add; store)", expected,
           racy_counter, expected - racy_counter, racy_counter == expected ? "OK (luck)" : "BOOM");
    run_threads(options->threads, increment_atomic, &work);
    long got = atomic_load(&atomic_counter);
    if (got == 0)
        printf("  %-28s   (exercise 1 is not done yet)\n", "atomic");
    else
        printf("  %-28s %12ld %12ld %12ld   %s\n", "atomic (atomic_fetch_add)", expected, got,
               expected - got, got == expected ? "OK" : "BOOM");
    printf("\n");
}

/* ---- Part 2: the withdrawals ------------------------------------------------------------ */

struct withdrawal {
    struct account *account;
    bool (*withdraw)(struct account *, long);
    bool paid;
};

static void *withdraw_80(void *arg)
{
    struct withdrawal *w = arg;
    w->paid = w->withdraw(w->account, 80);
    return NULL;
}

/* Two threads withdraw 80 from 100, `rounds` times. Returns how many rounds paid out twice,
 * or -1 if no round paid anything (the withdrawal is not written yet). */
static long rounds_paying_twice(bool (*withdraw)(struct account *, long), long rounds,
                                bool window_open)
{
    long twice = 0, paid_at_all = 0;
    for (long round = 0; round < rounds; round++) {
        struct account account;
        account_init(&account, 100);
        struct withdrawal first = { &account, withdraw, false };
        struct withdrawal second = first;
        hold_window_open(window_open);
        pthread_t a, b;
        thread_create(&a, withdraw_80, &first);
        thread_create(&b, withdraw_80, &second);
        thread_join(a);
        thread_join(b);
        twice += first.paid && second.paid;
        paid_at_all += first.paid || second.paid;
        account_destroy(&account);
    }
    hold_window_open(false);
    return paid_at_all == 0 ? -1 : twice;
}

static void withdraw_together(const struct options *options)
{
    printf("Part 2: two threads each withdraw 80 from an account holding 100\n");
    printf("  %-44s %8s %14s\n", "withdrawal", "rounds", "paid out twice");
    struct {
        const char *name;
        bool (*withdraw)(struct account *, long);
        bool window_open;
        long rounds;
    } runs[] = {
        { "racy, left to chance", account_withdraw_racy, false, options->rounds },
        { "racy, race window held open", account_withdraw_racy, true, 50 },
        { "under the lock, race window held open", account_withdraw, true, 50 },
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        long twice = rounds_paying_twice(runs[i].withdraw, runs[i].rounds, runs[i].window_open);
        if (twice < 0)
            printf("  %-44s   (exercise 2 is not done yet)\n", runs[i].name);
        else
            printf("  %-44s %8ld %14ld   %s\n", runs[i].name, runs[i].rounds, twice,
                   twice > 0 ? "BOOM" :
                   runs[i].withdraw == account_withdraw_racy ? "OK (luck: the race is still there)"
                                                             : "OK");
    }
    printf("\n");
}

/* ---- A lost update, traced -------------------------------------------------------------- */

static int traced_run(const struct options *options)
{
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    long counter = 0;
    struct counting work = { 1, &counter, NULL };
    hold_window_open(true);   /* both threads load before either stores */
    trace_note("counter = 0; two threads each add 1");
    run_threads(2, increment_racy, &work);
    trace_note("counter = %ld: an update was lost", counter);
    hold_window_open(false);
    if (trace_close() != 0)
        return 1;
    printf("traced: two increments left counter = %ld; written %s-hb.dot, %s-timeline.dot, "
           "%s.json\n", counter, options->trace_prefix, options->trace_prefix,
           options->trace_prefix);
    return 0;
}

/* ---- Command line ----------------------------------------------------------------------- */

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .threads = 4, .increments = 1000000, .rounds = 2000 };
    static const struct option long_options[] = {
        { "threads", required_argument, NULL, 't' },
        { "increments", required_argument, NULL, 'i' },
        { "rounds", required_argument, NULL, 'r' },
        { "trace", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 't':
            options.threads = number_argument("race", usage_text, "--threads", optarg, 1, 64);
            break;
        case 'i':
            options.increments = number_argument("race", usage_text, "--increments", optarg, 1,
                                                 100000000);
            break;
        case 'r':
            options.rounds = number_argument("race", usage_text, "--rounds", optarg, 1, 1000000);
            break;
        case 'T': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: race %s\n", usage_text);
            exit(0);
        default:
            usage_error("race", usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error("race", usage_text, "unexpected argument");
    return options;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    if (options.trace_prefix != NULL)
        return traced_run(&options);
    printf("Lesson 02: race conditions\n\n");
    count_together(&options);
    withdraw_together(&options);
    return 0;
}
