/* bench.h - what one increment of a shared count costs, seven ways, at 1, 2 and 4 threads.
 *
 * Every way adds 1 to a count over and over, on as many threads as asked, for a fixed time;
 * the rate is the number of increments made per second, and the count at the end says whether
 * any of them were lost. The ways: no lock at all (wrong on purpose), the mutex counter of
 * exercise 1, the spinlocks of exercises 3 and 4, one atomic add, and a count split into one
 * slot per thread (sharded), first with the slots side by side in one cache line, then with
 * each slot padded to a cache line of its own.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>

#define BENCH_MAX_REPEAT 100

/* Prints the table: for each way and each of 1, 2 and 4 threads, the median rate of `repeat`
 * runs of run_ms milliseconds, with ratios. Returns false if a way that needs an exercise is
 * not written yet, or if a way other than "no lock" lost increments. */
bool bench_increments(long run_ms, long repeat);

#endif
