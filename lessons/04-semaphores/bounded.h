/* bounded.h - run one thread per job, but let at most `limit` of them work at once.
 *
 * Fifty downloads started at once would open fifty connections to one server: rude at best,
 * and a server may well refuse or ban you. A semaphore started at K is the classic fix: each
 * job takes a unit before it starts and gives it back when it is done, so at most K jobs are
 * ever in flight, and the others wait their turn.
 */
#ifndef BOUNDED_H
#define BOUNDED_H

#include <stddef.h>

#include "counting_semaphore.h"

/* A job takes one number and returns one number, e.g. a simulated download. */
typedef long (*job_fn)(long input);

/* Exercise 2. Computes results[i] = job(inputs[i]) for every i in [0, count), each job on a
 * thread of its own (count threads), with at most `limit` jobs running at any moment. The
 * bound is the semaphore *slots, which run_bounded initialises (to `limit`) before starting
 * any thread and destroys after joining them all; the caller only provides the storage, so
 * that it can watch the semaphore while the jobs run. Returns 0 once every result is in place;
 * returns -1 with errno = EINVAL if limit is 0, or errno = ENOMEM if memory runs out. */
int run_bounded(job_fn job, const long *inputs, long *results, size_t count, unsigned limit,
                struct semaphore *slots);

#endif
