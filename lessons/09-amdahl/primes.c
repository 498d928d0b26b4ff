/* primes.c - see primes.h. */
#include "primes.h"

bool is_prime(long n)
{
    if (n < 2)
        return false;
    if (n % 2 == 0)
        return n == 2;
    /* d <= n / d rather than d * d <= n: the same test, and d * d cannot overflow. */
    for (long d = 3; d <= n / d; d += 2)
        if (n % d == 0)
            return false;
    return true;
}
