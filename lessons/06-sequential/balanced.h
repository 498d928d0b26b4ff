/* balanced.h - two better plans than scan_parallel, when you look at who does what.
 *
 * The balanced scan. In scan_parallel, chunk 0's summary is wasted work: its start value x0
 * is known, so its thread could run its steps at once. And the last chunk's summary is wasted
 * too: no chunk comes after it. So cut the steps into T + 1 equal chunks, not T:
 *   1. thread 0 runs chunk 0's steps from x0 (chunk_apply), while threads 1 .. T-1 compose
 *      the summaries of chunks 1 .. T-1;
 *   2. the walk: chunk 1 starts at chunk 0's x(end); each next chunk starts where the previous
 *      summary takes that start value;
 *   3. threads 0 .. T-1 run the steps of chunks 1 .. T from their start values.
 * Every thread now works two chunks' worth, with no thread idle: n = (T + 1) c steps in the
 * time of 2 c, a speedup of about (T + 1) / 2 (1.5 on 2 cores, where scan_parallel gets 1).
 *
 * The reduction. If only x(n) is wanted, not every value, there is no apply phase at all:
 * compose each chunk (all threads at once), compose the T summaries in order, apply the result
 * to x0 once. Nearly all the work divides by T.
 */
#ifndef BALANCED_H
#define BALANCED_H

#include <stdint.h>

#include "affine.h"

/* Exercise 4: the same answer as scan_sequential(r, out), by `threads` threads (1 to
 * SCAN_MAX_THREADS) with T + 1 chunks as above. r->n may be 0, and smaller than threads. */
struct scan_result scan_balanced(const struct linear_recurrence *r, int threads, uint64_t *out);

/* Exercise 4: x(n) alone (scan_sequential(r, NULL).last), by `threads` threads (1 to
 * SCAN_MAX_THREADS): T chunks composed at once, the summaries composed in order, applied to
 * x0. */
uint64_t reduce_parallel(const struct linear_recurrence *r, int threads);

#endif
