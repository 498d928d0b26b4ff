/* primes.h - the experiment's work: is a number prime? */
#ifndef PRIMES_H
#define PRIMES_H

#include <stdbool.h>

/* Trial division by 2 and the odd numbers up to the square root, as in the source material. Its
 * cost varies wildly: an even number takes one division, a prime near 10^13 about 1.6 million. */
bool is_prime(long n);

#endif
