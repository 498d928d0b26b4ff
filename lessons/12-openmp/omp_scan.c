/* omp_scan.c - exercise 2: lesson 06's blocked scan in one OpenMP parallel region (see
 * omp_scan.h).
 *
 * This is a file you edit: write the body of scan_omp() below, and a struct for a chunk next
 * to it as you need. Change nothing else in the lesson; omp_scan.h is the contract the tests
 * hold you to.
 */
#include "omp_scan.h"

#include <errno.h>

#include "omp_primes.h"

struct scan_result scan_omp(const struct linear_recurrence *r, int threads, uint64_t *out)
{
    /* TODO(exercise 2): check threads (1 to OMP_LESSON_MAX_THREADS, else errno = EINVAL and
     * {0, 0}). Cut steps 0 .. r->n - 1 into `threads` chunks (chunk c: r->n * c / threads up
     * to r->n * (c + 1) / threads). Then, in one `#pragma omp parallel num_threads(threads)`:
     *   1. `#pragma omp for` over the chunks: each chunk's summary = chunk_summary(...);
     *   2. `#pragma omp single`: walk the summaries in order from r->x0 (affine_apply): each
     *      chunk's start value;
     *   3. `#pragma omp for` over the chunks: scan_range(...) from its start, writing out.
     * After the region: x(n) is the last non-empty chunk's (r->x0 if there is none), and the
     * sum is the chunks' sums added. Which construct ends with a barrier, and why must it? */
    (void)r;
    (void)threads;
    (void)out;
    errno = ENOSYS;
    return (struct scan_result){ 0, 0 };
}
