/* pool.c - worker threads for an event loop, and how they wake it up.
 *
 * The reference solution of exercise 4: pool_worker() and pool_collect().
 */
#define _GNU_SOURCE   /* eventfd() is Linux's, declared only with _GNU_SOURCE */
#include "pool.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "connection.h"
#include "servers.h"
#include "sync.h"
#include "trace.h"

/* Each worker: take a job, compute it, queue it back, wake the loop. */
static void *pool_worker(void *argument)
{
    struct pool *pool = argument;
    trace_name_thread("worker");
    long slot;
    /* queue_get returns false once the queue is closed and empty: pool_stop() was called. */
    while (queue_get(&pool->todo, &slot)) {
        struct job *job = &pool->jobs[slot];
        trace_begin("fib(%ld)", job->n);
        job->value = pool->compute(job->n);
        trace_end();
        /* Never blocks: at most `capacity` jobs exist, and `done` has room for all. */
        queue_put(&pool->done, slot);
        /* The loop sleeps in epoll_wait and knows nothing of the queue. Adding to the eventfd
         * makes it readable, which wakes the loop. Put first, then wake: when the loop reads
         * the count, the jobs it counts are already in `done`. */
        uint64_t one = 1;
        if (write(pool->wake_fd, &one, sizeof one) != sizeof one) {
            perror("pool_worker: write eventfd");
            exit(1);
        }
    }
    return NULL;
}

size_t pool_collect(struct pool *pool, void (*resume)(struct connection *c, void *context),
                    void *context)
{
    /* Reading an eventfd returns the count and sets it back to 0: one read takes every wake-up
     * since the last, so k results cost one system call, not k. Non-blocking: 0 is EAGAIN. */
    uint64_t finished;
    ssize_t got;
    do
        got = read(pool->wake_fd, &finished, sizeof finished);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        if (errno == EAGAIN)
            return 0;
        perror("pool_collect: read eventfd");
        exit(1);
    }
    for (uint64_t k = 0; k < finished; k++) {
        long slot;
        /* Never waits: each count was added after its job was put in `done`. */
        if (!queue_get(&pool->done, &slot))
            break;
        struct job *job = &pool->jobs[slot];
        struct connection *c = job->connection;
        pool->free_slots[pool->free_count++] = slot;
        char reply[REPLY_MAX];
        connection_append(c, reply, format_reply(job->value, reply));
        c->busy = false;
        resume(c, context);
    }
    return (size_t)finished;
}

/* ---- Given ---------------------------------------------------------------------------------- */

void pool_start(struct pool *pool, unsigned workers, size_t capacity, long (*compute)(long n))
{
    queue_init(&pool->todo, capacity);
    queue_init(&pool->done, capacity);
    pool->jobs = calloc(capacity, sizeof *pool->jobs);
    pool->free_slots = calloc(capacity, sizeof *pool->free_slots);
    pool->threads = calloc(workers, sizeof *pool->threads);
    if (pool->jobs == NULL || pool->free_slots == NULL || pool->threads == NULL)
        die_with_error("pool_start", ENOMEM);
    for (size_t slot = 0; slot < capacity; slot++)
        pool->free_slots[slot] = (long)(capacity - 1 - slot);
    pool->free_count = capacity;
    pool->capacity = capacity;
    pool->compute = compute;
    pool->workers = workers;
    pool->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (pool->wake_fd < 0) {
        perror("pool_start: eventfd");
        exit(1);
    }
    for (unsigned w = 0; w < workers; w++)
        thread_create(&pool->threads[w], pool_worker, pool);
}

int pool_wake_fd(const struct pool *pool)
{
    return pool->wake_fd;
}

bool pool_submit(struct pool *pool, struct connection *c, long n)
{
    if (pool->free_count == 0)
        return false;
    long slot = pool->free_slots[--pool->free_count];
    pool->jobs[slot] = (struct job){ .connection = c, .n = n, .value = -1 };
    /* Never blocks: there are as many places in the queue as slots. */
    queue_put(&pool->todo, slot);
    return true;
}

/* At the end, a finished job's connection has no socket any more: free it. */
static void release_connection(struct connection *c, void *context)
{
    (void)context;
    connection_release(c);
    free(c);
}

void pool_stop(struct pool *pool)
{
    queue_close(&pool->todo);
    for (unsigned w = 0; w < pool->workers; w++)
        thread_join(pool->threads[w]);
    pool_collect(pool, release_connection, NULL);
    close(pool->wake_fd);
    queue_destroy(&pool->todo);
    queue_destroy(&pool->done);
    free(pool->jobs);
    free(pool->free_slots);
    free(pool->threads);
}

int serve_pool(int listen_fd, int stop_fd, unsigned workers, long (*compute)(long n))
{
    struct pool pool;
    pool_start(&pool, workers, 4096, compute);
    int status = serve_epoll(listen_fd, stop_fd, &pool);
    int saved = errno;
    pool_stop(&pool);
    errno = saved;
    return status;
}
