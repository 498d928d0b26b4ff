/* test_parallel_map.c - the tests of lesson 01's exercises (parallel_map.h).
 *
 * What a wrong answer looks like is in each test's messages. Nothing here measures time:
 * to check that jobs ran at the same time, jobs meet at a rendezvous that only works if they
 * all run at once; to check that they ran on other threads or in other processes, each job
 * reports the thread or process it ran in.
 */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS, for memory shared with child processes */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "kit_check.h"
#include "parallel_map.h"

static long square_plus_one(long x)
{
    return x * x + 1;
}

static long *numbers_up_to(size_t count)
{
    long *inputs = malloc((count ? count : 1) * sizeof *inputs);
    ck_assert_ptr_nonnull(inputs);
    for (size_t i = 0; i < count; i++)
        inputs[i] = (long)i;
    return inputs;
}

static long *filled(size_t count, long value)
{
    long *results = malloc((count ? count : 1) * sizeof *results);
    ck_assert_ptr_nonnull(results);
    for (size_t i = 0; i < count; i++)
        results[i] = value;
    return results;
}

/* Fails the test, in words, unless a map function returned 0. */
static void expect_success(int status, const char *function, size_t count, unsigned workers)
{
    ck_assert_msg(status == 0, "%s(count %zu, %u workers) returned %d (errno: %s)",
                  function, count, workers, status, strerror(errno));
}

/* ---- given: the finished example ------------------------------------------------------ */

START_TEST(sequential_computes_every_result)
{
    long *inputs = numbers_up_to(100);
    long *results = filled(100, -1);
    ck_assert_int_eq(map_sequential(square_plus_one, inputs, results, 100), 0);
    for (long i = 0; i < 100; i++)
        ck_assert_int_eq(results[i], i * i + 1);
    free(inputs);
    free(results);
}
END_TEST

/* ---- exercise 1: split_range ---------------------------------------------------------- */

/* Checks the blocks of every split of `count` into `parts`: in order, covering [0, count)
 * exactly once, sizes differing by at most one, larger blocks first. */
static void check_split(size_t count, unsigned parts)
{
    size_t expected_begin = 0, smallest = SIZE_MAX, largest = 0;
    for (unsigned k = 0; k < parts; k++) {
        size_t begin = 12345, end = 12345;
        split_range(count, parts, k, &begin, &end);
        ck_assert_msg(begin == expected_begin,
                      "split_range(%zu, %u, %u): block starts at %zu, but the block before "
                      "it ended at %zu (blocks must be in order, with no gap or overlap)",
                      count, parts, k, begin, expected_begin);
        ck_assert_msg(end >= begin && end <= count,
                      "split_range(%zu, %u, %u) gave [%zu, %zu): not inside [0, %zu)",
                      count, parts, k, begin, end, count);
        size_t size = end - begin;
        smallest = size < smallest ? size : smallest;
        largest = size > largest ? size : largest;
        expected_begin = end;
    }
    ck_assert_msg(expected_begin == count,
                  "split_range(%zu, %u, ...): the blocks cover [0, %zu), not [0, %zu)",
                  count, parts, expected_begin, count);
    ck_assert_msg(largest - smallest <= 1,
                  "split_range(%zu, %u, ...): block sizes range from %zu to %zu; they must "
                  "differ by at most one, or one worker gets much more to do",
                  count, parts, smallest, largest);
}

START_TEST(split_covers_everything_once)
{
    for (size_t count = 1; count <= 64; count++)
        for (unsigned parts = 1; parts <= 12; parts++)
            check_split(count, parts);
}
END_TEST

START_TEST(split_balances_uneven_counts)
{
    /* 10 into 4 must be 3, 3, 2, 2 (or sizes 2 and 3 in some order), never 2, 2, 2, 4. */
    check_split(10, 4);
    check_split(1000003, 16);
    check_split(7, 3);
}
END_TEST

START_TEST(split_more_parts_than_items)
{
    check_split(3, 8);
    check_split(1, 5);
    size_t begin, end;
    split_range(3, 8, 7, &begin, &end);
    ck_assert_msg(begin == end && end == 3,
                  "split_range(3, 8, 7) gave [%zu, %zu): the last of 8 blocks over 3 items "
                  "must be empty, at the end", begin, end);
}
END_TEST

START_TEST(split_huge_counts_without_overflow)
{
    /* index * count / parts overflows here; index * (count / parts) does not. */
    size_t huge = SIZE_MAX / 3;
    check_split(huge, 7);
    check_split(SIZE_MAX - 5, 1000);
}
END_TEST

/* ---- Checks that exercises 2 and 3 share ------------------------------------------------ */

typedef int (*map_fn)(job_fn job, const long *inputs, long *results, size_t count,
                      unsigned workers);

/* Every result right, for counts 1, 1 + step, ... up to max_count and 1 to max_workers. */
static void check_every_result(map_fn map, const char *name, size_t max_count, size_t step,
                               unsigned max_workers)
{
    for (size_t count = 1; count <= max_count; count += step) {
        for (unsigned workers = 1; workers <= max_workers; workers++) {
            long *inputs = numbers_up_to(count);
            long *results = filled(count, -1);
            expect_success(map(square_plus_one, inputs, results, count, workers), name, count,
                           workers);
            for (size_t i = 0; i < count; i++)
                ck_assert_msg(results[i] == (long)(i * i + 1),
                              "%s, count %zu, %u workers: results[%zu] is %ld, expected %ld",
                              name, count, workers, i, results[i], (long)(i * i + 1));
            free(inputs);
            free(results);
        }
    }
}

/* No jobs: success, nothing touched. No workers: -1 with errno EINVAL. */
static void check_edge_cases(map_fn map, const char *name)
{
    long input = 3, result = -1;
    ck_assert_msg(map(square_plus_one, &input, &result, 0, 4) == 0,
                  "%s with no jobs must return 0 and do nothing", name);
    ck_assert_int_eq(result, -1);
    errno = 0;
    ck_assert_msg(map(square_plus_one, &input, &result, 1, 0) == -1 && errno == EINVAL,
                  "%s with 0 workers must return -1 with errno EINVAL", name);
}

/* ---- exercise 2: map_with_threads ------------------------------------------------------ */

START_TEST(threads_compute_every_result)
{
    check_every_result(map_with_threads, "map_with_threads", 40, 3, 9);
}
END_TEST

START_TEST(threads_handle_no_jobs_and_no_workers)
{
    check_edge_cases(map_with_threads, "map_with_threads");
}
END_TEST

/* Each job stores the identity of the thread that ran it; jobs are numbered by their input. */
static pthread_t ran_on[64];

static long note_thread(long job)
{
    ran_on[job] = pthread_self();
    /* Long enough that a forgotten join returns before the jobs are done. */
    struct timespec pause = { 0, 2 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    return job;
}

START_TEST(threads_use_as_many_threads_as_asked)
{
    for (unsigned workers = 1; workers <= 8; workers++) {
        size_t count = 24;
        long *inputs = numbers_up_to(count);
        long *results = filled(count, -1);
        memset(ran_on, 0, sizeof ran_on);
        expect_success(map_with_threads(note_thread, inputs, results, count, workers),
                       "map_with_threads", count, workers);
        size_t distinct = 0;
        for (size_t i = 0; i < count; i++) {
            ck_assert_msg(results[i] == (long)i,
                          "%u workers: job %zu had not finished when map_with_threads "
                          "returned (join every thread before returning)", workers, i);
            ck_assert_msg(!pthread_equal(ran_on[i], pthread_self()),
                          "%u workers: job %zu ran on the calling thread, not a worker",
                          workers, i);
            bool seen = false;
            for (size_t j = 0; j < i; j++)
                seen = seen || pthread_equal(ran_on[i], ran_on[j]);
            distinct += !seen;
        }
        ck_assert_msg(distinct == workers,
                      "asked for %u workers, but the jobs ran on %zu different threads",
                      workers, distinct);
        free(inputs);
        free(results);
    }
}
END_TEST

/* A rendezvous: every job waits until all `expected` jobs have arrived. Jobs that run one
 * after another never all arrive; after a generous wait they give up and report it. */
static pthread_mutex_t meeting_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meeting_changed = PTHREAD_COND_INITIALIZER;
static long arrived, expected;
static bool gave_up;

static long meet_the_others(long job)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)kit_scaled_seconds(3);   /* 3 s, more with CK_TIMEOUT_MULTIPLIER */
    pthread_mutex_lock(&meeting_lock);
    arrived++;
    pthread_cond_broadcast(&meeting_changed);
    while (arrived < expected && !gave_up) {
        if (pthread_cond_timedwait(&meeting_changed, &meeting_lock, &deadline) == ETIMEDOUT)
            gave_up = true;
    }
    bool met = !gave_up;
    pthread_mutex_unlock(&meeting_lock);
    return met ? job : -1;
}

START_TEST(threads_run_jobs_at_the_same_time)
{
    for (unsigned workers = 2; workers <= 6; workers += 2) {
        arrived = 0;
        expected = workers;
        gave_up = false;
        long *inputs = numbers_up_to(workers);
        long *results = filled(workers, -2);
        expect_success(map_with_threads(meet_the_others, inputs, results, workers, workers),
                       "map_with_threads", workers, workers);
        for (unsigned i = 0; i < workers; i++)
            ck_assert_msg(results[i] == i,
                          "%u jobs on %u workers never all ran at the same time: start every "
                          "thread before joining any", workers, workers);
        free(inputs);
        free(results);
    }
}
END_TEST

/* The classic slip: every thread gets a pointer to the same loop variable or struct, and
 * reads it after the loop has changed it. Repeated, so the slip shows on every run. */
START_TEST(threads_each_get_their_own_block)
{
    size_t count = 64;
    long *inputs = numbers_up_to(count);
    for (int round = 0; round < kit_rounds(200); round++) {
        long *results = filled(count, -1);
        expect_success(map_with_threads(square_plus_one, inputs, results, count, 8),
                       "map_with_threads", count, 8);
        for (size_t i = 0; i < count; i++)
            ck_assert_msg(results[i] == (long)(i * i + 1),
                          "round %d: results[%zu] is %ld: did two threads get the same block? "
                          "(give each thread its own argument struct)",
                          round, i, results[i]);
        free(results);
    }
    free(inputs);
}
END_TEST

/* ---- exercise 3: map_with_processes ---------------------------------------------------- */

static long process_id(long job)
{
    (void)job;
    return (long)getpid();
}

static int open_descriptors(void)
{
    DIR *fds = opendir("/proc/self/fd");
    if (fds == NULL)
        return -1;
    int count = 0;
    while (readdir(fds) != NULL)
        count++;
    closedir(fds);
    return count;
}

START_TEST(processes_compute_every_result)
{
    check_every_result(map_with_processes, "map_with_processes", 30, 4, 6);
}
END_TEST

START_TEST(processes_handle_no_jobs_and_no_workers)
{
    check_edge_cases(map_with_processes, "map_with_processes");
}
END_TEST

START_TEST(processes_run_in_as_many_children_as_asked)
{
    for (unsigned workers = 1; workers <= 6; workers++) {
        size_t count = 18;
        long *inputs = numbers_up_to(count);
        long *results = filled(count, -1);
        expect_success(map_with_processes(process_id, inputs, results, count, workers),
                       "map_with_processes", count, workers);
        size_t distinct = 0;
        for (size_t i = 0; i < count; i++) {
            ck_assert_msg(results[i] != (long)getpid(),
                          "%u workers: job %zu ran in the parent, not in a child",
                          workers, i);
            ck_assert_msg(results[i] > 0, "%u workers: results[%zu] is %ld, not a process id",
                          workers, i, results[i]);
            bool seen = false;
            for (size_t j = 0; j < i; j++)
                seen = seen || results[j] == results[i];
            distinct += !seen;
        }
        ck_assert_msg(distinct == workers,
                      "asked for %u workers, but the jobs ran in %zu different processes",
                      workers, distinct);
        free(inputs);
        free(results);
    }
}
END_TEST

START_TEST(processes_leave_no_zombies_or_open_pipes)
{
    int before = open_descriptors();
    long *inputs = numbers_up_to(20);
    long *results = filled(20, -1);
    expect_success(map_with_processes(square_plus_one, inputs, results, 20, 4),
                   "map_with_processes", 20, 4);
    errno = 0;
    ck_assert_msg(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
                  "a child is left that nobody waited for (a zombie): waitpid() every child");
    ck_assert_msg(open_descriptors() == before,
                  "%d file descriptors were open before and %d after: close both ends of "
                  "every pipe", before, open_descriptors());
    free(inputs);
    free(results);
}
END_TEST

/* 200000 results are 1.6 MB: far more than a pipe holds. A parent that waits for a child
 * before reading its results deadlocks; one that calls read() once gets only part. */
START_TEST(processes_send_more_than_a_pipe_holds)
{
    size_t count = 200000;
    long *inputs = numbers_up_to(count);
    long *results = filled(count, -1);
    expect_success(map_with_processes(square_plus_one, inputs, results, count, 3),
                   "map_with_processes", count, 3);
    for (size_t i = 0; i < count; i++)
        ck_assert_msg(results[i] == (long)(i * i + 1),
                      "results[%zu] is %ld, expected %ld: was every byte read?",
                      i, results[i], (long)(i * i + 1));
    free(inputs);
    free(results);
}
END_TEST

/* The rendezvous again, across processes: the count lives in memory that fork() shares
 * instead of copying, and each job polls it until everyone is there or it gives up. */
static atomic_long *processes_arrived;
static long processes_expected;

static long meet_the_other_processes(long job)
{
    atomic_fetch_add(processes_arrived, 1);
    /* Polls of 1 ms: 3 s at least, more with CK_TIMEOUT_MULTIPLIER. */
    long polls = (long)(kit_scaled_seconds(3) * 1000);
    for (long poll = 0; poll < polls; poll++) {
        if (atomic_load(processes_arrived) >= processes_expected)
            return job;
        struct timespec pause = { 0, 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return -1;
}

START_TEST(processes_run_jobs_at_the_same_time)
{
    processes_arrived = mmap(NULL, sizeof *processes_arrived, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(processes_arrived, MAP_FAILED);
    for (unsigned workers = 2; workers <= 6; workers += 2) {
        atomic_store(processes_arrived, 0);
        processes_expected = workers;
        long *inputs = numbers_up_to(workers);
        long *results = filled(workers, -2);
        expect_success(map_with_processes(meet_the_other_processes, inputs, results, workers,
                                          workers), "map_with_processes", workers, workers);
        for (unsigned i = 0; i < workers; i++)
            ck_assert_msg(results[i] == i,
                          "%u jobs in %u children never all ran at the same time: start every "
                          "child before reading from or waiting for any", workers, workers);
        free(inputs);
        free(results);
    }
    munmap(processes_arrived, sizeof *processes_arrived);
}
END_TEST

static long crash_on_seven(long job)
{
    if (job == 7)
        abort();
    return job;
}

START_TEST(processes_report_a_child_that_crashed)
{
    long *inputs = numbers_up_to(12);
    long *results = filled(12, -1);
    /* The same call with a job that does not crash works... */
    expect_success(map_with_processes(square_plus_one, inputs, results, 12, 3),
                   "map_with_processes", 12, 3);
    /* ...so -1 here can only mean the crash was noticed. */
    ck_assert_msg(map_with_processes(crash_on_seven, inputs, results, 12, 3) == -1,
                  "a child died of SIGABRT, yet map_with_processes returned success: check "
                  "each child's status from waitpid()");
    errno = 0;
    ck_assert_msg(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
                  "after a child crashed, a child is left that nobody waited for");
    free(inputs);
    free(results);
}
END_TEST

/* A child that ends with exit() flushes its copy of the parent's stdio buffers, so text the
 * parent had buffered but not yet written comes out once more per child. */
START_TEST(processes_end_children_with_underscore_exit)
{
    char path[] = "/tmp/kit-test-stdout-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *out = fdopen(fd, "w");
    ck_assert_ptr_nonnull(out);
    static char buffer[BUFSIZ];
    ck_assert_int_eq(setvbuf(out, buffer, _IOFBF, sizeof buffer), 0);
    FILE *saved_stdout = stdout;
    stdout = out;
    printf("once\n");   /* buffered, not yet written */

    long *inputs = numbers_up_to(6);
    long *results = filled(6, -1);
    int status = map_with_processes(square_plus_one, inputs, results, 6, 3);
    stdout = saved_stdout;
    fclose(out);

    FILE *in = fopen(path, "r");
    ck_assert_ptr_nonnull(in);
    char text[256] = "";
    size_t length = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    unlink(path);
    ck_assert_msg(status == 0, "map_with_processes returned %d: did a child end with exit() "
                  "instead of _exit()?", status);
    ck_assert_msg(length == 5 && strcmp(text, "once\n") == 0,
                  "the parent printed \"once\" but the output holds \"%s\": children must end "
                  "with _exit(), which does not flush the parent's stdio buffers", text);
    free(inputs);
    free(results);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("01-threads");

    TCase *given = kit_tcase("given", 0);
    tcase_add_test(given, sequential_computes_every_result);
    suite_add_tcase(suite, given);

    TCase *split = kit_tcase("exercise 1", 0);
    tcase_add_test(split, split_covers_everything_once);
    tcase_add_test(split, split_balances_uneven_counts);
    tcase_add_test(split, split_more_parts_than_items);
    tcase_add_test(split, split_huge_counts_without_overflow);
    suite_add_tcase(suite, split);

    TCase *threads = kit_tcase("exercise 2", 0);
    tcase_add_test(threads, threads_compute_every_result);
    tcase_add_test(threads, threads_handle_no_jobs_and_no_workers);
    tcase_add_test(threads, threads_use_as_many_threads_as_asked);
    tcase_add_test(threads, threads_run_jobs_at_the_same_time);
    tcase_add_test(threads, threads_each_get_their_own_block);
    suite_add_tcase(suite, threads);

    TCase *processes = kit_tcase("exercise 3", 0);
    tcase_add_test(processes, processes_compute_every_result);
    tcase_add_test(processes, processes_handle_no_jobs_and_no_workers);
    tcase_add_test(processes, processes_run_in_as_many_children_as_asked);
    tcase_add_test(processes, processes_run_jobs_at_the_same_time);
    tcase_add_test(processes, processes_leave_no_zombies_or_open_pipes);
    tcase_add_test(processes, processes_send_more_than_a_pipe_holds);
    tcase_add_test(processes, processes_report_a_child_that_crashed);
    tcase_add_test(processes, processes_end_children_with_underscore_exit);
    suite_add_tcase(suite, processes);

    return suite;
}
