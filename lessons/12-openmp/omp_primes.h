/* omp_primes.h - exercise 1: lesson 09's primes, counted by one OpenMP loop.
 *
 * Lesson 09 shared the numbers out by hand: a partition (blocks, round robin or one shared
 * counter), a thread per worker, an array of answers, and the count added up after the joins.
 * OpenMP writes all of that for a loop: `#pragma omp parallel for` starts the team and shares
 * out the iterations, schedule(...) says how, and reduction(+:found) gives every thread its own
 * private count, starting at 0, and adds them all into found when the loop ends.
 *
 * What it does not do for you is decide which variables are shared. A variable declared
 * before the pragma is shared by every thread unless a clause says otherwise (the OpenMP 5.2
 * specification, "Variables Referenced in a Construct"): a counter without its
 * reduction, or a temporary that every thread writes, is a data race.
 */
#ifndef OMP_PRIMES_H
#define OMP_PRIMES_H

/* The most threads any function of the lesson takes. */
#define OMP_LESSON_MAX_THREADS 64

/* Exercise 1. The number of primes (is_prime() of lesson 09) among first .. first + count - 1,
 * counted by `threads` threads of one OpenMP loop. Returns it, or -1 with errno = EINVAL when
 * count < 0 or threads is not from 1 to OMP_LESSON_MAX_THREADS. */
long count_primes(long first, long count, int threads);

#endif
