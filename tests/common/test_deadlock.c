/* test_deadlock.c - tests of the deadlock watchdog (common/deadlock_watchdog.c), the wait
 * registry it reads (common/waits.c) and the reasons it gives (common/deadlock_description.c).
 *
 * Each test starts this same program again (/proc/self/exe, Linux), with
 * DEADLOCK_CHILD_VARIABLE naming one test of the child suite below: a test that deadlocks on
 * purpose, or one that must not be taken for a deadlock. Then it reads the reports the runner
 * wrote for that one test, and how long the run took. A deadlock must fail its test within two
 * seconds, with exactly the words a student would read; a test that only looks stuck (a thread
 * spinning outside the kit's wrappers, a thread the kit did not make) must be left to its
 * timeout; and correct code under heavy contention must never be taken for a deadlock.
 *
 * The expected reasons name the lines where the child tests lock and wait. Each such call is
 * the whole body of a one-line function, followed on that same line by an enum constant that
 * holds __LINE__: the expected reasons follow the code when it moves.
 */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include "kit_check.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common_tests.h"
#include "sync.h"
#include "waits.h"

/* ---- The child suite: one test each run ------------------------------------------------- */

/* Two threads, each holding one lock and waiting for the other's. */
struct pair {
    pthread_mutex_t *first, *second;
    atomic_int *holding;   /* threads that hold their first lock */
};

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER, right = PTHREAD_MUTEX_INITIALIZER;

static void take_first(struct pair *p) { mutex_lock(p->first); } enum { FIRST_LINE = __LINE__ };
static void take_second(struct pair *p) { mutex_lock(p->second); } enum { SECOND = __LINE__ };
static void join_first(pthread_t thread) { thread_join(thread); } enum { JOIN_LINE = __LINE__ };

static void *take_both(void *argument)
{
    struct pair *pair = argument;
    take_first(pair);
    atomic_fetch_add(pair->holding, 1);
    while (atomic_load(pair->holding) < 2)   /* both hold their first lock: no way out now */
        sched_yield();
    take_second(pair);
    return NULL;
}

START_TEST(two_threads_lock_in_opposite_orders)
{
    waits_name(&left, "the left lock");
    waits_name(&right, "the right lock");
    atomic_int holding = 0;
    struct pair one = { &left, &right, &holding }, two = { &right, &left, &holding };
    pthread_t first, second;
    thread_create(&first, take_both, &one);
    thread_create(&second, take_both, &two);
    join_first(first);
    thread_join(second);
}
END_TEST

static void lock(pthread_mutex_t *mutex) { mutex_lock(mutex); } enum { TAKEN_LINE = __LINE__ };
static void again(pthread_mutex_t *mutex) { mutex_lock(mutex); } enum { AGAIN_LINE = __LINE__ };

START_TEST(a_thread_locks_a_mutex_it_holds)
{
    pthread_mutex_t lonely;
    mutex_init(&lonely);
    waits_name(&lonely, "the lonely lock");
    lock(&lonely);
    again(&lonely);
}
END_TEST

/* A thread waits for a doorbell that nobody will ever ring. */
static pthread_mutex_t door = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t doorbell = PTHREAD_COND_INITIALIZER;
static bool rung;   /* guarded by door */

static void wait_bell(void) { while (!rung) cond_wait(&doorbell, &door); } enum { BELL = __LINE__ };

static void *wait_for_the_doorbell(void *unused)
{
    (void)unused;
    mutex_lock(&door);
    wait_bell();
    mutex_unlock(&door);
    return NULL;
}

static void join_waiter(pthread_t t) { thread_join(t); } enum { WAITER_JOIN_LINE = __LINE__ };

START_TEST(a_thread_waits_for_a_signal_nobody_sends)
{
    waits_name(&door, "the door's lock");
    waits_name(&doorbell, "the doorbell");
    pthread_t waiter;
    thread_create(&waiter, wait_for_the_doorbell, NULL);
    join_waiter(waiter);
}
END_TEST

/* The test's thread holds the gate and joins thread 1, which joins thread 2, which waits for
 * the gate. */
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void close_gate(void) { mutex_lock(&gate); } enum { GATE_TAKEN_LINE = __LINE__ };
static void pass_gate(void) { mutex_lock(&gate); } enum { GATE_LINE = __LINE__ };
static void join_inner(pthread_t t) { thread_join(t); } enum { INNER_JOIN_LINE = __LINE__ };
static void join_outer(pthread_t t) { thread_join(t); } enum { OUTER_JOIN_LINE = __LINE__ };

static void *go_through_the_gate(void *unused)
{
    (void)unused;
    pass_gate();
    mutex_unlock(&gate);
    return NULL;
}

static void *start_and_join_another(void *unused)
{
    (void)unused;
    pthread_t other;
    thread_create(&other, go_through_the_gate, NULL);
    join_inner(other);
    return NULL;
}

START_TEST(a_join_chain_comes_back_to_the_test)
{
    waits_name(&gate, "the gate");
    close_gate();
    pthread_t middle;
    thread_create(&middle, start_and_join_another, NULL);
    join_outer(middle);
    mutex_unlock(&gate);
}
END_TEST

/* One thread waits for the doorbell while another spins on an atomic, outside the kit's
 * wrappers: the spinner might still ring it, so the watchdog must keep quiet. */
static atomic_bool stop_spinning;

static void *spin_forever(void *unused)
{
    (void)unused;
    while (!atomic_load(&stop_spinning))
        continue;
    return NULL;
}

START_TEST(a_spinning_thread_keeps_the_watchdog_quiet)
{
    pthread_t waiter, spinner;
    thread_create(&waiter, wait_for_the_doorbell, NULL);
    thread_create(&spinner, spin_forever, NULL);
    thread_join(waiter);
}
END_TEST

/* A thread made with pthread_create itself, asleep outside the kit: it might ring the doorbell
 * when it wakes, for all the watchdog knows. */
static void *sleep_a_long_time(void *unused)
{
    (void)unused;
    struct timespec long_time = { 3600, 0 };
    nanosleep(&long_time, NULL);
    return NULL;
}

START_TEST(a_thread_the_kit_did_not_make_keeps_the_watchdog_quiet)
{
    pthread_t waiter, stranger;
    thread_create(&waiter, wait_for_the_doorbell, NULL);
    ck_assert_int_eq(pthread_create(&stranger, NULL, sleep_a_long_time, NULL), 0);
    thread_join(waiter);
}
END_TEST

/* Correct code whose threads spend nearly all their time blocked in the kit's wrappers: a
 * token passed round a ring of threads, each waiting on a condition variable for its turn (at
 * each hand-over, the one that passed it already waits while the next is woken but has not
 * run yet), then many threads fighting for one mutex. More threads than cores, so that a
 * thread just woken often waits for a core. */
#define RING_THREADS 16
#define RING_ROUNDS 400
#define FIGHTERS 24
#define FIGHTS_EACH 20000

struct ring {
    pthread_mutex_t lock;
    pthread_cond_t turn_changed;
    int turn;                 /* whose turn: 0 .. RING_THREADS-1; guarded by lock */
    long passes;              /* guarded by lock */
};

struct ring_seat {
    struct ring *ring;
    int me;
};

static void *pass_the_token(void *argument)
{
    struct ring_seat *seat = argument;
    struct ring *ring = seat->ring;
    for (int round = 0; round < RING_ROUNDS; round++) {
        mutex_lock(&ring->lock);
        while (ring->turn != seat->me)
            cond_wait(&ring->turn_changed, &ring->lock);
        ring->passes++;
        ring->turn = (ring->turn + 1) % RING_THREADS;
        cond_broadcast(&ring->turn_changed);
        mutex_unlock(&ring->lock);
    }
    return NULL;
}

struct fight {
    pthread_mutex_t lock;
    long count;               /* guarded by lock */
};

static void *fight_for_the_lock(void *argument)
{
    struct fight *fight = argument;
    for (int i = 0; i < FIGHTS_EACH; i++) {
        mutex_lock(&fight->lock);
        fight->count++;
        mutex_unlock(&fight->lock);
    }
    return NULL;
}

START_TEST(correct_code_under_contention_is_never_taken_for_a_deadlock)
{
    struct ring ring = { .turn = 0 };
    mutex_init(&ring.lock);
    cond_init(&ring.turn_changed);
    struct ring_seat seats[RING_THREADS];
    pthread_t threads[FIGHTERS > RING_THREADS ? FIGHTERS : RING_THREADS];
    for (int t = 0; t < RING_THREADS; t++) {
        seats[t] = (struct ring_seat){ &ring, t };
        thread_create(&threads[t], pass_the_token, &seats[t]);
    }
    for (int t = 0; t < RING_THREADS; t++)
        thread_join(threads[t]);
    ck_assert_int_eq(ring.passes, (long)RING_THREADS * RING_ROUNDS);

    struct fight fight = { .count = 0 };
    mutex_init(&fight.lock);
    for (int t = 0; t < FIGHTERS; t++)
        thread_create(&threads[t], fight_for_the_lock, &fight);
    for (int t = 0; t < FIGHTERS; t++)
        thread_join(threads[t]);
    ck_assert_int_eq(fight.count, (long)FIGHTERS * FIGHTS_EACH);
    mutex_destroy(&fight.lock);
    cond_destroy(&ring.turn_changed);
    mutex_destroy(&ring.lock);
}
END_TEST

/* A thread's record says it waits on the doorbell, but the thread runs: a signal came, and its
 * handler spins inside the wait. It could do anything, ring the doorbell too; only the kernel,
 * which says the thread runs rather than sleeps, tells that from a deadlock. */
static void spin_in_the_handler(int signal_number)
{
    (void)signal_number;
    for (;;)
        continue;
}

START_TEST(a_thread_running_a_signal_handler_keeps_the_watchdog_quiet)
{
    struct sigaction action = { .sa_handler = spin_in_the_handler };
    sigemptyset(&action.sa_mask);
    ck_assert_int_eq(sigaction(SIGUSR1, &action, NULL), 0);
    pthread_t waiter;
    thread_create(&waiter, wait_for_the_doorbell, NULL);
    struct timespec moment = { 0, 100 * 1000 * 1000 };   /* for the waiter to start waiting */
    nanosleep(&moment, NULL);
    ck_assert_int_eq(pthread_kill(waiter, SIGUSR1), 0);
    thread_join(waiter);
}
END_TEST

/* The suite of the one child test that DEADLOCK_CHILD_VARIABLE names. Each has the seconds it
 * may take before Check calls it hung (times CK_TIMEOUT_MULTIPLIER, as every timeout): short
 * for those that must time out, long for the one that runs with a tiny multiplier. */
Suite *deadlock_child_suite(void)
{
    const struct {
        const char *name;
        const TTest *test;
        int timeout;
    } child_tests[] = {
        { "two_threads_lock_in_opposite_orders", two_threads_lock_in_opposite_orders, 10 },
        { "a_thread_locks_a_mutex_it_holds", a_thread_locks_a_mutex_it_holds, 10 },
        { "a_thread_waits_for_a_signal_nobody_sends",
          a_thread_waits_for_a_signal_nobody_sends, 10 },
        { "a_join_chain_comes_back_to_the_test", a_join_chain_comes_back_to_the_test, 10 },
        { "a_spinning_thread_keeps_the_watchdog_quiet",
          a_spinning_thread_keeps_the_watchdog_quiet, 3 },
        { "a_thread_the_kit_did_not_make_keeps_the_watchdog_quiet",
          a_thread_the_kit_did_not_make_keeps_the_watchdog_quiet, 3 },
        { "correct_code_under_contention_is_never_taken_for_a_deadlock",
          correct_code_under_contention_is_never_taken_for_a_deadlock, 600 },
        { "a_thread_running_a_signal_handler_keeps_the_watchdog_quiet",
          a_thread_running_a_signal_handler_keeps_the_watchdog_quiet, 3 },
    };
    const char *wanted = getenv(DEADLOCK_CHILD_VARIABLE);
    Suite *suite = suite_create("deadlock-child");
    for (size_t i = 0; i < sizeof child_tests / sizeof child_tests[0]; i++) {
        if (wanted == NULL || strcmp(wanted, child_tests[i].name) != 0)
            continue;
        TCase *tc = kit_tcase("deadlock", child_tests[i].timeout);
        tcase_add_test(tc, child_tests[i].test);
        suite_add_tcase(suite, tc);
    }
    return suite;
}

/* ---- Running a child test --------------------------------------------------------------- */

struct child_run {
    char folder[32];
    char results[64];         /* "FAIL\tdeadlock\tTEST\tREASON\n", read back */
    char reason[1024];        /* the REASON of that line */
    bool passed;
    double seconds;           /* from the start of the runner to its end */
};

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Runs the child test `test` in a runner of its own, with CK_TIMEOUT_MULTIPLIER `multiplier`
 * (NULL: as this run has it), and reads what the runner said of it. */
static void run_child(struct child_run *run, const char *test, const char *multiplier)
{
    snprintf(run->folder, sizeof run->folder, "/tmp/deadlock-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(run->folder));
    char tap[64], xml[64], console[64];
    snprintf(tap, sizeof tap, "%s/r.tap", run->folder);
    snprintf(xml, sizeof xml, "%s/r.xml", run->folder);
    snprintf(run->results, sizeof run->results, "%s/r.results", run->folder);
    snprintf(console, sizeof console, "%s/console", run->folder);

    double started = seconds_now();
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        int out = open(console, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
            _exit(126);
        setenv(DEADLOCK_CHILD_VARIABLE, test, 1);
        setenv("KIT_DEADLOCK_DIR", run->folder, 1);
        if (multiplier != NULL)
            setenv("CK_TIMEOUT_MULTIPLIER", multiplier, 1);
        const char *outer_choices[] = { "CK_RUN_SUITE", "CK_RUN_CASE", "CK_INCLUDE_TAGS",
                                        "CK_EXCLUDE_TAGS", "KIT_RACE_RESULTS", "KIT_EXERCISE",
                                        "KIT_TEST", "KIT_RESULTS_FD" };
        for (size_t i = 0; i < sizeof outer_choices / sizeof outer_choices[0]; i++)
            unsetenv(outer_choices[i]);
        execl("/proc/self/exe", "check-deadlock-child", tap, xml, run->results, (char *)NULL);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    run->seconds = seconds_now() - started;
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) <= 1, "the runner of %s ended with "
                  "status %d", test, status);

    FILE *in = fopen(run->results, "r");
    ck_assert_msg(in != NULL, "%s: %s", run->results, strerror(errno));
    char line[2048] = "";
    ck_assert_msg(fgets(line, sizeof line, in) != NULL, "%s is empty", run->results);
    fclose(in);
    line[strcspn(line, "\n")] = '\0';
    char expected_start[256];
    snprintf(expected_start, sizeof expected_start, "\tdeadlock\t%s\t", test);
    char *fields = strstr(line, expected_start);
    ck_assert_msg(fields != NULL, "the results of %s: %s", test, line);
    run->passed = strncmp(line, "ok\t", 3) == 0;
    snprintf(run->reason, sizeof run->reason, "%s", fields + strlen(expected_start));
    unlink(tap);
    unlink(xml);
    unlink(run->results);
    unlink(console);
}

/* The drawing the watchdog made of `test`, read whole, or NULL if there is none; removed. */
static char *take_drawing(struct child_run *run, const char *test)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s.dot", run->folder, test);
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return NULL;
    static char text[16384];
    size_t got = fread(text, 1, sizeof text - 1, in);
    text[got] = '\0';
    fclose(in);
    unlink(path);
    return text;
}

static void remove_run(struct child_run *run)
{
    ck_assert_msg(rmdir(run->folder) == 0, "rmdir %s: %s", run->folder, strerror(errno));
}

/* A deadlock fails its test with `expected` as the reason, within two seconds (times the
 * timeout multiplier), and is drawn. */
static void expect_diagnosis(const char *test, const char *expected, const char *drawn)
{
    struct child_run run;
    run_child(&run, test, NULL);
    ck_assert_msg(!run.passed, "%s passed", test);
    ck_assert_msg(strcmp(run.reason, expected) == 0, "%s failed with\n  %s\nnot\n  %s", test,
                  run.reason, expected);
    double limit = kit_scaled_seconds(2);
    ck_assert_msg(run.seconds < limit, "%s took %.2f s to be diagnosed; at most %.1f s is "
                  "right", test, run.seconds, limit);
    char *drawing = take_drawing(&run, test);
    ck_assert_msg(drawing != NULL, "no drawing of %s in KIT_DEADLOCK_DIR", test);
    ck_assert_msg(strncmp(drawing, "digraph deadlock {", 18) == 0 && strstr(drawing, drawn),
                  "the drawing of %s has no %s:\n%s", test, drawn, drawing);
    remove_run(&run);
}

START_TEST(a_lock_order_deadlock_is_diagnosed_with_its_cycle)
{
    char expected[1024];
    snprintf(expected, sizeof expected, "deadlock: thread 1 waits at test_deadlock.c:%d for the "
             "right lock, held by thread 2 (taken at test_deadlock.c:%d), which waits at "
             "test_deadlock.c:%d for the left lock, held by thread 1 (taken at "
             "test_deadlock.c:%d); the test's thread waits at test_deadlock.c:%d in thread_join "
             "for thread 1", SECOND, FIRST_LINE, SECOND, FIRST_LINE, JOIN_LINE);
    /* The cycle is drawn in red: the left lock, held by thread 1, is one of its arrows. */
    expect_diagnosis("two_threads_lock_in_opposite_orders", expected,
                     "label=\" held by\\n taken at test_deadlock.c:");
}
END_TEST

START_TEST(a_self_deadlock_is_diagnosed)
{
    char expected[1024];
    snprintf(expected, sizeof expected, "deadlock: the test's thread waits at "
             "test_deadlock.c:%d for the lonely lock, which it holds itself (taken at "
             "test_deadlock.c:%d): a mutex is not recursive, so a thread that locks one it "
             "holds waits for itself forever", AGAIN_LINE, TAKEN_LINE);
    expect_diagnosis("a_thread_locks_a_mutex_it_holds", expected, "color=red3");
}
END_TEST

START_TEST(a_lost_wakeup_is_diagnosed)
{
    char expected[1024];
    snprintf(expected, sizeof expected, "every thread is blocked and nobody is left to signal: "
             "the test's thread waits at test_deadlock.c:%d in thread_join for thread 1, which "
             "waits at test_deadlock.c:%d on the doorbell (with the door's lock)",
             WAITER_JOIN_LINE, BELL);
    expect_diagnosis("a_thread_waits_for_a_signal_nobody_sends", expected,
                     "the doorbell\\n(with the door's lock)");
}
END_TEST

START_TEST(a_join_chain_is_diagnosed)
{
    char expected[1024];
    snprintf(expected, sizeof expected, "deadlock: the test's thread waits at "
             "test_deadlock.c:%d in thread_join for thread 1, which waits at test_deadlock.c:%d "
             "in thread_join for thread 2, which waits at test_deadlock.c:%d for the gate, held "
             "by the test's thread (taken at test_deadlock.c:%d)", OUTER_JOIN_LINE,
             INNER_JOIN_LINE, GATE_LINE, GATE_TAKEN_LINE);
    expect_diagnosis("a_join_chain_comes_back_to_the_test", expected, "waits in thread_join");
}
END_TEST

/* What only looks like a deadlock times out, as it did before the watchdog. */
static void expect_timeout(const char *test)
{
    struct child_run run;
    run_child(&run, test, NULL);
    ck_assert_msg(!run.passed && strncmp(run.reason, "timed out", 9) == 0, "%s: %s", test,
                  run.passed ? "passed" : run.reason);
    ck_assert_msg(take_drawing(&run, test) == NULL, "%s was drawn as a deadlock", test);
    remove_run(&run);
}

START_TEST(a_spinning_thread_is_not_taken_for_a_deadlock)
{
    expect_timeout("a_spinning_thread_keeps_the_watchdog_quiet");
}
END_TEST

START_TEST(a_thread_the_kit_did_not_make_is_not_taken_for_a_deadlock)
{
    expect_timeout("a_thread_the_kit_did_not_make_keeps_the_watchdog_quiet");
}
END_TEST

/* Again and again, with a quiet period twenty times shorter than the kit's (0.025 s): a watchdog
 * that trusted its records alone, or looked for too short a while, would speak up here. */
START_TEST(correct_code_under_contention_is_never_diagnosed)
{
    for (int run_number = 0; run_number < 5; run_number++) {
        struct child_run run;
        run_child(&run, "correct_code_under_contention_is_never_taken_for_a_deadlock", "0.05");
        ck_assert_msg(run.passed, "run %d: %s", run_number, run.reason);
        remove_run(&run);
    }
}
END_TEST

START_TEST(a_thread_running_a_signal_handler_is_not_taken_for_a_deadlock)
{
    expect_timeout("a_thread_running_a_signal_handler_keeps_the_watchdog_quiet");
}
END_TEST

TCase *deadlock_tests(void)
{
    TCase *tc = kit_tcase("deadlock watchdog", 60);
    tcase_add_test(tc, a_lock_order_deadlock_is_diagnosed_with_its_cycle);
    tcase_add_test(tc, a_self_deadlock_is_diagnosed);
    tcase_add_test(tc, a_lost_wakeup_is_diagnosed);
    tcase_add_test(tc, a_join_chain_is_diagnosed);
    tcase_add_test(tc, a_spinning_thread_is_not_taken_for_a_deadlock);
    tcase_add_test(tc, a_thread_the_kit_did_not_make_is_not_taken_for_a_deadlock);
    tcase_add_test(tc, correct_code_under_contention_is_never_diagnosed);
    tcase_add_test(tc, a_thread_running_a_signal_handler_is_not_taken_for_a_deadlock);
    return tc;
}
