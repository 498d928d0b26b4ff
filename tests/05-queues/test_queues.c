/* test_queues.c - the tests of lesson 05's exercises.
 *
 * A blocking queue is correct when threads wait when they must, and wake when they may. Timing
 * cannot show either: "the put has not returned after 100 ms" says nothing on a busy machine.
 * So these tests look at state instead. Linux tells what a thread is doing in
 * /proc/self/task/TID/syscall: a thread asleep in a condition wait or on a mutex is in the
 * futex() system call, on an address inside that condition variable or mutex. The tests wait,
 * with sched_yield, until a thread has either returned or is asleep on the object they expect;
 * then they know exactly where it stands.
 *
 * With that, and with the test thread holding the queue's own mutex to freeze everyone at
 * the door, each classic bad interleaving is made to happen on every run: a wake-up whose item
 * another thread takes first, a spurious wake-up, two consumers that both saw one item.
 *
 * That a sleeping thread's futex lies inside its condition variable (and that pthread_join
 * sleeps on the joined thread's descriptor) is how glibc builds them; musl's condition wait,
 * for one, sleeps on a futex of the waiter's own, and a test waiting to see it there would wait
 * until its timeout. So the tests that watch threads sleep run on Linux with glibc only;
 * elsewhere they are left out, and the suite says so before it runs.
 */
#define _GNU_SOURCE   /* gettid() */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kit_check.h"
#include "pool.h"
#include "primes.h"
#include "priority_queue.h"
#include "queue.h"
#include "thread_watch.h"
#include "ring.h"
#include "sync.h"
#include "waits.h"

/* Where a thread is sleeping: thread_watch.h (see the top of this file). */

/* Threads are made and joined with sync.h's thread_create and thread_join, and the test takes
 * the queues' locks with mutex_lock, so that the kit's deadlock watchdog knows every thread and
 * lock: a queue whose threads can never wake fails its test at once, saying who waits for
 * what. The queues' locks and condition variables get names for that report. */
static void open_queue(struct queue *queue, size_t capacity)
{
    queue_init(queue, capacity);
    waits_name(&queue->lock, "the queue's lock");
    waits_name(&queue->not_full, "the queue's not_full");
    waits_name(&queue->not_empty, "the queue's not_empty");
}

static void open_pq(struct priority_queue *pq, size_t capacity)
{
    pq_init(pq, capacity);
    waits_name(&pq->lock, "the priority queue's lock");
    waits_name(&pq->not_empty, "the priority queue's not_empty");
}

/* ---- Threads that make one call each ----------------------------------------------------- */

enum operation { PUT, GET, PQ_GET, CLOSE, PQ_CLOSE };

/* One thread making one call. The thread writes tid first and `returned` last; the test thread
 * reads result and item only after it has seen `returned`. */
struct call {
    enum operation operation;
    struct queue *queue;
    struct priority_queue *pq;
    long item;                /* PUT: the item to put; GET: the item got */
    long priority;            /* PQ_GET: the priority got */
    bool result;
    atomic_int tid;
    atomic_bool returned;
    pthread_t thread;
};

static void *make_call(void *argument)
{
    struct call *call = argument;
    atomic_store(&call->tid, gettid());
    bool result;
    switch (call->operation) {
    case PUT: result = queue_put(call->queue, call->item); break;
    case GET: result = queue_get(call->queue, &call->item); break;
    case CLOSE: queue_close(call->queue); result = true; break;
    case PQ_CLOSE: pq_close(call->pq); result = true; break;
    default: result = pq_get(call->pq, &call->priority, &call->item); break;
    }
    call->result = result;
    atomic_store(&call->returned, true);
    return NULL;
}

/* Starts a thread making the call, and returns once it is running. */
static void start_call(struct call *call, enum operation operation, struct queue *queue,
                       long item)
{
    call->operation = operation;
    call->queue = queue;
    call->item = item;
    call->result = false;
    atomic_init(&call->tid, 0);
    atomic_init(&call->returned, false);
    thread_create(&call->thread, make_call, call);
    while (atomic_load(&call->tid) == 0)
        sched_yield();
}

static void start_pq_get(struct call *call, struct priority_queue *pq)
{
    call->pq = pq;
    start_call(call, PQ_GET, NULL, 0);
}

static void start_pq_close(struct call *call, struct priority_queue *pq)
{
    call->pq = pq;
    start_call(call, PQ_CLOSE, NULL, 0);
}

static bool returned(struct call *call)
{
    return atomic_load(&call->returned);
}

/* Is the caller asleep in a condition wait of its queue (either condition variable)? */
static bool waiting_in_queue(struct call *call)
{
    int tid = atomic_load(&call->tid);
    if (call->operation == PQ_GET)
        return asleep_on(tid, &call->pq->not_empty, sizeof call->pq->not_empty);
    return asleep_on(tid, &call->queue->not_full, sizeof call->queue->not_full) ||
           asleep_on(tid, &call->queue->not_empty, sizeof call->queue->not_empty);
}

/* Waits until the call has returned or sleeps in a condition wait; says which. */
static bool returned_or_waiting(struct call *call)
{
    for (;;) {
        if (returned(call))
            return true;
        if (waiting_in_queue(call))
            return false;
        sched_yield();
    }
}

/* Waits until the call sleeps on its queue's mutex (held by the test) or has returned. */
static void wait_until_at_the_lock(struct call *call)
{
    bool pq = call->operation == PQ_GET || call->operation == PQ_CLOSE;
    pthread_mutex_t *lock = pq ? &call->pq->lock : &call->queue->lock;
    while (!returned(call) && !asleep_on(atomic_load(&call->tid), lock, sizeof *lock))
        sched_yield();
}

/* Joins the call's thread; a macro, so that a deadlock report names the test's own line. */
#define finish_call(call) thread_join((call)->thread)

static size_t count_under_lock(struct queue *queue)
{
    mutex_lock(&queue->lock);
    size_t count = queue->count;
    mutex_unlock(&queue->lock);
    return count;
}

/* ---- exercise 1: the bounded blocking queue ---------------------------------------------- */

START_TEST(queue_hands_items_out_oldest_first)
{
    struct queue queue;
    open_queue(&queue, 4);
    /* Many rounds of three in, three out, so the ring wraps around its four slots. */
    for (long round = 0; round < 10; round++) {
        for (long k = 0; k < 3; k++)
            ck_assert_msg(queue_put(&queue, 10 * round + k), "put into a queue with room "
                          "returned false (round %ld)", round);
        for (long k = 0; k < 3; k++) {
            long item = -1;
            ck_assert_msg(queue_get(&queue, &item), "get from a queue holding items returned "
                          "false (round %ld)", round);
            ck_assert_msg(item == 10 * round + k, "got %ld, expected %ld: oldest first",
                          item, 10 * round + k);
        }
    }
    ck_assert_uint_eq(queue.count, 0);
    queue_destroy(&queue);
}
END_TEST

START_TEST(closed_queue_refuses_puts_and_drains_gets)
{
    struct queue queue;
    open_queue(&queue, 4);
    for (long item = 1; item <= 3; item++)
        ck_assert_msg(queue_put(&queue, item), "put into an open queue returned false");
    queue_close(&queue);
    ck_assert_msg(!queue_put(&queue, 4), "put into a closed queue returned true");
    for (long expected = 1; expected <= 3; expected++) {
        long item = -1;
        ck_assert_msg(queue_get(&queue, &item), "get from a closed queue still holding items "
                      "returned false: items put before the close must still come out");
        ck_assert_int_eq(item, expected);
    }
    long item;
    ck_assert_msg(!queue_get(&queue, &item), "get from a closed, empty queue returned true");
    ck_assert_msg(!queue_get(&queue, &item), "a second get from a closed, empty queue "
                  "returned true");
    queue_close(&queue);   /* closing twice is harmless */
    ck_assert_msg(!queue_put(&queue, 5), "put after a second close returned true");
    queue_destroy(&queue);
}
END_TEST

START_TEST(put_waits_while_the_queue_is_full)
{
    struct queue queue;
    open_queue(&queue, 2);
    ck_assert_msg(queue_put(&queue, 1) && queue_put(&queue, 2), "put into a queue with room "
                  "returned false");
    struct call put;
    start_call(&put, PUT, &queue, 3);
    ck_assert_msg(!returned_or_waiting(&put), "put into a full queue returned (%s) instead of "
                  "waiting for room", put.result ? "true" : "false");
    ck_assert_msg(count_under_lock(&queue) == 2, "a full queue of 2 holds %zu items",
                  count_under_lock(&queue));
    long item = -1;
    ck_assert(queue_get(&queue, &item));
    ck_assert_int_eq(item, 1);
    while (!returned(&put))   /* the get made room: the put must go on now */
        sched_yield();
    finish_call(&put);
    ck_assert_msg(put.result, "the waiting put returned false after a get made room");
    for (long expected = 2; expected <= 3; expected++) {
        ck_assert(queue_get(&queue, &item));
        ck_assert_int_eq(item, expected);
    }
    queue_destroy(&queue);
}
END_TEST

START_TEST(get_waits_while_the_queue_is_empty)
{
    struct queue queue;
    open_queue(&queue, 2);
    struct call get;
    start_call(&get, GET, &queue, 0);
    ck_assert_msg(!returned_or_waiting(&get), "get from an empty, open queue returned (%s) "
                  "instead of waiting for an item", get.result ? "true" : "false");
    ck_assert(queue_put(&queue, 7));
    finish_call(&get);
    ck_assert_msg(get.result && get.item == 7, "the waiting get returned %s with %ld after a "
                  "put of 7", get.result ? "true" : "false", get.item);
    queue_destroy(&queue);
}
END_TEST

/* The test holds the lock and broadcasts with nothing in the queue: a spurious wake-up, which
 * POSIX allows any condition wait to have. The woken get must look again and wait again. */
START_TEST(get_waits_again_after_a_spurious_wakeup)
{
    struct queue queue;
    open_queue(&queue, 2);
    struct call get;
    start_call(&get, GET, &queue, 0);
    ck_assert_msg(!returned_or_waiting(&get), "get from an empty queue did not wait");
    mutex_lock(&queue.lock);
    cond_broadcast(&queue.not_empty);
    wait_until_at_the_lock(&get);   /* woken, and waiting for the mutex we hold */
    mutex_unlock(&queue.lock);
    ck_assert_msg(!returned_or_waiting(&get), "get returned after a wake-up with nothing in "
                  "the queue: a wake-up is a hint, look again (while, not if)");
    ck_assert(queue_put(&queue, 5));
    finish_call(&get);
    ck_assert(get.result && get.item == 5);
    queue_destroy(&queue);
}
END_TEST

/* A stolen wake-up: an item arrives and the waiting get is signalled, but before it has the
 * mutex again a third party takes the item. Here the test thread is both the producer and the
 * thief, inside one hold of the lock, so the theft happens on every run. */
START_TEST(get_waits_again_when_its_item_was_taken_first)
{
    struct queue queue;
    open_queue(&queue, 2);
    struct call get;
    start_call(&get, GET, &queue, 0);
    ck_assert_msg(!returned_or_waiting(&get), "get from an empty queue did not wait");
    mutex_lock(&queue.lock);
    queue_append_locked(&queue, 8);            /* the producer's put... */
    cond_signal(&queue.not_empty);     /* ...and its signal */
    wait_until_at_the_lock(&get);
    ck_assert_int_eq(queue_take_locked(&queue), 8);   /* the thief */
    mutex_unlock(&queue.lock);
    ck_assert_msg(!returned_or_waiting(&get), "get returned although another thread took the "
                  "item it was woken for: look again after every wake-up (while, not if)");
    ck_assert(queue_put(&queue, 9));
    finish_call(&get);
    ck_assert(get.result && get.item == 9);
    ck_assert_uint_eq(count_under_lock(&queue), 0);
    queue_destroy(&queue);
}
END_TEST

START_TEST(put_waits_again_after_a_spurious_wakeup)
{
    struct queue queue;
    open_queue(&queue, 1);
    ck_assert(queue_put(&queue, 1));
    struct call put;
    start_call(&put, PUT, &queue, 2);
    ck_assert_msg(!returned_or_waiting(&put), "put into a full queue did not wait");
    mutex_lock(&queue.lock);
    cond_broadcast(&queue.not_full);
    wait_until_at_the_lock(&put);
    mutex_unlock(&queue.lock);
    ck_assert_msg(!returned_or_waiting(&put), "put returned after a wake-up while the queue "
                  "was still full: look again (while, not if)");
    ck_assert_msg(count_under_lock(&queue) == 1, "a full queue of 1 holds %zu items",
                  count_under_lock(&queue));
    long item;
    ck_assert(queue_get(&queue, &item) && item == 1);
    finish_call(&put);
    ck_assert(put.result);
    ck_assert(queue_get(&queue, &item) && item == 2);
    queue_destroy(&queue);
}
END_TEST

/* One item, two gets, and the test holds the mutex until both have reached it. Exactly one may
 * take the item; the other must wait. A get that checked the count before taking the lock has
 * already decided, on a stale count, that there is an item for it too. */
START_TEST(two_gets_for_one_item_take_it_once)
{
    struct queue queue;
    open_queue(&queue, 2);
    ck_assert(queue_put(&queue, 7));
    struct call gets[2];
    mutex_lock(&queue.lock);
    for (int i = 0; i < 2; i++) {
        start_call(&gets[i], GET, &queue, -1);
        wait_until_at_the_lock(&gets[i]);
    }
    mutex_unlock(&queue.lock);
    bool first_returned = returned_or_waiting(&gets[0]);
    bool second_returned = returned_or_waiting(&gets[1]);
    ck_assert_msg(first_returned != second_returned, "two gets for one item: %s returned "
                  "(one must get the item, the other must wait); is the count read under "
                  "the lock?", first_returned ? "both" : "neither");
    struct call *winner = first_returned ? &gets[0] : &gets[1];
    struct call *waiter = first_returned ? &gets[1] : &gets[0];
    ck_assert_msg(winner->result && winner->item == 7, "the get that returned got %s %ld, "
                  "not the item 7", winner->result ? "item" : "false and", winner->item);
    queue_close(&queue);
    finish_call(waiter);
    ck_assert_msg(!waiter->result, "the other get returned true from a closed, empty queue");
    finish_call(winner);
    queue_destroy(&queue);
}
END_TEST

START_TEST(close_wakes_every_waiting_get)
{
    enum { GETS = 3 };
    struct queue queue;
    open_queue(&queue, 2);
    struct call gets[GETS];
    for (int i = 0; i < GETS; i++) {
        start_call(&gets[i], GET, &queue, 0);
        ck_assert_msg(!returned_or_waiting(&gets[i]), "get from an empty queue did not wait");
    }
    queue_close(&queue);
    /* If close wakes only one (signal), or none, this waits until the test times out. */
    for (int i = 0; i < GETS; i++) {
        finish_call(&gets[i]);
        ck_assert_msg(!gets[i].result, "a get woken by close returned true from an empty queue");
    }
    queue_destroy(&queue);
}
END_TEST

/* The test holds the queue's mutex while another thread closes the queue: close must wait for
 * the mutex before it sets closed. A close without the lock can set it, and broadcast, between
 * a get's look at `closed` and its cond_wait: that get then sleeps for ever (a lost wake-up),
 * but only when the timing is just so. Here it shows on every run, as a change made under
 * the test's lock. */
START_TEST(close_takes_the_lock)
{
    struct queue queue;
    open_queue(&queue, 2);
    struct call get, close;
    start_call(&get, GET, &queue, 0);
    ck_assert_msg(!returned_or_waiting(&get), "get from an empty queue did not wait");
    mutex_lock(&queue.lock);
    start_call(&close, CLOSE, &queue, 0);
    wait_until_at_the_lock(&close);
    bool closed_meanwhile = queue.closed;   /* ours to read: we hold the lock */
    bool returned_meanwhile = returned(&close);
    mutex_unlock(&queue.lock);
    finish_call(&close);
    ck_assert_msg(!closed_meanwhile, "queue_close set closed while another thread held the "
                  "queue's mutex%s: close without the lock can come between a get's check of "
                  "closed and its wait, and that get sleeps for ever. Set closed and broadcast "
                  "with the mutex held", returned_meanwhile ? " (and returned)" : "");
    finish_call(&get);   /* times out if the close woke nobody */
    ck_assert_msg(queue.closed && !get.result, "after queue_close: closed is %s and the "
                  "waiting get returned %s", queue.closed ? "true" : "false",
                  get.result ? "true" : "false");
    queue_destroy(&queue);
}
END_TEST

START_TEST(close_wakes_every_waiting_put)
{
    enum { PUTS = 3 };
    struct queue queue;
    open_queue(&queue, 1);
    ck_assert(queue_put(&queue, 100));
    struct call puts[PUTS];
    for (int i = 0; i < PUTS; i++) {
        start_call(&puts[i], PUT, &queue, i);
        ck_assert_msg(!returned_or_waiting(&puts[i]), "put into a full queue did not wait");
    }
    queue_close(&queue);
    for (int i = 0; i < PUTS; i++) {
        finish_call(&puts[i]);
        ck_assert_msg(!puts[i].result, "a put woken by close returned true: a closed queue "
                      "takes nothing");
    }
    long item;
    ck_assert(queue_get(&queue, &item) && item == 100);
    ck_assert(!queue_get(&queue, &item));
    queue_destroy(&queue);
}
END_TEST

/* Two gets wait on an empty queue of one slot; two puts queue up at the mutex; then all four
 * run. The first put wakes a get, the second finds the queue full and waits: now getters and
 * putters sleep at the same time. With one condition variable for both, a signal meant for a
 * putter can wake the other getter instead, which goes back to sleep, and nobody is left awake
 * to wake anyone: all four hang. With two, every signal reaches the right side. */
START_TEST(getters_and_putters_waiting_at_once_all_finish)
{
    for (int round = 0; round < 20; round++) {
        struct queue queue;
        open_queue(&queue, 1);
        struct call gets[2], puts[2];
        for (int i = 0; i < 2; i++) {
            start_call(&gets[i], GET, &queue, 0);
            ck_assert_msg(!returned_or_waiting(&gets[i]), "get from an empty queue did not "
                          "wait");
        }
        mutex_lock(&queue.lock);
        for (int i = 0; i < 2; i++) {
            start_call(&puts[i], PUT, &queue, 1 + i);
            wait_until_at_the_lock(&puts[i]);
        }
        mutex_unlock(&queue.lock);
        long sum = 0;
        for (int i = 0; i < 2; i++) {
            finish_call(&puts[i]);
            finish_call(&gets[i]);
            ck_assert_msg(puts[i].result && gets[i].result, "round %d: a put or a get returned "
                          "false on an open queue", round);
            sum += gets[i].item;
        }
        ck_assert_msg(sum == 3, "round %d: the gets got items summing to %ld, not 1 + 2",
                      round, sum);
        queue_destroy(&queue);
    }
}
END_TEST

/* Many producers and consumers at once, on queues of 1, 2 and 64 slots. Every item must come
 * out exactly once, and each consumer must see each producer's items in the order they were
 * put: a FIFO queue never lets a later item overtake an earlier one. */
#define STRESS_SIDE 4
#define STRESS_ITEMS 3000    /* per producer (in the plain run, see kit_rounds) */

struct stress_producer {
    struct queue *queue;
    long producer;
    bool refused;
};

struct stress_consumer {
    struct queue *queue;
    long *got;               /* the items it got, in order */
    long count;
};

static void *stress_produce(void *argument)
{
    struct stress_producer *me = argument;
    for (long k = 0; k < kit_rounds(STRESS_ITEMS); k++)
        if (!queue_put(me->queue, me->producer * STRESS_ITEMS + k))
            me->refused = true;
    return NULL;
}

static void *stress_consume(void *argument)
{
    struct stress_consumer *me = argument;
    long item;
    while (queue_get(me->queue, &item))
        if (me->count < STRESS_SIDE * STRESS_ITEMS)
            me->got[me->count++] = item;
    return NULL;
}

START_TEST(many_producers_and_consumers_deliver_every_item_once_in_order)
{
    static const size_t capacities[] = { 1, 2, 64 };
    enum { TOTAL = STRESS_SIDE * STRESS_ITEMS };
    for (size_t c = 0; c < sizeof capacities / sizeof capacities[0]; c++) {
        struct queue queue;
        open_queue(&queue, capacities[c]);
        struct stress_producer producers[STRESS_SIDE];
        struct stress_consumer consumers[STRESS_SIDE];
        pthread_t producer_threads[STRESS_SIDE], consumer_threads[STRESS_SIDE];
        for (int i = 0; i < STRESS_SIDE; i++) {
            consumers[i] = (struct stress_consumer){ &queue, malloc(TOTAL * sizeof(long)), 0 };
            ck_assert_ptr_nonnull(consumers[i].got);
            producers[i] = (struct stress_producer){ &queue, i, false };
            thread_create(&consumer_threads[i], stress_consume, &consumers[i]);
            thread_create(&producer_threads[i], stress_produce, &producers[i]);
        }
        for (int i = 0; i < STRESS_SIDE; i++)
            thread_join(producer_threads[i]);
        queue_close(&queue);
        for (int i = 0; i < STRESS_SIDE; i++)
            thread_join(consumer_threads[i]);

        static unsigned char seen[TOTAL];
        memset(seen, 0, sizeof seen);
        long delivered = 0;
        for (int i = 0; i < STRESS_SIDE; i++) {
            ck_assert_msg(!producers[i].refused, "capacity %zu: a put into an open queue "
                          "returned false", capacities[c]);
            long last[STRESS_SIDE] = { -1, -1, -1, -1 };
            for (long n = 0; n < consumers[i].count; n++) {
                long item = consumers[i].got[n];
                ck_assert_msg(item >= 0 && item < TOTAL, "capacity %zu: a get returned %ld, "
                              "an item nobody put", capacities[c], item);
                ck_assert_msg(!seen[item], "capacity %zu: item %ld came out twice",
                              capacities[c], item);
                seen[item] = 1;
                long producer = item / STRESS_ITEMS;
                ck_assert_msg(item > last[producer], "capacity %zu: a consumer got item %ld "
                              "after %ld of the same producer: out of order", capacities[c],
                              item, last[producer]);
                last[producer] = item;
            }
            delivered += consumers[i].count;
            free(consumers[i].got);
        }
        long put = STRESS_SIDE * kit_rounds(STRESS_ITEMS);
        ck_assert_msg(delivered == put, "capacity %zu: %ld of %ld items came out",
                      capacities[c], delivered, put);
        queue_destroy(&queue);
    }
}
END_TEST

/* ---- exercise 2: the worker pool ---------------------------------------------------------- */

static long twice(long input)
{
    return 2 * input;
}

START_TEST(pool_computes_every_result)
{
    long inputs[64], results[64];
    for (size_t count = 0; count <= 64; count += 7)
        for (unsigned workers = 1; workers <= 5; workers++)
            for (size_t capacity = 1; capacity <= 3; capacity++) {
                for (size_t i = 0; i < count; i++) {
                    inputs[i] = 1000 + (long)i;
                    results[i] = -1;
                }
                ck_assert_msg(pool_run(twice, inputs, results, count, workers, capacity) == 0,
                              "pool_run(%zu jobs, %u workers, capacity %zu) failed: %s", count,
                              workers, capacity, strerror(errno));
                for (size_t i = 0; i < count; i++)
                    ck_assert_msg(results[i] == 2 * inputs[i], "%zu jobs, %u workers, capacity "
                                  "%zu: results[%zu] is %ld, not %ld", count, workers, capacity,
                                  i, results[i], 2 * inputs[i]);
            }
}
END_TEST

START_TEST(pool_finds_the_primes_from_ten_to_the_13)
{
    enum { COUNT = 200 };
    long numbers[COUNT], results[COUNT];
    for (long i = 0; i < COUNT; i++) {
        numbers[i] = FIRST_NUMBER + i;
        results[i] = -1;
    }
    ck_assert_int_eq(pool_run(is_prime, numbers, results, COUNT, 3, 4), 0);
    for (long i = 0; i < COUNT; i++)
        ck_assert_msg(results[i] == is_prime(numbers[i]), "is %ld prime? the pool says %ld",
                      numbers[i], results[i]);
}
END_TEST

START_TEST(pool_rejects_bad_arguments)
{
    long input = 1, result = 0;
    errno = 0;
    ck_assert_msg(pool_run(twice, &input, &result, 1, 0, 4) == -1 && errno == EINVAL,
                  "0 workers: expected -1 with errno EINVAL");
    errno = 0;
    ck_assert_msg(pool_run(twice, &input, &result, 1, POOL_MAX_WORKERS + 1, 4) == -1 &&
                  errno == EINVAL, "too many workers: expected -1 with errno EINVAL");
    errno = 0;
    ck_assert_msg(pool_run(twice, &input, &result, 1, 2, 0) == -1 && errno == EINVAL,
                  "a queue of 0 slots: expected -1 with errno EINVAL");
}
END_TEST

/* Jobs that record which thread ran them, how often, and that meet: the first `workers` jobs
 * each wait until that many jobs are running at once, which only happens if the workers
 * really run side by side, one job each. */
#define POOL_JOBS 400
#define POOL_WORKERS 4

static atomic_int job_runs[POOL_JOBS];
static pthread_t job_thread[POOL_JOBS];
static atomic_int jobs_started;

static long meeting_job(long input)
{
    atomic_fetch_add(&job_runs[input], 1);
    job_thread[input] = pthread_self();
    atomic_fetch_add(&jobs_started, 1);
    if (input < POOL_WORKERS)
        while (atomic_load(&jobs_started) < POOL_WORKERS)
            sched_yield();
    return input + 1;
}

START_TEST(pool_runs_every_job_once_on_its_workers_side_by_side)
{
    for (int round = 0; round < 20; round++) {
        long inputs[POOL_JOBS], results[POOL_JOBS];
        atomic_store(&jobs_started, 0);
        for (long i = 0; i < POOL_JOBS; i++) {
            inputs[i] = i;
            results[i] = -1;
            atomic_store(&job_runs[i], 0);
        }
        ck_assert_int_eq(pool_run(meeting_job, inputs, results, POOL_JOBS, POOL_WORKERS, 2), 0);
        pthread_t threads[POOL_JOBS];
        int thread_count = 0;
        for (long i = 0; i < POOL_JOBS; i++) {
            ck_assert_msg(atomic_load(&job_runs[i]) == 1, "round %d: job %ld ran %d times",
                          round, i, atomic_load(&job_runs[i]));
            ck_assert_msg(results[i] == i + 1, "round %d: results[%ld] is %ld", round, i,
                          results[i]);
            ck_assert_msg(!pthread_equal(job_thread[i], pthread_self()), "round %d: job %ld "
                          "ran on the calling thread, not on a worker", round, i);
            bool known = false;
            for (int t = 0; t < thread_count && !known; t++)
                known = pthread_equal(threads[t], job_thread[i]);
            if (!known)
                threads[thread_count++] = job_thread[i];
        }
        ck_assert_msg(thread_count == POOL_WORKERS, "round %d: %d threads ran the jobs of a "
                      "pool of %d workers", round, thread_count, POOL_WORKERS);
    }
}
END_TEST

/* The last job does not finish until the caller is inside pthread_join waiting for the worker
 * that runs it, or has returned. A pool that returns without joining is caught red-handed:
 * its caller sees a result still missing, because that job is still running. (How the job
 * knows: glibc's pthread_join sleeps in futex() on the tid field of the joined thread's
 * struct pthread, which sits at the address pthread_self() returns on that thread.) */
static atomic_int caller_tid;
static atomic_bool pool_returned, results_checked;
static atomic_int jobs_running;

static long last_job_outlives_a_missing_join(long input)
{
    atomic_fetch_add(&jobs_running, 1);
    if (input == POOL_JOBS - 1) {
        uintptr_t me = (uintptr_t)pthread_self();
        for (;;) {
            if (atomic_load(&pool_returned)) {
                while (!atomic_load(&results_checked))
                    sched_yield();
                break;
            }
            uintptr_t address = futex_address(atomic_load(&caller_tid));
            if (address >= me && address < me + 4096)
                break;   /* the caller is joining this worker */
            sched_yield();
        }
    }
    atomic_fetch_sub(&jobs_running, 1);
    return input + 1;
}

START_TEST(pool_returns_only_after_every_job_is_done_and_joined)
{
    long inputs[POOL_JOBS], results[POOL_JOBS];
    for (long i = 0; i < POOL_JOBS; i++) {
        inputs[i] = i;
        results[i] = -1;
    }
    atomic_store(&caller_tid, gettid());
    int status = pool_run(last_job_outlives_a_missing_join, inputs, results, POOL_JOBS, 3, 2);
    atomic_store(&pool_returned, true);
    int still_running = atomic_load(&jobs_running);
    long missing = 0;
    for (long i = 0; i < POOL_JOBS; i++)
        missing += results[i] != i + 1;
    atomic_store(&results_checked, true);
    ck_assert_msg(status == 0, "pool_run failed: %s", strerror(errno));
    ck_assert_msg(still_running == 0 && missing == 0, "pool_run returned with %d jobs still "
                  "running and %ld results missing: join every worker before returning",
                  still_running, missing);
}
END_TEST

/* ---- exercise 3: the priority queue -------------------------------------------------------- */

/* A small linear congruential generator: the same "random" priorities on every run. */
static unsigned long next_random(unsigned long *state)
{
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    return *state >> 33;
}

START_TEST(pq_hands_out_highest_priority_first_and_ties_in_put_order)
{
    unsigned long state = 42;
    for (size_t size = 1; size <= 80; size++) {
        struct priority_queue pq;
        open_pq(&pq, size);
        long priorities[80];
        for (size_t i = 0; i < size; i++) {
            priorities[i] = (long)(next_random(&state) % 6) - 2;   /* many ties, some < 0 */
            ck_assert_msg(pq_put(&pq, priorities[i], (long)i), "put %zu of %zu returned false",
                          i + 1, size);
        }
        bool seen[80] = { false };
        long last_priority = 0, last_item = -1;
        for (size_t n = 0; n < size; n++) {
            long priority, item;
            ck_assert_msg(pq_get(&pq, &priority, &item), "get %zu of %zu returned false",
                          n + 1, size);
            ck_assert_msg(item >= 0 && (size_t)item < size && !seen[item] &&
                          priorities[item] == priority, "%zu items: got item %ld with priority "
                          "%ld: not one that was put, or twice", size, item, priority);
            seen[item] = true;
            if (n > 0) {
                ck_assert_msg(priority <= last_priority, "%zu items: priority %ld came out "
                              "after %ld: highest first", size, priority, last_priority);
                ck_assert_msg(priority < last_priority || item > last_item, "%zu items: of "
                              "two with priority %ld, item %ld (put later) came out before "
                              "item %ld", size, priority, last_item, item);
            }
            last_priority = priority;
            last_item = item;
        }
        pq_destroy(&pq);
    }
}
END_TEST

START_TEST(pq_refuses_when_full_or_closed_and_drains_after_close)
{
    struct priority_queue pq;
    open_pq(&pq, 3);
    for (long i = 0; i < 3; i++)
        ck_assert_msg(pq_put(&pq, i, 10 + i), "put into a queue with room returned false");
    ck_assert_msg(!pq_put(&pq, 5, 99), "put into a full queue returned true");
    long priority, item;
    ck_assert(pq_get(&pq, &priority, &item));
    ck_assert_msg(priority == 2 && item == 12, "got item %ld (priority %ld), not 12 (2)",
                  item, priority);
    ck_assert_msg(pq_put(&pq, 7, 17), "put after a get made room returned false");
    pq_close(&pq);
    ck_assert_msg(!pq_put(&pq, 9, 19), "put into a closed queue returned true");
    static const long expected[] = { 17, 11, 10 };
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(pq_get(&pq, &priority, &item), "get from a closed queue still holding "
                      "items returned false");
        ck_assert_int_eq(item, expected[i]);
    }
    ck_assert_msg(!pq_get(&pq, &priority, &item), "get from a closed, empty queue returned "
                  "true");
    pq_destroy(&pq);
}
END_TEST

START_TEST(pq_get_waits_and_looks_again_after_a_spurious_wakeup)
{
    struct priority_queue pq;
    open_pq(&pq, 4);
    struct call get;
    start_pq_get(&get, &pq);
    ck_assert_msg(!returned_or_waiting(&get), "get from an empty priority queue returned "
                  "instead of waiting");
    mutex_lock(&pq.lock);
    cond_broadcast(&pq.not_empty);
    wait_until_at_the_lock(&get);
    mutex_unlock(&pq.lock);
    ck_assert_msg(!returned_or_waiting(&get), "get returned after a wake-up with nothing in "
                  "the queue: look again (while, not if)");
    ck_assert(pq_put(&pq, 3, 33));
    finish_call(&get);
    ck_assert_msg(get.result && get.item == 33 && get.priority == 3, "the waiting get did not "
                  "get the item put");
    pq_destroy(&pq);
}
END_TEST

START_TEST(pq_close_wakes_every_waiting_get)
{
    enum { GETS = 3 };
    struct priority_queue pq;
    open_pq(&pq, 4);
    struct call gets[GETS];
    for (int i = 0; i < GETS; i++) {
        start_pq_get(&gets[i], &pq);
        ck_assert_msg(!returned_or_waiting(&gets[i]), "get from an empty priority queue did "
                      "not wait");
    }
    pq_close(&pq);
    for (int i = 0; i < GETS; i++) {
        finish_call(&gets[i]);
        ck_assert(!gets[i].result);
    }
    pq_destroy(&pq);
}
END_TEST

/* As close_takes_the_lock, for the priority queue. */
START_TEST(pq_close_takes_the_lock)
{
    struct priority_queue pq;
    open_pq(&pq, 4);
    struct call get, close;
    start_pq_get(&get, &pq);
    ck_assert_msg(!returned_or_waiting(&get), "get from an empty priority queue did not wait");
    mutex_lock(&pq.lock);
    start_pq_close(&close, &pq);
    wait_until_at_the_lock(&close);
    bool closed_meanwhile = pq.closed;   /* ours to read: we hold the lock */
    bool returned_meanwhile = returned(&close);
    mutex_unlock(&pq.lock);
    finish_call(&close);
    ck_assert_msg(!closed_meanwhile, "pq_close set closed while another thread held the "
                  "queue's mutex%s: close without the lock can come between a get's check of "
                  "closed and its wait, and that get sleeps for ever. Set closed and broadcast "
                  "with the mutex held", returned_meanwhile ? " (and returned)" : "");
    finish_call(&get);   /* times out if the close woke nobody */
    ck_assert_msg(pq.closed && !get.result, "after pq_close: closed is %s and the waiting get "
                  "returned %s", pq.closed ? "true" : "false", get.result ? "true" : "false");
    pq_destroy(&pq);
}
END_TEST

#define PQ_SIDE 4
#define PQ_ITEMS 5000   /* per producer */

struct pq_worker {
    struct priority_queue *pq;
    long number;
    long count;
    bool refused;
    unsigned char *seen;   /* getters: seen[item] counts how often it came out */
};

static void *pq_produce(void *argument)
{
    struct pq_worker *me = argument;
    unsigned long state = (unsigned long)me->number + 1;
    for (long k = 0; k < PQ_ITEMS; k++)
        if (!pq_put(me->pq, (long)(next_random(&state) % 100), me->number * PQ_ITEMS + k))
            me->refused = true;
    return NULL;
}

static void *pq_consume(void *argument)
{
    struct pq_worker *me = argument;
    long priority, item;
    while (pq_get(me->pq, &priority, &item))
        if (item >= 0 && item < PQ_SIDE * PQ_ITEMS) {
            me->seen[item]++;
            me->count++;
        }
    return NULL;
}

START_TEST(pq_many_threads_deliver_every_item_once)
{
    enum { TOTAL = PQ_SIDE * PQ_ITEMS };
    struct priority_queue pq;
    open_pq(&pq, TOTAL);
    struct pq_worker producers[PQ_SIDE], consumers[PQ_SIDE];
    pthread_t producer_threads[PQ_SIDE], consumer_threads[PQ_SIDE];
    for (int i = 0; i < PQ_SIDE; i++) {
        producers[i] = (struct pq_worker){ .pq = &pq, .number = i };
        consumers[i] = (struct pq_worker){ .pq = &pq, .seen = calloc(TOTAL, 1) };
        ck_assert_ptr_nonnull(consumers[i].seen);
        thread_create(&consumer_threads[i], pq_consume, &consumers[i]);
        thread_create(&producer_threads[i], pq_produce, &producers[i]);
    }
    for (int i = 0; i < PQ_SIDE; i++)
        thread_join(producer_threads[i]);
    pq_close(&pq);
    for (int i = 0; i < PQ_SIDE; i++)
        thread_join(consumer_threads[i]);
    for (int i = 0; i < PQ_SIDE; i++)
        ck_assert_msg(!producers[i].refused, "a put into a queue with room returned false");
    for (long item = 0; item < TOTAL; item++) {
        int times = 0;
        for (int i = 0; i < PQ_SIDE; i++)
            times += consumers[i].seen[item];
        ck_assert_msg(times == 1, "item %ld came out %d times", item, times);
    }
    for (int i = 0; i < PQ_SIDE; i++)
        free(consumers[i].seen);
    pq_destroy(&pq);
}
END_TEST

/* ---- given: the primality check and the lock-free ring ------------------------------------ */

START_TEST(is_prime_agrees_with_a_sieve)
{
    enum { LIMIT = 20000 };
    static bool composite[LIMIT];
    for (long n = 2; n * n < LIMIT; n++)
        if (!composite[n])
            for (long m = n * n; m < LIMIT; m += n)
                composite[m] = true;
    for (long n = 0; n < LIMIT; n++)
        ck_assert_msg(is_prime(n) == (n >= 2 && !composite[n]), "is_prime(%ld) = %ld", n,
                      is_prime(n));
    ck_assert(is_prime(100000000003L));              /* 10^11 + 3 */
    ck_assert(!is_prime(FIRST_NUMBER));
    ck_assert(!is_prime(3162277L * 3162277L));       /* a square of a prime near sqrt(10^13) */
}
END_TEST

START_TEST(ring_reports_full_and_empty)
{
    struct ring ring;
    ring_init(&ring, 4);
    long item;
    ck_assert(!ring_pop(&ring, &item));
    for (long round = 0; round < 5; round++) {   /* wraps around the four slots */
        for (long k = 0; k < 4; k++)
            ck_assert(ring_push(&ring, 10 * round + k));
        ck_assert(!ring_push(&ring, 99));
        for (long k = 0; k < 4; k++) {
            ck_assert(ring_pop(&ring, &item));
            ck_assert_int_eq(item, 10 * round + k);
        }
        ck_assert(!ring_pop(&ring, &item));
    }
    ring_destroy(&ring);
}
END_TEST

/* Many items through a ring much smaller than their number, so it fills, empties and wraps
 * around many times. The ring never waits: a full or empty ring is retried after sched_yield.
 * With every core busy a yield can take a whole time slice to come back, so the ring is not
 * tiny: each round trip moves many items. */
#define RING_ITEMS 50000
#define RING_SLOTS 1024

static void *ring_produce(void *argument)
{
    struct ring *ring = argument;
    for (long item = 0; item < RING_ITEMS; item++)
        while (!ring_push(ring, item))
            sched_yield();
    return NULL;
}

START_TEST(ring_passes_every_item_in_order_between_two_threads)
{
    struct ring ring;
    ring_init(&ring, RING_SLOTS);
    pthread_t producer;
    thread_create(&producer, ring_produce, &ring);
    long expected = 0, out_of_order = 0;
    while (expected < RING_ITEMS) {
        long item;
        if (!ring_pop(&ring, &item)) {
            sched_yield();
            continue;
        }
        out_of_order += item != expected;
        expected++;
    }
    thread_join(producer);
    ck_assert_int_eq(out_of_order, 0);
    ring_destroy(&ring);
}
END_TEST

/* The number of tests left out because they watch threads sleep (can_watch_threads_sleep). */
static int left_out;

/* Adds a test that watches where threads sleep, where that can be seen; leaves it out (and
 * counts it) elsewhere. A macro: Check's tests are functions in some versions, structs in
 * others. */
#define add_watching_test(test_case, test) \
    do { \
        if (can_watch_threads_sleep()) \
            tcase_add_test(test_case, test); \
        else \
            left_out++; \
    } while (0)

Suite *kit_suite(void)
{
    Suite *suite = suite_create("05-queues");

    TCase *given = kit_tcase("given", 0);
    tcase_add_test(given, is_prime_agrees_with_a_sieve);
    tcase_add_test(given, ring_reports_full_and_empty);
    tcase_add_test(given, ring_passes_every_item_in_order_between_two_threads);
    suite_add_tcase(suite, given);

    TCase *queue = kit_tcase("exercise 1", 10);
    tcase_add_test(queue, queue_hands_items_out_oldest_first);
    tcase_add_test(queue, closed_queue_refuses_puts_and_drains_gets);
    add_watching_test(queue, put_waits_while_the_queue_is_full);
    add_watching_test(queue, get_waits_while_the_queue_is_empty);
    add_watching_test(queue, get_waits_again_after_a_spurious_wakeup);
    add_watching_test(queue, get_waits_again_when_its_item_was_taken_first);
    add_watching_test(queue, put_waits_again_after_a_spurious_wakeup);
    add_watching_test(queue, two_gets_for_one_item_take_it_once);
    add_watching_test(queue, close_wakes_every_waiting_get);
    add_watching_test(queue, close_wakes_every_waiting_put);
    add_watching_test(queue, close_takes_the_lock);
    add_watching_test(queue, getters_and_putters_waiting_at_once_all_finish);
    tcase_add_test(queue, many_producers_and_consumers_deliver_every_item_once_in_order);
    suite_add_tcase(suite, queue);

    TCase *pool = kit_tcase("exercise 2", 10);
    tcase_add_test(pool, pool_computes_every_result);
    tcase_add_test(pool, pool_finds_the_primes_from_ten_to_the_13);
    tcase_add_test(pool, pool_rejects_bad_arguments);
    tcase_add_test(pool, pool_runs_every_job_once_on_its_workers_side_by_side);
    add_watching_test(pool, pool_returns_only_after_every_job_is_done_and_joined);
    suite_add_tcase(suite, pool);

    TCase *pq = kit_tcase("exercise 3", 10);
    tcase_add_test(pq, pq_hands_out_highest_priority_first_and_ties_in_put_order);
    tcase_add_test(pq, pq_refuses_when_full_or_closed_and_drains_after_close);
    add_watching_test(pq, pq_get_waits_and_looks_again_after_a_spurious_wakeup);
    add_watching_test(pq, pq_close_wakes_every_waiting_get);
    add_watching_test(pq, pq_close_takes_the_lock);
    tcase_add_test(pq, pq_many_threads_deliver_every_item_once);
    suite_add_tcase(suite, pq);

    if (left_out > 0)
        printf("05-queues: %d tests that watch where threads sleep are left out: they need Linux "
               "with glibc, and this is not\n", left_out);
    return suite;
}
