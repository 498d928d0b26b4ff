/* omp_primes.c - exercise 1: the primes counted by one OpenMP loop (see omp_primes.h).
 *
 * This is a file you edit: write the body of count_primes() below. Change nothing else in the
 * lesson; omp_primes.h is the contract the tests hold you to.
 */
#include "omp_primes.h"

#include <errno.h>

#include "primes.h"

long count_primes(long first, long count, int threads)
{
    /* TODO(exercise 1): check count (0 or more) and threads (1 to OMP_LESSON_MAX_THREADS),
     * else errno = EINVAL and -1. Then one loop over i = 0 .. count - 1 that counts the n =
     * first + i for which is_prime(n), under
     *     #pragma omp parallel for num_threads(threads) schedule(...) reduction(...)
     * Which variables may every thread write? Declare each temporary inside the loop. */
    (void)first;
    (void)count;
    (void)threads;
    errno = ENOSYS;   /* "not implemented": the demo prints that this exercise is not done */
    return -1;
}
