/* laws.c - Amdahl's and Gustafson's laws, and the Karp-Flatt metric (see laws.h).
 *
 * The reference solution of exercise 1.
 */
#include "laws.h"

#include <math.h>
#include <stdbool.h>

/* NaN never compares, so `p >= 0 && p <= 1` is false for it too: it is rejected here. */
static bool valid_fraction(double p)
{
    return p >= 0 && p <= 1;
}

double amdahl_speedup(double p, long n)
{
    if (!valid_fraction(p) || n < 1)
        return NAN;
    return 1 / ((1 - p) + p / (double)n);
}

double gustafson_speedup(double p, long n)
{
    if (!valid_fraction(p) || n < 1)
        return NAN;
    return (1 - p) + p * (double)n;
}

double karp_flatt(double speedup, long n)
{
    if (!(speedup > 0) || n < 2)
        return NAN;
    double inverse_n = 1 / (double)n;
    return (1 / speedup - inverse_n) / (1 - inverse_n);
}
