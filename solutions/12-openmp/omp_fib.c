/* omp_fib.c - exercise 3: fib(n) as OpenMP tasks with a cutoff (see omp_fib.h).
 *
 * The reference solution.
 */
#include "omp_fib.h"

#include <errno.h>

#include "fib.h"
#include "omp_primes.h"

/* Runs inside the parallel region, on whichever thread runs the task that called it. */
static long fib_task(int n, int cutoff)
{
    if (n <= cutoff)
        return fib_sequential(n);   /* too little work to be worth a task */
    long x, y;
    /* x is a local variable: inside the task it would be a firstprivate copy, and the result
     * would vanish with the task. shared(x) makes the task write this call's x. */
#pragma omp task shared(x)
    x = fib_task(n - 1, cutoff);
    y = fib_task(n - 2, cutoff);
    /* The task may still be running, on another thread: wait for it before reading x. */
#pragma omp taskwait
    return x + y;
}

long fib_tasks(int n, int cutoff, int threads)
{
    if (n < 0 || n > FIB_MAX_N || cutoff < 1 || threads < 1 || threads > OMP_LESSON_MAX_THREADS) {
        errno = EINVAL;
        return -1;
    }
    long result = 0;
    /* The team starts; one thread starts the recursion, and the others take its tasks while
     * they wait at the barrier that ends the single construct. */
#pragma omp parallel num_threads(threads)
#pragma omp single
    result = fib_task(n, cutoff);
    return result;
}
