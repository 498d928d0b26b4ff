/* primes.h - the worker pool's jobs: is a number prime? Checked by trial division.
 *
 * The numbers are large (from 10^13 on), so a prime costs about 1.6 million divisions while
 * most composites are done after a few: jobs of very uneven length, which is exactly the work
 * a shared queue of jobs spreads well across workers.
 */
#ifndef PRIMES_H
#define PRIMES_H

/* The first number the demo checks, as in the source material: 10^13. */
#define FIRST_NUMBER 10000000000000L

/* 1 if n is prime, 0 if not. Tries 2 and every odd divisor d with d * d <= n. */
long is_prime(long n);

#endif
