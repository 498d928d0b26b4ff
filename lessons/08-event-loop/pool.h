/* pool.h - worker threads that compute for an event loop, so that it never has to.
 *
 * An event loop runs everything on one thread: while it computes fib(40) for one client
 * (0.13 s), every other client waits, even one that only asked for fib(1). The fix real
 * servers use: the loop hands CPU-heavy requests to a few worker threads and goes back to its
 * sockets. When a worker has finished, it must tell the loop, which is asleep in epoll_wait:
 * it adds 1 to an eventfd (a counter the kernel keeps, readable while it is not zero) that the
 * loop watches with its sockets. The loop then takes the results and sends the replies itself.
 *
 * Only the loop thread ever touches a connection or a socket. Workers see a job's n and write
 * its value, nothing else; the two queues carry the jobs across, and their mutex is what makes
 * a worker's writes visible to the loop (lesson 05).
 *
 * The queues are lesson 05's blocking bounded queue (lessons/05-queues/queue.h), built from
 * the reference solution where the kit has one, else from your own lessons/05-queues/queue.c
 * (this lesson's Makefile says which). Its items are numbers: here, the index of a job slot.
 *
 * eventfd is Linux-only; elsewhere a pipe does the same job (write a byte per result, read
 * them all).
 */
#ifndef POOL_H
#define POOL_H

#include <pthread.h>
#include <stddef.h>

#include "queue.h"

/* Requests for fib(n) with n up to this are answered on the loop thread: fib(25) takes about
 * 0.1 ms, less than handing it over and back. Larger n go to the workers. */
#define INLINE_FIB_MAX 25

struct connection;

/* One request with the workers. */
struct job {
    struct connection *connection;  /* who asked: only the loop thread looks at it */
    long n;                         /* written by the loop before the job is queued */
    long value;                     /* written by a worker before the job is queued back */
};

struct pool {
    struct queue todo;        /* slots of jobs for the workers, oldest first */
    struct queue done;        /* slots of jobs computed, for the loop */
    struct job *jobs;         /* `capacity` slots */
    long *free_slots;         /* slots not in use: owned by the loop thread alone */
    size_t free_count;
    size_t capacity;
    int wake_fd;              /* eventfd: +1 per job a worker has finished */
    long (*compute)(long n);  /* what a worker computes: fib in the server */
    pthread_t *threads;
    unsigned workers;
};

/* Given. Starts `workers` threads, which compute jobs with compute() (fib, in the servers);
 * at most `capacity` jobs may be with the pool at once. Exits with a message on failure. */
void pool_start(struct pool *pool, unsigned workers, size_t capacity, long (*compute)(long n));

/* Given. The fd the loop must watch for "readable": results are waiting. */
int pool_wake_fd(const struct pool *pool);

/* Given, for the loop thread. Hands compute(n) for connection c to the workers. Returns false,
 * handing nothing over, if `capacity` jobs are already with the pool. */
bool pool_submit(struct pool *pool, struct connection *c, long n);

/* Exercise 4, for the loop thread, when pool_wake_fd() is readable (calling it when it is not
 * is harmless: it finds nothing). Takes every finished job: appends the reply for its value to
 * its connection, marks the connection not busy, frees the job's slot, and then calls
 * resume(connection, context), so that the loop can answer the requests that waited and watch
 * the socket for writing. Returns how many jobs it took. */
size_t pool_collect(struct pool *pool, void (*resume)(struct connection *c, void *context),
                    void *context);

/* Given. Stops the workers once the jobs already queued are done, joins them, then hands
 * every job left over to pool_collect() with a resume that frees its connection (by then
 * the loop has stopped and closed every socket), and frees the pool. */
void pool_stop(struct pool *pool);

/* Given. The epoll server of exercise 3 with a pool of `workers` threads computing every fib
 * above INLINE_FIB_MAX: returns what serve_epoll() returns. */
int serve_pool(int listen_fd, int stop_fd, unsigned workers, long (*compute)(long n));

#endif
