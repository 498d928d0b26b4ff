/* omp_primes.c - exercise 1: the primes counted by one OpenMP loop (see omp_primes.h).
 *
 * The reference solution.
 */
#include "omp_primes.h"

#include <errno.h>

#include "primes.h"

long count_primes(long first, long count, int threads)
{
    if (count < 0 || threads < 1 || threads > OMP_LESSON_MAX_THREADS) {
        errno = EINVAL;
        return -1;
    }
    long found = 0;
    /* reduction(+:found): each thread counts into a private copy that starts at 0, and the
     * copies are added into found at the end of the loop, so no two threads ever write the
     * same variable. Dynamic, since a number's cost varies wildly (an even one: one division;
     * a prime near 10^13: 1.6 million), as lesson 09 measured. The loop's variable i is
     * private by the rules of OpenMP; n is declared inside the loop, so private too. */
#pragma omp parallel for num_threads(threads) schedule(dynamic) reduction(+ : found)
    for (long i = 0; i < count; i++) {
        long n = first + i;
        if (is_prime(n))
            found++;
    }
    return found;
}
