/* parallel_map.h - run one job per input, with a sequential loop, threads, or processes.
 *
 * Every way computes the same thing: results[i] = job(inputs[i]) for i in [0, count).
 * Only the workers that do it change, and with them the time it takes. That is the whole
 * experiment of lesson 01: same work, three ways, measured.
 */
#ifndef PARALLEL_MAP_H
#define PARALLEL_MAP_H

#include <stddef.h>

/* A job takes one number and returns one number, e.g. fib(n) or a simulated download. */
typedef long (*job_fn)(long input);

/* The finished example: one loop on the calling thread. Returns 0. */
int map_sequential(job_fn job, const long *inputs, long *results, size_t count);

/* Exercise 1. Splits [0, count) into `parts` contiguous blocks whose sizes differ by at most
 * one, in order, and stores the bounds of block `index` (0 <= index < parts) as
 * [*begin, *end). Every position belongs to exactly one block; blocks may be empty when
 * count < parts. */
void split_range(size_t count, unsigned parts, unsigned index, size_t *begin, size_t *end);

/* Exercise 2. Computes the results on `workers` threads, each taking one block of
 * split_range(), and returns 0 once every result is in place. Returns -1 with errno = EINVAL
 * if workers is 0. */
int map_with_threads(job_fn job, const long *inputs, long *results, size_t count,
                     unsigned workers);

/* Exercise 3. Computes the results in `workers` child processes made with fork(), each taking
 * one block of split_range() and sending its results back through a pipe. Returns 0 once every
 * result is in place and every child has been waited for. Returns -1 if workers is 0 (errno =
 * EINVAL), if a system call fails, or if a child does not end normally with status 0; it never
 * leaves results half-read as though they were complete, nor children unwaited for. */
int map_with_processes(job_fn job, const long *inputs, long *results, size_t count,
                       unsigned workers);

#endif
