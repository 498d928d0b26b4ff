/* fib.h - the recursive Fibonacci numbers of lesson 01, a recursion to share among threads.
 *
 * fib(n) = fib(n - 1) + fib(n - 2) makes about 1.6^n calls, each a few nanoseconds: plenty of
 * work, cut into pieces whose sizes nobody knows in advance.
 */
#ifndef FIB_H
#define FIB_H

/* The largest n the lesson computes: fib(92) is the largest that fits in a long. */
#define FIB_MAX_N 92

/* fib(n) by the plain recursion, on the calling thread (0 <= n <= FIB_MAX_N). */
long fib_sequential(int n);

/* fib(n) by the same recursion on POSIX threads, written by hand: while depth > 0, a call
 * starts a thread (thread_create) for fib(n - 1), does fib(n - 2) itself with depth - 1, and
 * joins the thread; at depth 0 it calls fib_sequential. It starts 2^depth - 1 threads. */
long fib_threads(int n, int depth);

#endif
