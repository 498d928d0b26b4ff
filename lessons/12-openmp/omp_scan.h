/* omp_scan.h - exercise 2: lesson 06's blocked scan, in one OpenMP parallel region.
 *
 * Lesson 06's scan_parallel() started threads twice, one round for phase 1 and one for phase 3,
 * and its joins were what kept the phases in order. Here one team runs all three phases in
 * one region:
 *
 *   1. #pragma omp for           each chunk's maps composed into its summary (chunk_summary)
 *   2. #pragma omp single        one thread walks the summaries: each chunk's start value
 *   3. #pragma omp for           each chunk's steps run from its start value (scan_range)
 *
 * The joins are gone; what keeps phase 2 from reading a summary not yet written, and phase 3
 * from reading a start not yet walked, is the barrier at the end of each `for` and `single`
 * construct (the OpenMP 5.2 specification, "Worksharing-Loop Constructs" and "single
 * Construct": an implicit barrier at the end, unless a nowait clause is given). A `nowait`
 * there removes it, and the phases overlap.
 */
#ifndef OMP_SCAN_H
#define OMP_SCAN_H

#include <stdint.h>

#include "affine.h"

/* Exercise 2. The same answer as scan_sequential(r, out) of lesson 06 (x(n), the sum of x(1) ..
 * x(n), and out[k] = x(k+1) for every k if out is not NULL), computed in one OpenMP parallel
 * region of `threads` threads (1 to OMP_LESSON_MAX_THREADS of omp_primes.h) by the three phases
 * above, on `threads` chunks of nearly equal length. r->n may be 0, and may be smaller than
 * threads. */
struct scan_result scan_omp(const struct linear_recurrence *r, int threads, uint64_t *out);

#endif
