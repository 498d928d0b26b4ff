/* pool.h - a worker pool: a fixed set of threads that take jobs from a shared queue.
 *
 * Lesson 01 gave each thread one block of the jobs, fixed in advance. Here the caller puts job
 * numbers into a bounded queue (exercise 1's) and every worker takes the next job as soon as it
 * is free, so a worker that drew short jobs simply takes more of them: the load balances itself.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

/* A job takes one number and returns one number, e.g. is_prime(n). */
typedef long (*job_fn)(long input);

/* The most workers pool_run() starts. */
#define POOL_MAX_WORKERS 64

/* Exercise 2. Computes results[i] = job(inputs[i]) for every i in [0, count) on `workers`
 * threads that take job numbers from a queue of `queue_capacity` slots, which the calling
 * thread fills. Returns 0 once every result is in place and every worker has been joined.
 * Returns -1 with errno = EINVAL if workers is 0 or more than POOL_MAX_WORKERS, or if
 * queue_capacity is 0; -1 with errno = EPIPE if the queue refused a job (then the results are
 * incomplete, but every worker has still been joined). */
int pool_run(job_fn job, const long *inputs, long *results, size_t count, unsigned workers,
             size_t queue_capacity);

#endif
