/* primes.c - primality by trial division (see primes.h). */
#include "primes.h"

long is_prime(long n)
{
    if (n < 2)
        return 0;
    if (n % 2 == 0)
        return n == 2;
    /* d <= n / d rather than d * d <= n: the same test, and d * d cannot overflow. No floating
     * point sqrt either, whose rounding near a perfect square would need care. */
    for (long d = 3; d <= n / d; d += 2)
        if (n % d == 0)
            return 0;
    return 1;
}
