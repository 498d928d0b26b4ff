/* test_amdahl.c - the tests of lesson 09's exercises. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "fit.h"
#include "kit_check.h"
#include "laws.h"
#include "partition.h"
#include "primes.h"
#include "rival.h"
#include "workers.h"

#define CLOSE 1e-9

/* ---- given: the work and the workers -------------------------------------------------- */

START_TEST(is_prime_agrees_with_known_numbers)
{
    long primes[] = { 2, 3, 5, 97, 7919, 1000003, 10000000000037L };
    long composites[] = { -7, 0, 1, 4, 9, 91, 7917, 1000001, 10000000000000L, 10000000000039L };
    for (size_t i = 0; i < sizeof primes / sizeof primes[0]; i++)
        ck_assert_msg(is_prime(primes[i]), "%ld is prime", primes[i]);
    for (size_t i = 0; i < sizeof composites / sizeof composites[0]; i++)
        ck_assert_msg(!is_prime(composites[i]), "%ld is not prime", composites[i]);
}
END_TEST

/* ---- exercise 1: the laws ------------------------------------------------------------- */

START_TEST(amdahl_gives_the_sources_figures)
{
    /* The source material's choice: 40% parallel on 4 processors, or 80% parallel on 2. */
    ck_assert_double_eq_tol(amdahl_speedup(0.4, 4), 1 / (0.6 + 0.1), CLOSE);
    ck_assert_double_eq_tol(amdahl_speedup(0.8, 2), 1 / (0.2 + 0.4), CLOSE);
    ck_assert_msg(round(amdahl_speedup(0.4, 4) * 100) == 143 &&
                  round(amdahl_speedup(0.8, 2) * 100) == 167,
                  "amdahl_speedup(0.4, 4) = %f and (0.8, 2) = %f, not 1.43 and 1.67",
                  amdahl_speedup(0.4, 4), amdahl_speedup(0.8, 2));
}
END_TEST

START_TEST(amdahl_edge_cases)
{
    ck_assert_double_eq_tol(amdahl_speedup(0, 64), 1, CLOSE);      /* all serial: no gain */
    ck_assert_double_eq_tol(amdahl_speedup(1, 64), 64, CLOSE);     /* all parallel: n */
    ck_assert_double_eq_tol(amdahl_speedup(0.9, 1), 1, CLOSE);     /* one worker: 1 */
    ck_assert_double_eq_tol(amdahl_speedup(0.95, 1024), 1 / (0.05 + 0.95 / 1024), CLOSE);
    /* It never decreases as workers are added: the formula has no overhead in it. */
    for (long n = 1; n < 2048; n++)
        ck_assert(amdahl_speedup(0.9, n + 1) > amdahl_speedup(0.9, n));
}
END_TEST

START_TEST(gustafson_known_values)
{
    ck_assert_double_eq_tol(gustafson_speedup(0.4, 4), 0.6 + 1.6, CLOSE);
    ck_assert_double_eq_tol(gustafson_speedup(0, 8), 1, CLOSE);
    ck_assert_double_eq_tol(gustafson_speedup(1, 8), 8, CLOSE);
    ck_assert_double_eq_tol(gustafson_speedup(0.9, 1), 1, CLOSE);
}
END_TEST

START_TEST(karp_flatt_recovers_the_serial_fraction)
{
    /* A measured speedup that is exactly Amdahl's for serial fraction 0.1 gives back 0.1. */
    for (long n = 2; n <= 64; n *= 2)
        ck_assert_double_eq_tol(karp_flatt(1 / (0.1 + 0.9 / (double)n), n), 0.1, 1e-9);
    ck_assert_double_eq_tol(karp_flatt(2, 2), 0, CLOSE);   /* perfect speedup: no serial part */
    ck_assert_double_eq_tol(karp_flatt(1, 4), 1, CLOSE);   /* no speedup: all serial */
}
END_TEST

START_TEST(laws_reject_what_makes_no_sense)
{
    ck_assert_msg(isnan(amdahl_speedup(-0.1, 4)) && isnan(amdahl_speedup(1.1, 4)) &&
                  isnan(amdahl_speedup(NAN, 4)) && isnan(amdahl_speedup(0.5, 0)) &&
                  isnan(amdahl_speedup(0.5, -3)),
                  "amdahl_speedup must return NAN for P outside [0, 1] or N < 1");
    ck_assert_msg(isnan(gustafson_speedup(-0.1, 4)) && isnan(gustafson_speedup(1.1, 4)) &&
                  isnan(gustafson_speedup(0.5, 0)),
                  "gustafson_speedup must return NAN for P outside [0, 1] or N < 1");
    ck_assert_msg(isnan(karp_flatt(1.5, 1)) && isnan(karp_flatt(0, 4)) &&
                  isnan(karp_flatt(-2, 4)),
                  "karp_flatt must return NAN for N < 2 or a speedup that is not positive");
}
END_TEST

/* ---- exercise 2: partitions ----------------------------------------------------------- */

/* How many times each item was done, counted atomically: workers may collide. */
struct visits {
    atomic_int *count;
};

static void count_visit(long item, void *context)
{
    struct visits *visits = context;
    atomic_fetch_add(&visits->count[item], 1);
}

static void check_every_item_once(enum split split, long count, unsigned workers)
{
    struct visits visits = { calloc((size_t)count + 1, sizeof(atomic_int)) };
    ck_assert_ptr_nonnull(visits.count);
    struct partition partition;
    partition_init(&partition, split, count, workers);
    run_workers(&partition, count_visit, &visits);
    for (long i = 0; i < count; i++)
        ck_assert_msg(atomic_load(&visits.count[i]) == 1,
                      "%s split, %ld items on %u workers: item %ld was done %d times",
                      split_name(split), count, workers, i, atomic_load(&visits.count[i]));
    free(visits.count);
}

static void check_split_everywhere(enum split split)
{
    for (long count = 1; count <= 40; count += 3)
        for (unsigned workers = 1; workers <= 9; workers++)
            check_every_item_once(split, count, workers);
    check_every_item_once(split, 3, 16);         /* more workers than items */
    check_every_item_once(split, kit_rounds(100003), 7);     /* uneven */
}

START_TEST(blocks_cover_every_item_once)
{
    check_split_everywhere(SPLIT_BLOCKS);
}
END_TEST

START_TEST(blocks_are_contiguous_and_balanced)
{
    struct partition partition;
    partition_init(&partition, SPLIT_BLOCKS, 10, 4);
    long expected_next = 0, sizes[4];
    for (unsigned w = 0; w < 4; w++) {
        long item, size = 0;
        while (next_item(&partition, w, &item)) {
            ck_assert_msg(item == expected_next, "worker %u got item %ld, expected %ld: "
                          "blocks are contiguous and in worker order", w, item, expected_next);
            expected_next++;
            size++;
        }
        sizes[w] = size;
    }
    ck_assert_msg(sizes[0] == 3 && sizes[1] == 3 && sizes[2] == 2 && sizes[3] == 2,
                  "10 items in 4 blocks gave sizes %ld %ld %ld %ld, expected 3 3 2 2",
                  sizes[0], sizes[1], sizes[2], sizes[3]);
}
END_TEST

START_TEST(round_robin_covers_every_item_once)
{
    check_split_everywhere(SPLIT_ROUND_ROBIN);
    struct partition partition;
    partition_init(&partition, SPLIT_ROUND_ROBIN, 10, 3);
    long item;
    ck_assert(next_item(&partition, 1, &item));
    ck_assert_msg(item == 1, "round robin: worker 1's first item is %ld, not 1", item);
    ck_assert(next_item(&partition, 1, &item));
    ck_assert_msg(item == 4, "round robin: worker 1's second item is %ld, not 4", item);
}
END_TEST

/* Eight workers fighting over one counter. The two classic wrong versions (a load then a
 * store; a look at the counter before the number is taken) are caught on every run by the
 * rival tests below, so one round is enough here: more rounds only made the student wait. */
START_TEST(dynamic_covers_every_item_once_under_contention)
{
    check_split_everywhere(SPLIT_DYNAMIC);
    check_every_item_once(SPLIT_DYNAMIC, kit_rounds(100000), 8);
}
END_TEST

/* A dynamic split takes an item in one atomic step, or a rival can take the same item
 * between the step that reads the counter and the step that writes it back. That gap lasts
 * nanoseconds, so the test makes a rival come in exactly there (rival.h): the first write to
 * the shared counter is held up while a rival takes an item. An atomic read-modify-write
 * (atomic_fetch_add, or a compare-and-swap loop) then takes the next item; a load followed by
 * a store hands out the rival's item a second time. */
static struct partition *rival_partition;
static atomic_long rival_item = -1;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_takes_an_item(void)
{
    atomic_store(&rival_item, atomic_fetch_add(&rival_partition->next_shared, 1));
}

START_TEST(dynamic_takes_an_item_in_one_atomic_step)
{
    rival_partition = rival_memory(sizeof *rival_partition);
    partition_init(rival_partition, SPLIT_DYNAMIC, 10, 2);
    rival_arm(rival_partition, sizeof *rival_partition, rival_takes_an_item);
    long item = -1;
    bool got = next_item(rival_partition, 0, &item);
    rival_release(rival_partition, sizeof *rival_partition);

    ck_assert_msg(rival_has_run(),
                  "next_item never wrote the shared counter: taking an item must advance it");
    ck_assert_msg(got && item != atomic_load(&rival_item),
                  "next_item handed out item %ld, which another worker took between your read "
                  "of the counter and your write: take an item in one atomic step "
                  "(atomic_fetch_add)", item);
}
END_TEST

/* The same rival, at the end: one item, which the rival takes while next_item is taking it.
 * The counter then says there is nothing left, and next_item must say so too. A version that
 * checks the counter first (an atomic load: there is one item) and then takes a number
 * (atomic_fetch_add) gets the number after the last item and hands it out: on a real run,
 * when two workers both reach the end at once. The number taken must decide. */
START_TEST(dynamic_hands_out_nothing_past_the_end)
{
    rival_partition = rival_memory(sizeof *rival_partition);
    partition_init(rival_partition, SPLIT_DYNAMIC, 1, 2);
    rival_arm(rival_partition, sizeof *rival_partition, rival_takes_an_item);
    long item = -1;
    bool got = next_item(rival_partition, 0, &item);
    rival_release(rival_partition, sizeof *rival_partition);

    ck_assert_msg(rival_has_run(),
                  "next_item never wrote the shared counter: taking an item must advance it");
    ck_assert_msg(atomic_load(&rival_item) == 0, "the rival took item %ld of 1, not item 0",
                  atomic_load(&rival_item));
    ck_assert_msg(!got, "of 1 item, another worker took item 0 while next_item was taking it, "
                  "and next_item still handed out item %ld: decide by the number "
                  "atomic_fetch_add returns, not by a look at the counter before it", item);
}
END_TEST

/* ---- exercise 3: the fit -------------------------------------------------------------- */

START_TEST(fit_recovers_an_exact_law)
{
    long workers[] = { 1, 2, 3, 4, 8 };
    double seconds[5];
    for (int i = 0; i < 5; i++)   /* T1 = 10 s, serial fraction 0.1 */
        seconds[i] = 10 * (0.1 + 0.9 / (double)workers[i]);
    double serial = -1, t1 = -1;
    ck_assert_int_eq(fit_serial_fraction(workers, seconds, 5, &serial, &t1), 0);
    ck_assert_double_eq_tol(serial, 0.1, 1e-9);
    ck_assert_double_eq_tol(t1, 10, 1e-9);
}
END_TEST

START_TEST(fit_averages_noise)
{
    /* Points above and below the law by the same amounts: least squares finds the law. */
    long workers[] = { 1, 1, 2, 2, 4, 4 };
    double seconds[6];
    for (int i = 0; i < 6; i++)   /* T1 = 8 s, serial fraction 0.25 */
        seconds[i] = 8 * (0.25 + 0.75 / (double)workers[i]) + (i % 2 ? 0.05 : -0.05);
    double serial = -1, t1 = -1;
    ck_assert_int_eq(fit_serial_fraction(workers, seconds, 6, &serial, &t1), 0);
    ck_assert_double_eq_tol(serial, 0.25, 1e-9);
    ck_assert_double_eq_tol(t1, 8, 1e-9);
}
END_TEST

START_TEST(fit_refuses_what_cannot_be_fitted)
{
    long one_count[] = { 2, 2, 2 };
    double seconds[] = { 1, 1.1, 0.9 };
    double serial = 42, t1 = 42;
    ck_assert_msg(fit_serial_fraction(one_count, seconds, 3, &serial, &t1) == -1,
                  "all points at the same worker count: no line can be fitted");
    long workers[] = { 1, 2 };
    ck_assert_msg(fit_serial_fraction(workers, seconds, 1, &serial, &t1) == -1,
                  "one point: no line can be fitted");
    long zero[] = { 0, 2 };
    ck_assert_msg(fit_serial_fraction(zero, seconds, 2, &serial, &t1) == -1,
                  "0 workers makes no sense");
    ck_assert_msg(serial == 42 && t1 == 42, "a refused fit must store nothing");
    long good[] = { 1, 2 };
    double exact[] = { 4, 2.5 };   /* T1 = 4, serial fraction 0.25 */
    ck_assert_msg(fit_serial_fraction(good, exact, 2, &serial, &t1) == 0,
                  "two points at different worker counts can be fitted");
    ck_assert_double_eq_tol(serial, 0.25, 1e-9);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("09-amdahl");

    TCase *given = kit_tcase("given", 0);
    tcase_add_test(given, is_prime_agrees_with_known_numbers);
    suite_add_tcase(suite, given);

    TCase *laws = kit_tcase("exercise 1", 0);
    tcase_add_test(laws, amdahl_gives_the_sources_figures);
    tcase_add_test(laws, amdahl_edge_cases);
    tcase_add_test(laws, gustafson_known_values);
    tcase_add_test(laws, karp_flatt_recovers_the_serial_fraction);
    tcase_add_test(laws, laws_reject_what_makes_no_sense);
    suite_add_tcase(suite, laws);

    TCase *splits = kit_tcase("exercise 2", 30);
    tcase_add_test(splits, blocks_cover_every_item_once);
    tcase_add_test(splits, blocks_are_contiguous_and_balanced);
    tcase_add_test(splits, round_robin_covers_every_item_once);
    tcase_add_test(splits, dynamic_covers_every_item_once_under_contention);
    tcase_add_test(splits, dynamic_takes_an_item_in_one_atomic_step);
    tcase_add_test(splits, dynamic_hands_out_nothing_past_the_end);
    suite_add_tcase(suite, splits);

    TCase *fit = kit_tcase("exercise 3", 0);
    tcase_add_test(fit, fit_recovers_an_exact_law);
    tcase_add_test(fit, fit_averages_noise);
    tcase_add_test(fit, fit_refuses_what_cannot_be_fitted);
    suite_add_tcase(suite, fit);

    return suite;
}
