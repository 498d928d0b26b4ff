/* test_sequential.c - the tests of lesson 06's exercises.
 *
 * The recurrences are checked against plain loops written here, on many random inputs. The
 * hand-off chain is not left to luck: its first step is held (a bounded while) until some
 * other step starts, and while it is held the test wakes every waiting step for nothing, as
 * POSIX allows a wait to return spuriously. A correct chain lets no other step start; a racy
 * one lets one start on the value step 0 has not written yet, on every run. The scans are
 * run with every thread count from 1 to 8, on n = 0, 1, fewer steps than threads, and more;
 * and once with each thread's first map slowed down, so that a phase that does not wait for
 * the one before reads results that are not there yet. The cycle detection (given) is checked
 * against a table of the values seen and against a plain loop.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "affine.h"
#include "balanced.h"
#include "cycle.h"
#include "handoff.h"
#include "kit_check.h"
#include "quadratic.h"
#include "scan.h"

/* A small random number generator of the test's own (xorshift64*), so runs are repeatable. */
static uint64_t random_state = 88172645463325252u;

static uint64_t next_random(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 2685821657736338717u;
}

/* ---- given: affine maps and the sequential scan ------------------------------------------ */

START_TEST(affine_then_is_first_then_second_and_associative)
{
    for (int i = 0; i < 1000; i++) {
        struct affine f = { next_random(), next_random() };
        struct affine g = { next_random(), next_random() };
        struct affine h = { next_random(), next_random() };
        uint64_t x = next_random();
        ck_assert_uint_eq(affine_apply(affine_then(f, g), x), affine_apply(g, affine_apply(f, x)));
        struct affine left = affine_then(affine_then(f, g), h);
        struct affine right = affine_then(f, affine_then(g, h));
        ck_assert_uint_eq(left.a, right.a);
        ck_assert_uint_eq(left.b, right.b);
    }
}
END_TEST

START_TEST(scan_sequential_matches_a_plain_loop)
{
    struct affine maps[100];
    for (int k = 0; k < 100; k++)
        maps[k] = (struct affine){ next_random(), next_random() };
    struct linear_recurrence r = { 12345, 100, maps_from_array, maps };
    uint64_t out[100];
    struct scan_result result = scan_sequential(&r, out);
    uint64_t x = 12345, sum = 0;
    for (int k = 0; k < 100; k++) {
        x = maps[k].a * x + maps[k].b;
        sum += x;
        ck_assert_uint_eq(out[k], x);
    }
    ck_assert_uint_eq(result.last, x);
    ck_assert_uint_eq(result.sum, sum);
    struct affine summary = chunk_summary(&r, 10, 60);
    ck_assert_uint_eq(affine_apply(summary, out[9]), out[59]);
}
END_TEST

/* ---- given: the cycle modulo m, and x(n) for a huge n ------------------------------------- */

/* The quadratic step modulo m, written here (exercise 1 may not be done yet), counting its
 * calls. x < m <= 2^32, so x*x fits in 64 bits and x*x - x + 1 is exact. */
struct modular_steps {
    uint64_t m;
    uint64_t calls;
};

static uint64_t modular_step(uint64_t x, void *context)
{
    struct modular_steps *steps = context;
    steps->calls++;
    return (x * x - x + 1) % steps->m;
}

/* The tail and period the slow way: remember at which k each value was first seen; the first
 * value seen twice closes the cycle. */
static struct cycle cycle_by_table(uint64_t x0, uint64_t m)
{
    long *first_seen = malloc(m * sizeof *first_seen);
    ck_assert_ptr_nonnull(first_seen);
    for (uint64_t v = 0; v < m; v++)
        first_seen[v] = -1;
    struct modular_steps steps = { m, 0 };
    uint64_t x = x0;
    long k = 0;
    for (; first_seen[x] < 0; k++) {
        first_seen[x] = k;
        x = modular_step(x, &steps);
    }
    struct cycle cycle = { (uint64_t)first_seen[x], (uint64_t)(k - first_seen[x]) };
    free(first_seen);
    return cycle;
}

/* Random moduli, small enough for a table and for long runs round their cycles, and the
 * source material's: 100000. */
static void random_start(uint64_t *x0, uint64_t *m, int i)
{
    *m = i == 0 ? 100000 : 1 + next_random() % 3000;
    *x0 = i == 0 ? 3 : next_random() % *m;
}

START_TEST(cycle_find_gives_the_first_repeat)
{
    for (int i = 0; i < 200; i++) {
        uint64_t x0, m;
        random_start(&x0, &m, i);
        struct cycle expected = cycle_by_table(x0, m);
        struct modular_steps steps = { m, 0 };
        struct cycle found = cycle_find(x0, modular_step, &steps);
        if (found.tail != expected.tail || found.period != expected.period)
            ck_abort_msg("x0 = %llu, m = %llu: tail %llu and period %llu, expected %llu and %llu",
                         (unsigned long long)x0, (unsigned long long)m,
                         (unsigned long long)found.tail, (unsigned long long)found.period,
                         (unsigned long long)expected.tail, (unsigned long long)expected.period);
        if (steps.calls > 4 * (found.tail + found.period))
            ck_abort_msg("x0 = %llu, m = %llu: %llu steps for a tail and a period of %llu",
                         (unsigned long long)x0, (unsigned long long)m,
                         (unsigned long long)steps.calls,
                         (unsigned long long)(found.tail + found.period));
    }
}
END_TEST

START_TEST(cycle_value_at_matches_the_plain_loop)
{
    enum { LAST_N = 3000 };
    for (int i = 0; i < 50; i++) {
        uint64_t x0, m;
        random_start(&x0, &m, i);
        struct modular_steps steps = { m, 0 };
        struct cycle cycle = cycle_find(x0, modular_step, &steps);
        uint64_t x = x0;   /* x(n), by the plain loop */
        for (uint64_t n = 0; n <= LAST_N; n++) {
            uint64_t got = cycle_value_at(x0, n, cycle, modular_step, &steps);
            if (got != x)
                ck_abort_msg("x0 = %llu, m = %llu: x(%llu) = %llu, the loop gives %llu",
                             (unsigned long long)x0, (unsigned long long)m,
                             (unsigned long long)n, (unsigned long long)got,
                             (unsigned long long)x);
            x = modular_step(x, &steps);
        }
    }
}
END_TEST

START_TEST(cycle_gives_x_of_10_to_the_18)
{
    /* The source material's run modulo 100000: x7 = x15 = 95807 and x12 = x20 = 35443. */
    struct modular_steps steps = { 100000, 0 };
    uint64_t values[24];
    values[0] = 3;
    for (int k = 0; k < 23; k++)
        values[k + 1] = modular_step(values[k], &steps);
    ck_assert_uint_eq(values[7], 95807);
    ck_assert_uint_eq(values[15], 95807);
    ck_assert_uint_eq(values[12], 35443);
    ck_assert_uint_eq(values[20], 35443);
    struct cycle cycle = cycle_find(3, modular_step, &steps);
    ck_assert_uint_eq(cycle.tail, 7);
    ck_assert_uint_eq(cycle.period, 8);

    /* 10^18 - 7 leaves 1 when divided by 8, so x(10^18) = x(8), and no more than
     * tail + period steps may be taken to find it. */
    uint64_t n = UINT64_C(1000000000000000000);
    steps.calls = 0;
    ck_assert_uint_eq(cycle_value_at(3, n, cycle, modular_step, &steps), values[8]);
    ck_assert_uint_eq(values[8], 85443);
    ck_assert_uint_le(steps.calls, cycle.tail + cycle.period);

    /* Other moduli: x(10^18) and x(2^64 - 1) are the values the cycle predicts. */
    for (int i = 1; i < 50; i++) {
        uint64_t x0, m;
        random_start(&x0, &m, i);
        struct modular_steps random_steps = { m, 0 };
        cycle = cycle_find(x0, modular_step, &random_steps);
        uint64_t huge[] = { n, UINT64_MAX };
        for (int h = 0; h < 2; h++) {
            uint64_t k = cycle.tail + (huge[h] - cycle.tail) % cycle.period;
            uint64_t predicted = x0;
            for (uint64_t step = 0; step < k; step++)
                predicted = modular_step(predicted, &random_steps);
            ck_assert_uint_eq(cycle_value_at(x0, huge[h], cycle, modular_step, &random_steps),
                              predicted);
        }
    }
}
END_TEST

/* ---- exercise 1: the quadratic recurrence modulo m --------------------------------------- */

/* The exact step, with 128-bit arithmetic (a gcc and clang extension) as the reference. */
__extension__ typedef unsigned __int128 wide;

static uint64_t reference_step(uint64_t x, uint64_t m)
{
    wide exact = (wide)x * x - x + 1;
    return (uint64_t)(exact % m);
}

START_TEST(step_small_values)
{
    ck_assert_uint_eq(quadratic_step_mod(3, 100000), 7);
    ck_assert_uint_eq(quadratic_step_mod(43, 100000), 1807);
    ck_assert_uint_eq(quadratic_step_mod(0, 100000), 1);
    ck_assert_uint_eq(quadratic_step_mod(1, 100000), 1);
    ck_assert_uint_eq(quadratic_step_mod(2, 3), 0);   /* 3 mod 3 */
}
END_TEST

START_TEST(step_needs_64_bits_and_no_underflow)
{
    /* 99999^2 does not fit in 32 bits. For 63443, x*x mod m (53249) is below x, so
     * reducing the square first and then subtracting x goes below zero; so does 2^32 - 1. */
    ck_assert_uint_eq(quadratic_step_mod(99999, 100000), reference_step(99999, 100000));
    ck_assert_uint_eq(quadratic_step_mod(50000, 100000), reference_step(50000, 100000));
    ck_assert_uint_eq(quadratic_step_mod(63443, 100000), reference_step(63443, 100000));
    uint64_t big = UINT64_C(1) << 32;
    ck_assert_uint_eq(quadratic_step_mod(big - 1, big), 3);
    for (int i = 0; i < 100000; i++) {
        uint64_t m = 1 + next_random() % big;
        uint64_t x = next_random() % m;
        if (quadratic_step_mod(x, m) != reference_step(x, m))
            ck_abort_msg("x = %llu, m = %llu: got %llu, expected %llu", (unsigned long long)x,
                         (unsigned long long)m, (unsigned long long)quadratic_step_mod(x, m),
                         (unsigned long long)reference_step(x, m));
    }
}
END_TEST

START_TEST(iterate_gives_the_sources_last_five_digits)
{
    /* The exact value after 20 steps from 3 has 1,418,066 bits; Python's integers give its
     * last five digits as 35443. */
    ck_assert_uint_eq(quadratic_iterate_mod(3, 20, 100000), 35443);
    ck_assert_uint_eq(quadratic_iterate_mod(3, 1, 100000), 7);
    ck_assert_uint_eq(quadratic_iterate_mod(3, 3, 100000), 1807);
    ck_assert_uint_eq(quadratic_iterate_mod(3, 0, 100000), 3);
    ck_assert_uint_eq(quadratic_iterate_mod(100003, 0, 100000), 3);   /* x0 reduced too */
    ck_assert_uint_eq(quadratic_iterate_mod(100003, 20, 100000), 35443);
}
END_TEST

START_TEST(iterate_matches_the_exact_loop)
{
    for (int i = 0; i < 2000; i++) {
        uint64_t m = 1 + next_random() % (UINT64_C(1) << (i % 2 ? 32 : 17));
        uint64_t x0 = next_random();
        long steps = (long)(next_random() % 50);
        uint64_t x = x0 % m;
        for (long k = 0; k < steps; k++)
            x = reference_step(x, m);
        if (quadratic_iterate_mod(x0, steps, m) != x)
            ck_abort_msg("x0 = %llu, %ld steps, m = %llu: got %llu, expected %llu",
                         (unsigned long long)x0, steps, (unsigned long long)m,
                         (unsigned long long)quadratic_iterate_mod(x0, steps, m),
                         (unsigned long long)x);
    }
}
END_TEST

/* ---- exercise 2: the hand-off chain -------------------------------------------------------- */

#define MAX_STEPS 256
#define HOLD_SECONDS 0.3

/* What the test's step function saw; workers only record, the test's thread asserts. */
struct observed {
    struct handoff_chain *chain;
    bool hold_step;              /* hold step `held` until another step starts */
    long held;
    atomic_long started;         /* steps that have called the step function */
    atomic_long calls[MAX_STEPS];
    uint64_t seen[MAX_STEPS];    /* x(k) as step k received it */
    atomic_bool other_started_while_held;
};

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* The held step waits up to HOLD_SECONDS for another step to start, and meanwhile wakes every
 * step's condition variable for nothing (a spurious wake-up, which a correct wait survives). In a
 * correct chain none can: the held step has not handed over. Broadcast needs no lock. */
static void hold(struct observed *seen)
{
    double deadline = seconds_now() + HOLD_SECONDS;
    long before = atomic_load(&seen->started);
    while (seconds_now() < deadline) {
        /* Again and again, so that a step that starts waiting late is woken too. */
        for (long k = 0; k < seen->chain->steps; k++)
            pthread_cond_broadcast(&seen->chain->turn_reached[k]);
        if (atomic_load(&seen->started) > before) {
            atomic_store(&seen->other_started_while_held, true);
            break;
        }
        sched_yield();
    }
}

/* The step: 3*x + k + 1, distinct for every k, so a step taken twice, skipped or out of order
 * changes the answer. */
static uint64_t observed_step(long k, uint64_t x, void *context)
{
    struct observed *seen = context;
    atomic_fetch_add(&seen->started, 1);
    if (k >= 0 && k < MAX_STEPS) {
        atomic_fetch_add(&seen->calls[k], 1);
        seen->seen[k] = x;
    }
    if (seen->hold_step && k == seen->held)
        hold(seen);
    return 3 * x + (uint64_t)k + 1;
}

static uint64_t expected_after(uint64_t x0, long steps)
{
    uint64_t x = x0;
    for (long k = 0; k < steps; k++)
        x = 3 * x + (uint64_t)k + 1;
    return x;
}

/* Runs a chain of `steps` steps from x0 with chain_run_step, checks every step ran once on the
 * right value and the result. */
static void check_chain(long steps, uint64_t x0, bool hold_step, long held)
{
    static struct observed seen;   /* static: large, and zeroed below */
    seen = (struct observed){ .hold_step = hold_step, .held = held };
    struct handoff_chain chain;
    chain_init(&chain, steps, x0, observed_step, &seen);
    seen.chain = &chain;
    uint64_t result = chain_run(&chain, chain_run_step);
    chain_destroy(&chain);
    ck_assert_msg(!atomic_load(&seen.other_started_while_held),
                  "another step started while step %ld was still running", held);
    uint64_t x = x0;
    for (long k = 0; k < steps; k++) {
        ck_assert_msg(atomic_load(&seen.calls[k]) == 1, "step %ld ran %ld times", k,
                      atomic_load(&seen.calls[k]));
        ck_assert_msg(seen.seen[k] == x, "step %ld read %llu, not x(%ld) = %llu", k,
                      (unsigned long long)seen.seen[k], k, (unsigned long long)x);
        x = 3 * x + (uint64_t)k + 1;
    }
    ck_assert_msg(result == expected_after(x0, steps), "a chain of %ld steps gave %llu, "
                  "not %llu", steps, (unsigned long long)result,
                  (unsigned long long)expected_after(x0, steps));
}

START_TEST(chain_of_one_to_twenty_steps)
{
    for (long steps = 1; steps <= 20; steps++)
        check_chain(steps, 5, false, 0);
}
END_TEST

START_TEST(chain_steps_in_order_fifty_times)
{
    for (int run = 0; run < kit_rounds(50); run++)
        check_chain(8, (uint64_t)run, false, 0);
    check_chain(kit_rounds(MAX_STEPS), 1, false, 0);
}
END_TEST

START_TEST(chain_holds_back_step_1_while_step_0_runs)
{
    check_chain(8, 2, true, 0);
}
END_TEST

START_TEST(chain_holds_back_step_4_while_step_3_runs)
{
    check_chain(8, 2, true, 3);
}
END_TEST

static uint64_t quadratic_reference_step(long k, uint64_t x, void *context)
{
    (void)k;
    (void)context;
    return (x * x - x + 1) % 100000;
}

START_TEST(chain_gives_the_sources_answer)
{
    /* The step is computed here, so that this test does not depend on exercise 1. */
    struct handoff_chain chain;
    chain_init(&chain, 20, 3, quadratic_reference_step, NULL);
    uint64_t result = chain_run(&chain, chain_run_step);
    chain_destroy(&chain);
    ck_assert_uint_eq(result, 35443);
}
END_TEST

/* ---- exercises 3 and 4: the parallel scans ----------------------------------------------- */

typedef struct scan_result (*scan_fn)(const struct linear_recurrence *, int, uint64_t *);

/* The reduction, shaped like a scan: only .last is meaningful. */
static struct scan_result reduce_as_scan(const struct linear_recurrence *r, int threads,
                                         uint64_t *out)
{
    (void)out;
    return (struct scan_result){ reduce_parallel(r, threads), 0 };
}

/* Runs `scan` on random maps for each n in `sizes` and every thread count from 1 to 8, and
 * compares with the plain loop: every x(k), x(n) and the checksum (only x(n) if !full). */
static void check_scan(scan_fn scan, bool full, const long *sizes, int size_count,
                       const struct linear_recurrence *given)
{
    for (int s = 0; s < size_count; s++) {
        long n = given != NULL ? given->n : sizes[s];
        struct affine *maps = malloc(((size_t)n + 1) * sizeof *maps);
        uint64_t *expected = malloc(((size_t)n + 1) * sizeof *expected);
        uint64_t *got = malloc(((size_t)n + 1) * sizeof *got);
        ck_assert(maps != NULL && expected != NULL && got != NULL);
        for (long k = 0; k < n; k++)
            maps[k] = (struct affine){ next_random(), next_random() };
        struct linear_recurrence r = { next_random(), n, maps_from_array, maps };
        if (given != NULL)
            r = *given;
        struct scan_result right = scan_sequential(&r, expected);
        for (int threads = 1; threads <= 8; threads++) {
            for (long k = 0; k < n; k++)
                got[k] = ~expected[k];   /* so that a value never written shows */
            struct scan_result result = scan(&r, threads, full ? got : NULL);
            ck_assert_msg(result.last == right.last, "n = %ld, %d threads: x(n) = %llu, "
                          "not %llu", n, threads, (unsigned long long)result.last,
                          (unsigned long long)right.last);
            if (!full)
                continue;
            /* The first wrong value, if any (one assertion, not n: Check records each). */
            long k = 0;
            while (k < n && got[k] == expected[k])
                k++;
            ck_assert_msg(k == n, "n = %ld, %d threads: out[%ld] = %llu, not x(%ld) = %llu", n,
                          threads, k, (unsigned long long)got[k], k + 1,
                          (unsigned long long)expected[k]);
            ck_assert_msg(result.sum == right.sum, "n = %ld, %d threads: the sum is %llu, "
                          "not %llu", n, threads, (unsigned long long)result.sum,
                          (unsigned long long)right.sum);
        }
        free(maps);
        free(expected);
        free(got);
        if (given != NULL)
            break;
    }
}

static const long small_sizes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 16, 17 };
static const long large_sizes[] = { 100, 1000, 4099, 65536, 100003 };
#define COUNT(array) (int)(sizeof array / sizeof array[0])

/* Maps made on the fly, each thread's first one slowly (20 ms): a phase that reads another
 * phase's results without joining its threads first reads them before they are written. */
static _Thread_local bool made_a_map;

static struct affine slow_first_map(const void *source, long k)
{
    if (!made_a_map) {
        made_a_map = true;
        struct timespec pause = { 0, 20 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return maps_generated(source, k);
}

static void check_with_slow_threads(scan_fn scan, bool full)
{
    static const uint64_t seed = 6;
    for (int threads = 2; threads <= 4; threads++) {
        struct linear_recurrence r = { 77, 1000, slow_first_map, &seed };
        uint64_t out[1000];
        made_a_map = true;   /* this thread is not slowed */
        struct linear_recurrence quick = { 77, 1000, maps_generated, &seed };
        struct scan_result right = scan_sequential(&quick, NULL);
        struct scan_result result = scan(&r, threads, full ? out : NULL);
        ck_assert_msg(result.last == right.last, "%d threads, each slow to start: x(n) = %llu, "
                      "not %llu", threads, (unsigned long long)result.last,
                      (unsigned long long)right.last);
        if (full)
            ck_assert_msg(result.sum == right.sum, "%d threads, each slow to start: wrong sum",
                          threads);
    }
}

START_TEST(scan_small_n_every_thread_count)
{
    check_scan(scan_parallel, true, small_sizes, COUNT(small_sizes), NULL);
}
END_TEST

START_TEST(scan_large_n_every_thread_count)
{
    check_scan(scan_parallel, true, large_sizes, COUNT(large_sizes), NULL);
}
END_TEST

START_TEST(scan_generated_maps_and_no_output_array)
{
    static const uint64_t seed = 42;
    struct linear_recurrence r = { 9, 200000, maps_generated, &seed };
    struct scan_result right = scan_sequential(&r, NULL);
    for (int threads = 1; threads <= 8; threads++) {
        struct scan_result result = scan_parallel(&r, threads, NULL);
        ck_assert_uint_eq(result.last, right.last);
        ck_assert_uint_eq(result.sum, right.sum);
    }
}
END_TEST

START_TEST(scan_waits_for_each_phase)
{
    check_with_slow_threads(scan_parallel, true);
}
END_TEST

START_TEST(balanced_small_n_every_thread_count)
{
    check_scan(scan_balanced, true, small_sizes, COUNT(small_sizes), NULL);
}
END_TEST

START_TEST(balanced_large_n_every_thread_count)
{
    check_scan(scan_balanced, true, large_sizes, COUNT(large_sizes), NULL);
}
END_TEST

START_TEST(balanced_waits_for_each_phase)
{
    check_with_slow_threads(scan_balanced, true);
}
END_TEST

START_TEST(reduction_every_n_and_thread_count)
{
    check_scan(reduce_as_scan, false, small_sizes, COUNT(small_sizes), NULL);
    check_scan(reduce_as_scan, false, large_sizes, COUNT(large_sizes), NULL);
}
END_TEST

START_TEST(reduction_waits_for_the_summaries)
{
    check_with_slow_threads(reduce_as_scan, false);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("06-sequential");

    TCase *given = kit_tcase("given", 0);
    tcase_add_test(given, affine_then_is_first_then_second_and_associative);
    tcase_add_test(given, scan_sequential_matches_a_plain_loop);
    tcase_add_test(given, cycle_find_gives_the_first_repeat);
    tcase_add_test(given, cycle_value_at_matches_the_plain_loop);
    tcase_add_test(given, cycle_gives_x_of_10_to_the_18);
    suite_add_tcase(suite, given);

    TCase *exercise1 = kit_tcase("exercise 1", 5);
    tcase_add_test(exercise1, step_small_values);
    tcase_add_test(exercise1, step_needs_64_bits_and_no_underflow);
    tcase_add_test(exercise1, iterate_gives_the_sources_last_five_digits);
    tcase_add_test(exercise1, iterate_matches_the_exact_loop);
    suite_add_tcase(suite, exercise1);

    /* A chain that never hands over deadlocks: a short timeout. */
    TCase *exercise2 = kit_tcase("exercise 2", 5);
    tcase_add_test(exercise2, chain_of_one_to_twenty_steps);
    tcase_add_test(exercise2, chain_steps_in_order_fifty_times);
    tcase_add_test(exercise2, chain_holds_back_step_1_while_step_0_runs);
    tcase_add_test(exercise2, chain_holds_back_step_4_while_step_3_runs);
    tcase_add_test(exercise2, chain_gives_the_sources_answer);
    suite_add_tcase(suite, exercise2);

    TCase *exercise3 = kit_tcase("exercise 3", 10);
    tcase_add_test(exercise3, scan_small_n_every_thread_count);
    tcase_add_test(exercise3, scan_large_n_every_thread_count);
    tcase_add_test(exercise3, scan_generated_maps_and_no_output_array);
    tcase_add_test(exercise3, scan_waits_for_each_phase);
    suite_add_tcase(suite, exercise3);

    TCase *exercise4 = kit_tcase("exercise 4", 10);
    tcase_add_test(exercise4, balanced_small_n_every_thread_count);
    tcase_add_test(exercise4, balanced_large_n_every_thread_count);
    tcase_add_test(exercise4, balanced_waits_for_each_phase);
    tcase_add_test(exercise4, reduction_every_n_and_thread_count);
    tcase_add_test(exercise4, reduction_waits_for_the_summaries);
    suite_add_tcase(suite, exercise4);
    return suite;
}
