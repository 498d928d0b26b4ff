/* scan_directive.c - see scan_directive.h. */
#include "scan_directive.h"

bool scan_directive_works(void)
{
#ifdef __clang__
    return false;
#else
    return true;
#endif
}

#ifndef __clang__
/* Composing maps as a reduction: omp_out is the running value (the steps so far), omp_in the
 * steps that come after them; each thread's private copy starts as the identity map. */
#pragma omp declare reduction(then : struct affine : omp_out = affine_then(omp_out, omp_in)) \
    initializer(omp_priv = affine_identity())

struct scan_result scan_directive(const struct linear_recurrence *r, int threads, uint64_t *out)
{
    struct affine so_far = affine_identity();
    /* The part above the scan directive adds step k to the running map; the part below reads
     * the running map, now steps 0 .. k composed, to give x(k+1). (A loop with an inscan
     * reduction takes no other reduction, so the sum is a second loop.) */
#pragma omp parallel for num_threads(threads) reduction(inscan, then : so_far)
    for (long k = 0; k < r->n; k++) {
        so_far = affine_then(so_far, r->map(r->source, k));
#pragma omp scan inclusive(so_far)
        out[k] = affine_apply(so_far, r->x0);
    }
    uint64_t sum = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : sum)
    for (long k = 0; k < r->n; k++)
        sum += out[k];
    return (struct scan_result){ r->n > 0 ? out[r->n - 1] : r->x0, sum };
}
#else
struct scan_result scan_directive(const struct linear_recurrence *r, int threads, uint64_t *out)
{
    (void)threads;
    return scan_sequential(r, out);
}
#endif
