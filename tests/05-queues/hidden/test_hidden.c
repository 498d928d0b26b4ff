/* test_hidden.c - hidden tests of lesson 05: grading runs them, the student edition leaves
 * them out.
 *
 * A put that wakes a getter only when the queue was empty looks like a saving ("nobody waits
 * on a queue that holds items"), and passes every test where the getters loop: some getter
 * that is awake takes the item sooner or later. It is wrong all the same. A getter woken for
 * the first item has not taken it yet when a second put comes; the queue holds an item, the
 * second put wakes nobody, and a second getter sleeps beside an item it may never be woken
 * for. The test makes that happen on every run, with the means of the visible tests: the test
 * thread holds the queue's mutex to line threads up at it, and Linux's /proc/self/task/TID/
 * syscall shows where each one sleeps (so, like them, it runs on Linux with glibc only).
 */
#define _GNU_SOURCE   /* gettid() */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kit_check.h"
#include "queue.h"
#include "sync.h"
#include "../thread_watch.h"   /* the visible tests' helper, one folder up */

/* Where a thread is sleeping: thread_watch.h, as in the visible tests. Threads are made and
 * joined with sync.h's wrappers, and the queue's lock taken with mutex_lock, so that the kit's
 * deadlock watchdog knows them all (as in the visible tests). */

/* ---- Threads that make one call each ----------------------------------------------------- */

/* One thread making one queue_put or queue_get. The thread writes tid first and `returned`
 * last; the test thread reads result and item only after it has seen `returned`. */
struct call {
    bool put;
    struct queue *queue;
    long item;                /* put: the item to put; get: the item got */
    bool result;
    atomic_int tid;
    atomic_bool returned;
    pthread_t thread;
};

static void *make_call(void *argument)
{
    struct call *call = argument;
    atomic_store(&call->tid, gettid());
    bool result = call->put ? queue_put(call->queue, call->item)
                            : queue_get(call->queue, &call->item);
    call->result = result;
    atomic_store(&call->returned, true);
    return NULL;
}

/* Starts a thread making the call, and returns once it is running. */
static void start_call(struct call *call, bool put, struct queue *queue, long item)
{
    call->put = put;
    call->queue = queue;
    call->item = item;
    call->result = false;
    atomic_init(&call->tid, 0);
    atomic_init(&call->returned, false);
    thread_create(&call->thread, make_call, call);
    while (atomic_load(&call->tid) == 0)
        sched_yield();
}

static bool returned(struct call *call)
{
    return atomic_load(&call->returned);
}

static bool waiting_for_an_item(struct call *call)
{
    return asleep_on(atomic_load(&call->tid), &call->queue->not_empty,
                     sizeof call->queue->not_empty);
}

static bool at_the_lock(struct call *call)
{
    return asleep_on(atomic_load(&call->tid), &call->queue->lock, sizeof call->queue->lock);
}

/* Waits until the get has returned or sleeps waiting for an item; says which. */
static bool returned_or_waiting(struct call *call)
{
    for (;;) {
        if (returned(call))
            return true;
        if (waiting_for_an_item(call))
            return false;
        sched_yield();
    }
}

/* Joins the call's thread; a macro, so that a deadlock report names the test's own line. */
#define finish_call(call) thread_join((call)->thread)

/* ---- exercise 1 hidden: every put wakes a getter ----------------------------------------- */

/* Two gets wait on an empty queue. The test holds the mutex while a put of 2 queues up at it,
 * and then plays a producer whose put of 1 comes first: it appends 1 and signals, as a right
 * put does. One get wakes and queues up at the mutex behind the put (a mutex hands itself to
 * the sleepers in the order they came, so the put goes first). Now the put adds 2 to a queue
 * that already holds 1: it must wake the other get, or that get sleeps with 2 in the queue
 * once the first has taken 1. */
START_TEST(put_into_a_queue_holding_items_wakes_a_waiting_get)
{
    struct queue queue;
    queue_init(&queue, 4);
    struct call gets[2], put;
    for (int i = 0; i < 2; i++) {
        start_call(&gets[i], false, &queue, -1);
        ck_assert_msg(!returned_or_waiting(&gets[i]), "get from an empty, open queue returned "
                      "(%s) instead of waiting for an item", gets[i].result ? "true" : "false");
    }
    mutex_lock(&queue.lock);
    start_call(&put, true, &queue, 2);
    while (!returned(&put) && !at_the_lock(&put))
        sched_yield();
    queue_append_locked(&queue, 1);           /* the first producer's put... */
    cond_signal(&queue.not_empty);    /* ...and its signal */
    while (!at_the_lock(&gets[0]) && !at_the_lock(&gets[1]) && !returned(&gets[0]) &&
           !returned(&gets[1]))
        sched_yield();
    struct call *woken = at_the_lock(&gets[0]) || returned(&gets[0]) ? &gets[0] : &gets[1];
    struct call *other = woken == &gets[0] ? &gets[1] : &gets[0];
    mutex_unlock(&queue.lock);

    finish_call(&put);
    ck_assert_msg(put.result, "put into an open queue with room returned false");
    finish_call(woken);
    bool other_returned = returned_or_waiting(other);
    queue_close(&queue);   /* if it still sleeps, this wakes it, so that the test can end */
    finish_call(other);
    ck_assert_msg(other_returned, "a get slept on although the queue held item 2: the put of "
                  "2 came while the queue still held item 1, and woke nobody. Another getter "
                  "may be waiting even when the queue is not empty (one woken for an earlier "
                  "item has not taken it yet): every put must wake one (cond_signal on "
                  "not_empty), not only a put into an empty queue");
    /* Which get took which item is up to the mutex; each must have taken one of the two. */
    ck_assert_msg(woken->result && other->result && woken->item + other->item == 3 &&
                  woken->item != other->item, "the two gets returned %s with %ld and %s with "
                  "%ld, expected items 1 and 2", woken->result ? "true" : "false", woken->item,
                  other->result ? "true" : "false", other->item);
    queue_destroy(&queue);
}
END_TEST

void kit_add_hidden_tests(Suite *suite)
{
    TCase *queue = kit_tcase("exercise 1 hidden", 10);
    if (can_watch_threads_sleep())
        tcase_add_test(queue, put_into_a_queue_holding_items_wakes_a_waiting_get);
    else
        printf("05-queues: 1 hidden test that watches where threads sleep is left out: it "
               "needs Linux with glibc, and this is not\n");
    suite_add_tcase(suite, queue);
}
