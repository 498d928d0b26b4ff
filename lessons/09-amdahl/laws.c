/* laws.c - Amdahl's and Gustafson's laws, and the Karp-Flatt metric (see laws.h).
 *
 * This is a file you edit: exercise 1 is the three functions below.
 */
#include "laws.h"

#include <math.h>

double amdahl_speedup(double p, long n)
{
    /* TODO(exercise 1): 1 / ((1 - p) + p / n), or NAN unless 0 <= p <= 1 and n >= 1. */
    (void)p;
    (void)n;
    return 0;
}

double gustafson_speedup(double p, long n)
{
    /* TODO(exercise 1): (1 - p) + p * n, or NAN unless 0 <= p <= 1 and n >= 1. */
    (void)p;
    (void)n;
    return 0;
}

double karp_flatt(double speedup, long n)
{
    /* TODO(exercise 1): (1 / speedup - 1 / n) / (1 - 1 / n), or NAN unless n >= 2 and
     * speedup > 0. Careful: 1 / n with a long n is integer division. */
    (void)speedup;
    (void)n;
    return 0;
}
