/* test_hidden.c - hidden tests of lesson 03: grading runs them, the student edition leaves
 * them out.
 *
 * A test-and-test-and-set lock that forgets its first test, and spins on the exchange itself,
 * is a test-and-set lock under another name: it takes the lock, excludes, waits and hands over
 * exactly as it must, so every test of mutual exclusion passes it. What it gets wrong is what
 * its waiters do meanwhile: each failed exchange is still a write, which takes the lock's cache
 * line away from every other core, the holder's included. Timing cannot show that reliably;
 * the rival (rival.h) can: with the lock's memory made read-only while the test holds the
 * lock, a waiter that only reads never faults, and the first write of one that does not is
 * caught, on every run, whatever the timing.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "kit_check.h"
#include "rival.h"
#include "spinlock.h"

/* Long enough for a thread that is not blocked to get well past where it was: 50 ms. */
static void give_other_threads_time(void)
{
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
}

/* ---- exercise 4 hidden: a waiter only reads the lock while it is held --------------------- */

struct ttas_waiter {
    pthread_t thread;
    struct ttas_spinlock *lock;
    atomic_bool calling;   /* it is about to call ttas_lock */
    atomic_bool entered;   /* ttas_lock returned */
};

static void *wait_for_the_ttas_lock(void *arg)
{
    struct ttas_waiter *waiter = arg;
    atomic_store(&waiter->calling, true);
    ttas_lock(waiter->lock);
    atomic_store(&waiter->entered, true);
    ttas_unlock(waiter->lock);
    return NULL;
}

/* The rival has nothing to do here: that a write to the lock was tried is all the test needs
 * to know, and rival_has_run() says so. The write then goes ahead as it would have. */
__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void nothing_but_notice_the_write(void)
{
}

/* The test takes the lock, makes its memory read-only, and lets another thread wait for it for
 * a while (100 ms: thousands of turns of any spin loop). A waiter that reads until it sees the
 * lock free never writes to it in that time; one that tries an exchange (or a compare-and-swap,
 * which writes even when it fails) while the lock is held is caught at its first try. So is one
 * that tries the exchange once before it starts reading: spinlock.h promises that a waiter
 * tries to take the lock only once it has seen it free. */
START_TEST(ttas_waiter_only_reads_while_the_lock_is_held)
{
    struct ttas_spinlock *lock = rival_memory(sizeof *lock);
    errno = 0;
    int result = ttas_init(lock);
    ck_assert_msg(result == 0, "ttas_init returned %d (errno: %s), expected 0", result,
                  strerror(errno));
    ttas_lock(lock);   /* the test holds the lock from here on */
    rival_arm(lock, sizeof *lock, nothing_but_notice_the_write);

    struct ttas_waiter waiter = { .lock = lock };
    ck_assert_msg(pthread_create(&waiter.thread, NULL, wait_for_the_ttas_lock, &waiter) == 0,
                  "pthread_create failed");
    while (!atomic_load(&waiter.calling))
        sched_yield();
    give_other_threads_time();
    give_other_threads_time();
    bool wrote_while_held = rival_has_run();
    bool entered_early = atomic_load(&waiter.entered);
    ttas_unlock(lock);   /* the test's own write (it may be what lets the rival in, harmlessly) */
    ck_assert_msg(pthread_join(waiter.thread, NULL) == 0, "pthread_join failed");
    rival_release(lock, sizeof *lock);

    ck_assert_msg(!entered_early, "ttas_lock returned in another thread while the test held "
                  "the lock: it must spin until the lock is free");
    ck_assert_msg(!wrote_while_held, "a thread waiting in ttas_lock wrote to the lock while "
                  "another thread held it: that is test-and-set, not test-and-test-and-set. "
                  "Every exchange (or compare-and-swap), even one that fails, is a write that "
                  "takes the lock's cache line from every other core. Wait with atomic_load "
                  "until the lock looks free, and try the exchange only then");
    ck_assert(atomic_load(&waiter.entered));
}
END_TEST

void kit_add_hidden_tests(Suite *suite)
{
    TCase *ttas = kit_tcase("exercise 4 hidden", 0);
    tcase_add_test(ttas, ttas_waiter_only_reads_while_the_lock_is_held);
    suite_add_tcase(suite, ttas);
}
