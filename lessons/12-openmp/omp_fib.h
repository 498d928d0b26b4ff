/* omp_fib.h - exercise 3: recursive work as OpenMP tasks, with a cutoff.
 *
 * A loop's iterations are known before it starts; a recursion's calls are not. An OpenMP task
 * is a piece of work that any thread of the team may run, now or later: fib(n) makes a task of
 * fib(n - 1), does fib(n - 2) itself, and waits for the task (`#pragma omp taskwait`) before
 * adding the two. Below a cutoff the calls stay plain function calls: a task costs far more
 * than fib(10) does.
 *
 * What OpenMP does not do for you: a variable of the function that a task writes must be named
 * shared(...). Inside a task, a local variable of the function that made the task is
 * firstprivate by default (the OpenMP 5.2 specification, "Variables Referenced in a
 * Construct"): the task writes its own copy, which disappears with it.
 */
#ifndef OMP_FIB_H
#define OMP_FIB_H

/* Exercise 3. fib(n) (fib(0) = 0, fib(1) = 1, fib(n) = fib(n-1) + fib(n-2)) computed by
 * `threads` threads (1 to OMP_LESSON_MAX_THREADS of omp_primes.h) with OpenMP tasks: one
 * parallel region, one thread starting the recursion, a task for fib(n - 1) at every call with
 * n above `cutoff`, fib_sequential() of fib.h at or below it. Returns fib(n), or -1 with
 * errno = EINVAL when n is not from 0 to FIB_MAX_N (fib.h), threads is out of range or
 * cutoff < 1. */
long fib_tasks(int n, int cutoff, int threads);

#endif
