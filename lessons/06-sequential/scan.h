/* scan.h - the linear recurrence on several threads: a blocked parallel scan.
 *
 * A scan (a prefix computation) wants every x(k), not only the last. With T threads:
 *   1. cut the steps into T chunks of (nearly) equal length; each thread composes its chunk's
 *      maps into one summary map (chunk_compose), all threads at once;
 *   2. one thread walks the summaries in order: chunk 0 starts at x0, and each next chunk
 *      starts where the previous summary takes that start value (T steps, not n);
 *   3. each thread runs its chunk's steps from its start value (chunk_apply), all at once,
 *      writing out every x(k) and summing them.
 * The answer is bit for bit the plain loop's, because composing affine maps is associative
 * and uint64_t arithmetic is exact. But it does about twice the plain loop's work (each step is
 * composed once and applied once), so T threads run it only about T/2 times faster.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stdint.h>

#include "affine.h"

/* Exercise 3: the same answer as scan_sequential(r, out) (x(n), the sum of x(1) .. x(n), and
 * out[k] = x(k+1) for every k if out is not NULL), computed by `threads` threads (1 to
 * SCAN_MAX_THREADS of chunks.h) in the three phases above, T equal chunks. r->n may be 0, and
 * may be smaller than threads. */
struct scan_result scan_parallel(const struct linear_recurrence *r, int threads, uint64_t *out);

#endif
