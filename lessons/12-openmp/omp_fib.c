/* omp_fib.c - exercise 3: fib(n) as OpenMP tasks with a cutoff (see omp_fib.h).
 *
 * This is a file you edit: write the body of fib_tasks() below, and the recursive function it
 * starts next to it. Change nothing else in the lesson; omp_fib.h is the contract the tests
 * hold you to.
 */
#include "omp_fib.h"

#include <errno.h>

#include "fib.h"
#include "omp_primes.h"

long fib_tasks(int n, int cutoff, int threads)
{
    /* TODO(exercise 3): check n (0 to FIB_MAX_N), cutoff (1 or more) and threads (1 to
     * OMP_LESSON_MAX_THREADS), else errno = EINVAL and -1. Then
     *     #pragma omp parallel num_threads(threads)
     *     #pragma omp single
     * one thread calls a recursive function of yours: at or below the cutoff it returns
     * fib_sequential(n); above it, x = fib(n - 1) in a `#pragma omp task`, y = fib(n - 2)
     * itself, `#pragma omp taskwait`, x + y. Where does the task write x? */
    (void)n;
    (void)cutoff;
    (void)threads;
    errno = ENOSYS;
    return -1;
}
