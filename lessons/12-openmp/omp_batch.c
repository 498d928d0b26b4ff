/* omp_batch.c - exercise 4: a batch of images of wildly different sizes as one OpenMP loop (see
 * omp_batch.h).
 *
 * This is a file you edit: write the body of batch_mixed_sizes() below. Change nothing else in
 * the lesson; omp_batch.h is the contract the tests hold you to.
 */
#include "omp_batch.h"

#include <errno.h>
#include <omp.h>

#include "omp_primes.h"

long batch_mixed_sizes(size_t count, int threads, image_job job, void *context)
{
    /* TODO(exercise 4): check threads (1 to OMP_LESSON_MAX_THREADS, else errno = EINVAL and
     * -1). Then one `#pragma omp parallel for num_threads(threads) schedule(...)` over the
     * images that calls job(i, omp_get_thread_num(), context) and counts the failures.
     * Which schedule lets the other threads go on while one is busy with a large image that
     * comes first? */
    (void)count;
    (void)threads;
    (void)job;
    (void)context;
    errno = ENOSYS;
    return -1;
}
