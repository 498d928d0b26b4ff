/* test_semaphores.c - the tests of lesson 04's exercises.
 *
 * Nothing here asserts on time. A thread that should be blocked is seen to be blocked through
 * the semaphore's own state (its `waiting` count, read under its lock), after a handshake;
 * jobs that should be bounded are held inside until every thread is either inside or provably
 * blocked, and then counted; a spurious wake-up is made on purpose; and the barrier is checked
 * by every thread, every round, over thousands of rounds. Two tests give a wrong version a
 * moment (20 and 50 ms) to do what it must not; a correct one passes however slow the machine.
 */
#define _GNU_SOURCE   /* syscall() */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "barrier.h"
#include "bounded.h"
#include "counting_semaphore.h"
#include "kit_check.h"
#include "sync.h"
#include "waits.h"

/* ---- Helpers ------------------------------------------------------------------------------ */

static void pause_briefly(void)
{
    struct timespec one_ms = { 0, 1000000 };
    nanosleep(&one_ms, NULL);
}

/* Threads are made and joined with sync.h's thread_create and thread_join, and the test takes
 * the semaphore's lock with mutex_lock, so that the kit's deadlock watchdog knows every thread
 * and lock: a semaphore that deadlocks fails its test at once, saying who waits for whom. The
 * semaphore's lock and condition variable get names for that report. */
static void name_semaphore(struct semaphore *s, const char *what)
{
    waits_name(&s->lock, "%s's lock", what);
    waits_name(&s->available, "%s's available", what);
}

static void open_semaphore(struct semaphore *s, long initial)
{
    semaphore_init(s, initial);
    name_semaphore(s, "the semaphore");
}

static void name_barrier(struct barrier *b)
{
    waits_name(&b->lock, "the barrier's lock");
    name_semaphore(&b->first_turnstile, "the first turnstile");
    name_semaphore(&b->second_turnstile, "the second turnstile");
}

/* The semaphore's state, read under its lock as the contract says. */
static void read_semaphore(struct semaphore *s, long *count, long *waiting)
{
    mutex_lock(&s->lock);
    *count = s->count;
    *waiting = s->waiting;
    mutex_unlock(&s->lock);
}

/* A thread that calls semaphore_wait once and says when it has returned. */
struct waiter {
    struct semaphore *s;
    atomic_bool returned;
};

static void *wait_once(void *arg)
{
    struct waiter *w = arg;
    semaphore_wait(w->s);
    atomic_store(&w->returned, true);
    return NULL;
}

/* Polls until `waiters` threads are counted in s->waiting, or until one of the `count` waiter
 * threads has returned (which a wait on an empty semaphore must not). Returns false in that
 * case. A test that never gets there times out: then semaphore_wait never counts itself in. */
static bool until_blocked(struct semaphore *s, long waiters, struct waiter *w, int count)
{
    for (;;) {
        for (int i = 0; i < count; i++)
            if (atomic_load(&w[i].returned))
                return false;
        long c, waiting;
        read_semaphore(s, &c, &waiting);
        if (waiting == waiters)
            return true;
        pause_briefly();
    }
}

/* Polls until `expected` of the waiter threads have returned. */
static void until_returned(struct waiter *w, int count, int expected)
{
    for (;;) {
        int returned = 0;
        for (int i = 0; i < count; i++)
            returned += atomic_load(&w[i].returned);
        if (returned >= expected)
            return;
        pause_briefly();
    }
}

static int returned_count(struct waiter *w, int count)
{
    int returned = 0;
    for (int i = 0; i < count; i++)
        returned += atomic_load(&w[i].returned);
    return returned;
}

/* Waits until `returned` is set, or until thread `tid` sleeps on `lock`, which the caller
 * holds. On Linux with glibc a thread blocked on a mutex is in futex() on the mutex's own
 * address, and /proc/self/task/TID/syscall shows it (as in lesson 05's tests): no timing at all.
 * Elsewhere the thread is given 50 ms to return or to change what the lock guards. */
static void until_returned_or_at_the_lock(atomic_bool *returned, int tid, pthread_mutex_t *lock)
{
#if defined(__linux__) && defined(__GLIBC__)
    for (;;) {
        if (atomic_load(returned))
            return;
        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
        FILE *file = fopen(path, "r");
        if (file == NULL)
            return;   /* the thread has ended */
        bool read = fgets(line, sizeof line, file) != NULL;
        fclose(file);
        long number;
        unsigned long address;
        if (read && sscanf(line, "%ld %lx", &number, &address) == 2 && number == SYS_futex &&
            address >= (uintptr_t)lock && address < (uintptr_t)lock + sizeof *lock)
            return;
        sched_yield();
    }
#else
    (void)tid;
    (void)lock;
    for (int i = 0; i < 50 && !atomic_load(returned); i++)
        pause_briefly();
#endif
}

/* ---- exercise 1: the semaphore ------------------------------------------------------------ */

START_TEST(trywait_takes_only_what_is_there)
{
    struct semaphore s;
    open_semaphore(&s, 2);
    ck_assert_msg(semaphore_trywait(&s), "trywait on a semaphore at 2 must take a unit");
    ck_assert_msg(semaphore_trywait(&s), "trywait on a semaphore at 1 must take a unit");
    ck_assert_int_eq(s.count, 0);
    ck_assert_msg(!semaphore_trywait(&s), "trywait on a semaphore at 0 must return false");
    ck_assert_msg(s.count == 0, "a trywait that failed left the count at %ld, not 0: it must "
                  "not change the count", s.count);
    ck_assert_msg(!semaphore_trywait(&s), "a second trywait at 0 must return false too");
    ck_assert_msg(s.count == 0, "two failed trywaits left the count at %ld, not 0", s.count);
    semaphore_post(&s);
    ck_assert_msg(semaphore_trywait(&s), "trywait after a post must take the posted unit");
    ck_assert_int_eq(s.count, 0);
    semaphore_destroy(&s);
}
END_TEST

START_TEST(post_adds_a_unit_and_wait_takes_one)
{
    struct semaphore s;
    open_semaphore(&s, 0);
    for (int i = 1; i <= 3; i++) {
        semaphore_post(&s);
        ck_assert_msg(s.count == i, "after %d posts the count is %ld", i, s.count);
    }
    for (int i = 2; i >= 0; i--) {
        semaphore_wait(&s);   /* a unit is there each time: this must not block */
        ck_assert_msg(s.count == i, "a wait on a semaphore at %d left %ld", i + 1, s.count);
    }
    ck_assert_int_eq(s.waiting, 0);
    semaphore_destroy(&s);
}
END_TEST

START_TEST(wait_blocks_until_a_post)
{
    struct semaphore s;
    open_semaphore(&s, 0);
    struct waiter w = { &s, false };
    pthread_t thread;
    thread_create(&thread, wait_once, &w);
    ck_assert_msg(until_blocked(&s, 1, &w, 1),
                  "semaphore_wait returned on a semaphore at 0, with no post");
    long count, waiting;
    read_semaphore(&s, &count, &waiting);
    ck_assert_msg(count == 0, "while a thread waits on an empty semaphore the count is %ld",
                  count);
    semaphore_post(&s);   /* must wake it: if not, the join below times out */
    thread_join(thread);
    read_semaphore(&s, &count, &waiting);
    ck_assert_msg(count == 0 && waiting == 0, "after the woken wait returned: count %ld, "
                  "waiting %ld (0 and 0 are right)", count, waiting);
    semaphore_destroy(&s);
}
END_TEST

#define WAITERS 4

START_TEST(each_post_releases_one_waiter)
{
    struct semaphore s;
    open_semaphore(&s, 0);
    struct waiter w[WAITERS];
    pthread_t threads[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        w[i] = (struct waiter){ &s, false };
        thread_create(&threads[i], wait_once, &w[i]);
    }
    ck_assert_msg(until_blocked(&s, WAITERS, w, WAITERS),
                  "semaphore_wait returned on a semaphore at 0, with no post");
    /* Two posts in a row, before either woken thread has run: both must wake someone. */
    semaphore_post(&s);
    semaphore_post(&s);
    until_returned(w, WAITERS, 2);   /* times out if a post woke nobody */
    long count, waiting;
    for (;;) {   /* the two released threads leave; the other two stay */
        read_semaphore(&s, &count, &waiting);
        if (waiting == WAITERS - 2)
            break;
        pause_briefly();
    }
    ck_assert_msg(returned_count(w, WAITERS) == 2 && count == 0,
                  "two posts released %d waiters and left the count at %ld (2 and 0 are right)",
                  returned_count(w, WAITERS), count);
    semaphore_post(&s);
    semaphore_post(&s);
    for (int i = 0; i < WAITERS; i++)
        thread_join(threads[i]);
    read_semaphore(&s, &count, &waiting);
    ck_assert_msg(count == 0 && waiting == 0, "four posts to four waiters left count %ld, "
                  "waiting %ld", count, waiting);

    /* Again, twenty times: four posts back to back, each of which must wake a waiter even if
     * the one woken before has not taken its unit yet. If one wakes nobody, a waiter sleeps
     * on with a unit free, and the join times out. */
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < WAITERS; i++) {
            w[i] = (struct waiter){ &s, false };
            thread_create(&threads[i], wait_once, &w[i]);
        }
        ck_assert_msg(until_blocked(&s, WAITERS, w, WAITERS),
                      "semaphore_wait returned on a semaphore at 0, with no post");
        for (int i = 0; i < WAITERS; i++)
            semaphore_post(&s);
        for (int i = 0; i < WAITERS; i++)
            thread_join(threads[i]);
    }
    semaphore_destroy(&s);
}
END_TEST

/* POSIX lets a condition wait return with nobody having signalled (a spurious wake-up), and
 * a woken thread may find that another took the unit first. The test makes the first happen on
 * purpose, with a broadcast on the semaphore's own condition variable while the count is 0: the
 * waiter must check the count again and go back to waiting. */
START_TEST(wait_survives_a_spurious_wakeup)
{
    struct semaphore s;
    open_semaphore(&s, 0);
    struct waiter w = { &s, false };
    pthread_t thread;
    thread_create(&thread, wait_once, &w);
    ck_assert_msg(until_blocked(&s, 1, &w, 1),
                  "semaphore_wait returned on a semaphore at 0, with no post");
    for (int i = 0; i < 20; i++) {   /* twenty wake-ups with no unit for the waiter */
        mutex_lock(&s.lock);
        cond_broadcast(&s.available);
        mutex_unlock(&s.lock);
        pause_briefly();
    }
    /* The waiter woke (if it was asleep) and had every chance to run. */
    long count, waiting;
    read_semaphore(&s, &count, &waiting);
    ck_assert_msg(!atomic_load(&w.returned) && count == 0,
                  "after a wake-up with no unit posted, the waiter %s and the count is %ld: "
                  "does it check the count in a while loop, not an if?",
                  atomic_load(&w.returned) ? "returned" : "still waits", count);
    semaphore_post(&s);
    thread_join(thread);
    semaphore_destroy(&s);
}
END_TEST

/* Used as a lock (started at 1), the semaphore must never let two threads in at once. */
#define LOCKERS 4
#define LOCKER_ROUNDS 20000

struct locker {
    struct semaphore *s;
    atomic_int *inside;
    atomic_int *most_inside;
    long *shared_total;   /* guarded by the semaphore, not atomic on purpose */
};

static void *lock_many_times(void *arg)
{
    struct locker *l = arg;
    for (int i = 0; i < kit_rounds(LOCKER_ROUNDS); i++) {
        semaphore_wait(l->s);
        int now = atomic_fetch_add(l->inside, 1) + 1;
        if (now > atomic_load(l->most_inside))
            atomic_store(l->most_inside, now);
        (*l->shared_total)++;
        atomic_fetch_sub(l->inside, 1);
        semaphore_post(l->s);
    }
    return NULL;
}

START_TEST(semaphore_at_one_excludes_under_contention)
{
    struct semaphore s;
    open_semaphore(&s, 1);
    /* First, on this thread: a semaphore at 1 is a free lock; taken, it is held. */
    ck_assert_msg(semaphore_trywait(&s), "trywait on a semaphore at 1 must take the unit");
    ck_assert_msg(!semaphore_trywait(&s), "trywait on a semaphore at 0 must return false");
    semaphore_post(&s);
    atomic_int inside = 0, most_inside = 0;
    long total = 0;
    struct locker l = { &s, &inside, &most_inside, &total };
    pthread_t threads[LOCKERS];
    for (int t = 0; t < LOCKERS; t++)
        thread_create(&threads[t], lock_many_times, &l);
    for (int t = 0; t < LOCKERS; t++)
        thread_join(threads[t]);
    long expected = LOCKERS * kit_rounds(LOCKER_ROUNDS);
    ck_assert_msg(atomic_load(&most_inside) == 1 && total == expected,
                  "a semaphore at 1 let %d threads in at once; total %ld of %ld",
                  atomic_load(&most_inside), total, expected);
    ck_assert_msg(s.count == 1 && s.waiting == 0, "at the end: count %ld (1 is right), "
                  "waiting %ld", s.count, s.waiting);
    semaphore_destroy(&s);
}
END_TEST

/* One call on a thread of its own, made while the test holds the semaphore's lock. */
enum sem_operation { SEM_POST, SEM_TRYWAIT, SEM_WAIT };

struct sem_call {
    struct semaphore *s;
    enum sem_operation operation;
    bool took;                /* SEM_TRYWAIT: what it returned */
    atomic_int tid;
    atomic_bool returned;
};

static void *make_sem_call(void *arg)
{
    struct sem_call *call = arg;
#ifdef SYS_gettid
    atomic_store(&call->tid, (int)syscall(SYS_gettid));
#else
    atomic_store(&call->tid, 1);   /* not looked at: no thread ids to watch */
#endif
    if (call->operation == SEM_POST)
        semaphore_post(call->s);
    else if (call->operation == SEM_TRYWAIT)
        call->took = semaphore_trywait(call->s);
    else
        semaphore_wait(call->s);
    atomic_store(&call->returned, true);
    return NULL;
}

/* The test holds s->lock while another thread calls post, trywait or wait. Each must take the
 * lock before it touches the count, so the count stays as it was until the test lets go: the
 * thread is asleep on the mutex, or (a trywait that gives up when the lock is busy) has
 * returned without taking anything. One that reads or writes the count without the lock is
 * a data race that a test of many calls catches only by chance; here it shows on every run.
 * No timing on Linux with glibc: the test waits until the thread has returned or sleeps on
 * the mutex (until_returned_or_at_the_lock). */
static void check_call_waits_for_the_lock(enum sem_operation operation, const char *name,
                                          long initial)
{
    struct semaphore s;
    open_semaphore(&s, initial);
    struct sem_call call = { .s = &s, .operation = operation };
    pthread_t thread;
    mutex_lock(&s.lock);
    thread_create(&thread, make_sem_call, &call);
    while (atomic_load(&call.tid) == 0)
        sched_yield();
    until_returned_or_at_the_lock(&call.returned, atomic_load(&call.tid), &s.lock);
    long count_meanwhile = s.count;   /* ours to read: we hold the lock */
    bool returned_early = atomic_load(&call.returned);
    mutex_unlock(&s.lock);
    thread_join(thread);
    ck_assert_msg(count_meanwhile == initial, "%s changed the count from %ld to %ld while "
                  "another thread held s->lock%s: read and change s->count only with s->lock "
                  "held", name, initial, count_meanwhile, returned_early ? ", and returned" : "");
    long count, waiting;
    read_semaphore(&s, &count, &waiting);
    if (operation == SEM_POST)
        ck_assert_msg(count == initial + 1, "a post on a semaphore at %ld left the count at "
                      "%ld", initial, count);
    else if (operation == SEM_TRYWAIT)
        ck_assert_msg(call.took ? count == initial - 1 : count == initial, "trywait on a "
                      "semaphore at %ld returned %s and left the count at %ld", initial,
                      call.took ? "true" : "false", count);
    else
        ck_assert_msg(count == initial - 1 && waiting == 0, "a wait on a semaphore at %ld left "
                      "count %ld, waiting %ld", initial, count, waiting);
    semaphore_destroy(&s);
}

START_TEST(post_trywait_and_wait_take_the_lock)
{
    check_call_waits_for_the_lock(SEM_POST, "semaphore_post", 0);
    check_call_waits_for_the_lock(SEM_POST, "semaphore_post", 2);
    check_call_waits_for_the_lock(SEM_TRYWAIT, "semaphore_trywait", 1);
    check_call_waits_for_the_lock(SEM_WAIT, "semaphore_wait", 1);
}
END_TEST

/* trywait runs on a thread of its own, so that a trywait that blocks shows as a timeout here
 * and not as a hung test runner. */
struct try_result {
    struct semaphore *s;
    bool took;
};

static void *try_once(void *arg)
{
    struct try_result *r = arg;
    r->took = semaphore_trywait(r->s);
    return NULL;
}

START_TEST(trywait_never_blocks)
{
    struct semaphore s;
    open_semaphore(&s, 1);
    struct try_result first = { &s, false }, second = { &s, true };
    pthread_t thread;
    thread_create(&thread, try_once, &first);
    thread_join(thread);
    ck_assert_msg(first.took, "trywait on a semaphore at 1 must take a unit");
    thread_create(&thread, try_once, &second);
    thread_join(thread);   /* times out if trywait waits for a post */
    ck_assert_msg(!second.took && s.count == 0, "trywait at 0 returned %s and left count %ld",
                  second.took ? "true" : "false", s.count);
    semaphore_destroy(&s);
}
END_TEST

/* ---- exercise 2: at most K jobs in flight ------------------------------------------------- */

static long square_plus_one(long x)
{
    return x * x + 1;
}

START_TEST(bounded_computes_every_result)
{
    static const struct { size_t count; unsigned limit; } cases[] = {
        { 1, 1 }, { 5, 1 }, { 10, 3 }, { 7, 7 }, { 4, 10 }, { 50, 8 }, { 0, 2 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        long inputs[50], results[50];
        for (size_t i = 0; i < cases[c].count; i++) {
            inputs[i] = (long)i * 7 - 20;
            results[i] = -1;
        }
        struct semaphore slots;
        name_semaphore(&slots, "the slots semaphore");
        int status = run_bounded(square_plus_one, inputs, results, cases[c].count,
                                 cases[c].limit, &slots);
        ck_assert_msg(status == 0, "run_bounded(%zu jobs, limit %u) returned %d (errno %d)",
                      cases[c].count, cases[c].limit, status, errno);
        for (size_t i = 0; i < cases[c].count; i++)
            ck_assert_msg(results[i] == square_plus_one(inputs[i]),
                          "%zu jobs, limit %u: result %zu is %ld, not %ld", cases[c].count,
                          cases[c].limit, i, results[i], square_plus_one(inputs[i]));
    }
    struct semaphore slots;
    long input = 1, result = 0;
    errno = 0;
    ck_assert_msg(run_bounded(square_plus_one, &input, &result, 1, 0, &slots) == -1 &&
                  errno == EINVAL, "run_bounded with limit 0 must return -1 with errno EINVAL");
}
END_TEST

/* Jobs that stay inside until the test lets them go, and count themselves in and out. */
static atomic_long jobs_inside, most_inside, jobs_done;
static atomic_bool gate_open;

static long held_job(long x)
{
    long now = atomic_fetch_add(&jobs_inside, 1) + 1;
    long most = atomic_load(&most_inside);
    while (now > most && !atomic_compare_exchange_weak(&most_inside, &most, now))
        ;
    while (!atomic_load(&gate_open))
        sched_yield();
    atomic_fetch_sub(&jobs_inside, 1);
    atomic_fetch_add(&jobs_done, 1);
    return x;
}

struct bounded_run {
    long inputs[16], results[16];
    size_t count;
    unsigned limit;
    struct semaphore slots;
    int status, error;      /* what run_bounded returned, and errno then */
    atomic_bool returned;   /* run_bounded has returned */
};

static void *run_in_background(void *arg)
{
    struct bounded_run *run = arg;
    name_semaphore(&run->slots, "the slots semaphore");
    run->status = run_bounded(held_job, run->inputs, run->results, run->count, run->limit,
                              &run->slots);
    run->error = errno;
    atomic_store(&run->returned, true);
    return NULL;
}

/* Holds `count` jobs with limit K until every thread is either inside a job or blocked in
 * the semaphore with no unit free. Nothing can move then, so what the test counts is exactly
 * what the semaphore lets in: no more, and no fewer, than K. */
static void check_exactly_limit_inside(size_t count, unsigned limit)
{
    static struct bounded_run run;
    run.count = count;
    run.limit = limit;
    run.status = -2;
    atomic_store(&run.returned, false);
    for (size_t i = 0; i < count; i++)
        run.inputs[i] = (long)i;
    atomic_store(&jobs_inside, 0);
    atomic_store(&most_inside, 0);
    atomic_store(&jobs_done, 0);
    atomic_store(&gate_open, false);
    pthread_t runner;
    thread_create(&runner, run_in_background, &run);
    /* A job inside means run_bounded has initialised the semaphore: it may be read now. */
    while (atomic_load(&jobs_inside) == 0) {
        if (atomic_load(&run.returned)) {
            thread_join(runner);
            ck_abort_msg("run_bounded returned %d (errno %d) with its jobs still held, before "
                         "any of them ran", run.status, run.error);
        }
        pause_briefly();
    }
    long inside, free_units, waiting;
    for (;;) {
        read_semaphore(&run.slots, &free_units, &waiting);
        inside = atomic_load(&jobs_inside);
        /* Every thread is inside or blocked, and no unit is free (or nobody is left to take
         * one): nothing can change any more. */
        if (inside + waiting == (long)count && (free_units == 0 || waiting == 0))
            break;
        pause_briefly();
    }
    atomic_store(&gate_open, true);
    thread_join(runner);
    ck_assert_msg(inside == (long)limit, "%zu jobs with limit %u: %ld were inside at once while "
                  "%ld waited (%u inside is right): does the semaphore start at the limit?",
                  count, limit, inside, waiting, limit);
    ck_assert_msg(run.status == 0, "run_bounded returned %d", run.status);
    ck_assert_msg(atomic_load(&most_inside) == (long)limit &&
                  atomic_load(&jobs_done) == (long)count,
                  "%zu jobs with limit %u: at most %ld were ever inside, %ld ran", count, limit,
                  atomic_load(&most_inside), atomic_load(&jobs_done));
}

START_TEST(bounded_lets_exactly_limit_jobs_in)
{
    check_exactly_limit_inside(10, 3);
    check_exactly_limit_inside(6, 1);
    check_exactly_limit_inside(9, 8);
    check_exactly_limit_inside(16, 5);
}
END_TEST

/* Quick jobs, many runs: at no moment more than K inside, and each slot given back. */
static atomic_long quick_inside, quick_most;

static long quick_job(long x)
{
    long now = atomic_fetch_add(&quick_inside, 1) + 1;
    long most = atomic_load(&quick_most);
    while (now > most && !atomic_compare_exchange_weak(&quick_most, &most, now))
        ;
    sched_yield();   /* let another thread try to get in meanwhile */
    atomic_fetch_sub(&quick_inside, 1);
    return x + 1;
}

START_TEST(bounded_never_lets_more_than_limit_in)
{
    for (int round = 0; round < kit_rounds(100); round++) {
        long inputs[12], results[12];
        for (int i = 0; i < 12; i++)
            inputs[i] = i;
        atomic_store(&quick_most, 0);
        struct semaphore slots;
        name_semaphore(&slots, "the slots semaphore");
        int status = run_bounded(quick_job, inputs, results, 12, 2, &slots);
        ck_assert_msg(status == 0, "run_bounded(12 jobs, limit 2) returned %d (errno %d)",
                      status, errno);
        ck_assert_msg(atomic_load(&quick_most) <= 2, "round %d: %ld jobs ran at once with "
                      "limit 2", round, atomic_load(&quick_most));
        for (int i = 0; i < 12; i++)
            ck_assert_int_eq(results[i], i + 1);
    }
}
END_TEST

/* ---- exercise 3: the barrier -------------------------------------------------------------- */

struct barrier_waiter {
    struct barrier *b;
    atomic_bool returned;
};

static void *pass_barrier_once(void *arg)
{
    struct barrier_waiter *w = arg;
    barrier_wait(w->b);
    atomic_store(&w->returned, true);
    return NULL;
}

START_TEST(barrier_holds_everyone_until_the_last_arrives)
{
    struct barrier b;
    barrier_init(&b, 3);
    name_barrier(&b);
    struct barrier_waiter w[3];
    pthread_t threads[3];
    for (int i = 0; i < 2; i++) {
        w[i] = (struct barrier_waiter){ &b, false };
        thread_create(&threads[i], pass_barrier_once, &w[i]);
    }
    /* Both early threads are blocked in the first turnstile: nothing can move until a third
     * thread arrives. */
    for (;;) {
        ck_assert_msg(!atomic_load(&w[0].returned) && !atomic_load(&w[1].returned),
                      "a thread left a barrier for 3 when only 2 had arrived");
        long count, waiting;
        read_semaphore(&b.first_turnstile, &count, &waiting);
        if (waiting == 2)
            break;
        pause_briefly();
    }
    w[2] = (struct barrier_waiter){ &b, false };
    thread_create(&threads[2], pass_barrier_once, &w[2]);
    for (int i = 0; i < 3; i++)
        thread_join(threads[i]);   /* times out if the barrier never opens */
    ck_assert_msg(b.arrived == 0 && b.first_turnstile.count == 0 && b.second_turnstile.count == 0,
                  "after one round the barrier is not idle again: arrived %d, turnstiles at "
                  "%ld and %ld (0, 0, 0 are right)", b.arrived, b.first_turnstile.count,
                  b.second_turnstile.count);
    barrier_destroy(&b);
}
END_TEST

#define MAX_ROUND_THREADS 6

struct rounds {
    struct barrier barrier;
    int threads, rounds;
    atomic_int finished[MAX_ROUND_THREADS];   /* rounds each thread has finished */
    atomic_int early;        /* a thread left round r before everyone had finished it */
    atomic_int ahead;        /* a thread found another two rounds ahead of it */
    atomic_int done;         /* threads that have stopped */
};

struct round_worker {
    struct rounds *r;
    int me;
};

static void *work_in_rounds(void *arg)
{
    struct round_worker *w = arg;
    struct rounds *r = w->r;
    for (int round = 1; round <= r->rounds; round++) {
        if (atomic_load(&r->early) > 0 || atomic_load(&r->ahead) > 0)
            break;   /* the barrier is broken: stop, so the test can say how */
        atomic_store(&r->finished[w->me], round);
        barrier_wait(&r->barrier);
        for (int t = 0; t < r->threads; t++) {
            int theirs = atomic_load(&r->finished[t]);
            if (theirs < round)
                atomic_fetch_add(&r->early, 1);
            if (theirs > round + 1)
                atomic_fetch_add(&r->ahead, 1);
        }
    }
    atomic_fetch_add(&r->done, 1);
    return NULL;
}

static void check_rounds(int threads, int rounds)
{
    static struct rounds r;
    barrier_init(&r.barrier, threads);
    name_barrier(&r.barrier);
    r.threads = threads;
    r.rounds = (int)kit_rounds(rounds);
    atomic_store(&r.early, 0);
    atomic_store(&r.ahead, 0);
    atomic_store(&r.done, 0);
    struct round_worker workers[MAX_ROUND_THREADS];
    pthread_t ids[MAX_ROUND_THREADS];
    for (int t = 0; t < threads; t++) {
        atomic_store(&r.finished[t], 0);
        workers[t] = (struct round_worker){ &r, t };
        thread_create(&ids[t], work_in_rounds, &workers[t]);
    }
    /* A broken barrier may also leave threads stuck: then fail with what was seen, rather
     * than wait for them. */
    while (atomic_load(&r.done) < threads && atomic_load(&r.early) == 0 &&
           atomic_load(&r.ahead) == 0)
        pause_briefly();
    ck_assert_msg(atomic_load(&r.early) == 0 && atomic_load(&r.ahead) == 0,
                  "%d threads, %d rounds: %d times a thread left a round before everyone had "
                  "finished it, %d times one was found two rounds ahead", threads, rounds,
                  atomic_load(&r.early), atomic_load(&r.ahead));
    for (int t = 0; t < threads; t++)
        thread_join(ids[t]);
    ck_assert_msg(r.barrier.arrived == 0, "after the last round arrived is %d, not 0",
                  r.barrier.arrived);
    barrier_destroy(&r.barrier);
}

/* While the test holds the barrier's lock, threads that arrive must wait for it before they
 * count themselves in: `arrived` may change only under the lock. A version that counts outside
 * the lock loses an arrival now and then when two threads count at once (then the barrier
 * never opens); here it is caught every time, because the count moves under the held lock. */
START_TEST(barrier_counts_arrivals_under_its_lock)
{
    struct barrier b;
    barrier_init(&b, 3);
    name_barrier(&b);
    struct barrier_waiter w[3];
    pthread_t threads[3];
    mutex_lock(&b.lock);
    for (int i = 0; i < 3; i++) {
        w[i] = (struct barrier_waiter){ &b, false };
        thread_create(&threads[i], pass_barrier_once, &w[i]);
    }
    int seen = 0, returned = 0;
    for (int i = 0; i < 50 && seen == 0 && returned == 0; i++) {   /* every chance to count */
        seen = b.arrived;
        returned = atomic_load(&w[0].returned) + atomic_load(&w[1].returned) +
                   atomic_load(&w[2].returned);
        pause_briefly();
    }
    mutex_unlock(&b.lock);
    ck_assert_msg(seen == 0 && returned == 0, "while the test held the barrier's lock, arrived "
                  "went from 0 to %d and %d threads left the barrier (0 and 0 are right): is "
                  "arrived counted outside the lock?", seen, returned);
    for (int i = 0; i < 3; i++)
        thread_join(threads[i]);
    ck_assert_msg(atomic_load(&w[0].returned) && b.arrived == 0,
                  "after one round through a barrier for 3, arrived is %d, not 0", b.arrived);
    barrier_destroy(&b);
}
END_TEST

START_TEST(barrier_keeps_rounds_apart)
{
    check_rounds(2, 3000);
    check_rounds(4, 3000);
    check_rounds(6, 1000);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("04-semaphores");

    TCase *semaphore = kit_tcase("exercise 1", 10);
    tcase_add_test(semaphore, trywait_takes_only_what_is_there);
    tcase_add_test(semaphore, post_adds_a_unit_and_wait_takes_one);
    tcase_add_test(semaphore, wait_blocks_until_a_post);
    tcase_add_test(semaphore, each_post_releases_one_waiter);
    tcase_add_test(semaphore, wait_survives_a_spurious_wakeup);
    tcase_add_test(semaphore, semaphore_at_one_excludes_under_contention);
    tcase_add_test(semaphore, trywait_never_blocks);
    tcase_add_test(semaphore, post_trywait_and_wait_take_the_lock);
    suite_add_tcase(suite, semaphore);

    TCase *bounded = kit_tcase("exercise 2", 10);
    tcase_add_test(bounded, bounded_computes_every_result);
    tcase_add_test(bounded, bounded_lets_exactly_limit_jobs_in);
    tcase_add_test(bounded, bounded_never_lets_more_than_limit_in);
    suite_add_tcase(suite, bounded);

    TCase *barrier = kit_tcase("exercise 3", 10);
    tcase_add_test(barrier, barrier_holds_everyone_until_the_last_arrives);
    tcase_add_test(barrier, barrier_counts_arrivals_under_its_lock);
    tcase_add_test(barrier, barrier_keeps_rounds_apart);
    suite_add_tcase(suite, barrier);

    return suite;
}
