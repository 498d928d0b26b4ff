/* omp_scan.c - exercise 2: lesson 06's blocked scan in one OpenMP parallel region (see
 * omp_scan.h).
 *
 * The reference solution.
 */
#include "omp_scan.h"

#include <errno.h>

#include "omp_primes.h"

/* One chunk of the scan: its steps begin .. end-1, and what each phase writes about it. */
struct scan_chunk {
    long begin, end;
    struct affine summary;     /* phase 1 */
    uint64_t start;            /* phase 2: x(begin) */
    struct scan_result result; /* phase 3 */
};

struct scan_result scan_omp(const struct linear_recurrence *r, int threads, uint64_t *out)
{
    if (threads < 1 || threads > OMP_LESSON_MAX_THREADS) {
        errno = EINVAL;
        return (struct scan_result){ 0, 0 };
    }
    struct scan_chunk chunks[OMP_LESSON_MAX_THREADS];
    for (int c = 0; c < threads; c++) {
        chunks[c].begin = r->n * c / threads;
        chunks[c].end = r->n * (c + 1) / threads;
    }
    /* One chunk per thread, and one team for all three phases. The loops go over chunks, not
     * over threads: the team may have fewer threads than asked for (OMP_THREAD_LIMIT), and
     * every chunk is still done. The barrier that ends each `for` and the `single` is what
     * orders the phases: no nowait anywhere. */
#pragma omp parallel num_threads(threads)
    {
#pragma omp for schedule(static)
        for (int c = 0; c < threads; c++)
            chunks[c].summary = chunk_summary(r, chunks[c].begin, chunks[c].end);

#pragma omp single
        {
            uint64_t x = r->x0;
            for (int c = 0; c < threads; c++) {
                chunks[c].start = x;
                x = affine_apply(chunks[c].summary, x);
            }
        }

#pragma omp for schedule(static)
        for (int c = 0; c < threads; c++)
            chunks[c].result = scan_range(r, chunks[c].begin, chunks[c].end, chunks[c].start,
                                          out);
    }
    struct scan_result total = { r->x0, 0 };
    for (int c = 0; c < threads; c++) {
        if (chunks[c].end > chunks[c].begin)
            total.last = chunks[c].result.last;
        total.sum += chunks[c].result.sum;
    }
    return total;
}
