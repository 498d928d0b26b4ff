/* omp_batch.c - exercise 4: a batch of images of wildly different sizes as one OpenMP loop (see
 * omp_batch.h).
 *
 * The reference solution.
 */
#include "omp_batch.h"

#include <errno.h>
#include <omp.h>

#include "omp_primes.h"

long batch_mixed_sizes(size_t count, int threads, image_job job, void *context)
{
    if (threads < 1 || threads > OMP_LESSON_MAX_THREADS) {
        errno = EINVAL;
        return -1;
    }
    long failed = 0;
    /* dynamic: one image at a time to whichever thread is free, so a thread stuck on a large
     * image holds up nothing else. static would give the first thread the first block of
     * images whatever they cost; guided hands out a first chunk of about count / threads
     * images, large ones and all. */
#pragma omp parallel for num_threads(threads) schedule(dynamic) reduction(+ : failed)
    for (size_t i = 0; i < count; i++)
        if (job(i, (unsigned)omp_get_thread_num(), context) != 0)
            failed++;   /* reported by the job; a bad image stops nothing */
    return failed;
}
