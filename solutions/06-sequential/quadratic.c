/* quadratic.c - the source material's recurrence modulo m (quadratic.h).
 *
 * The reference solution of exercise 1: quadratic_step_mod and quadratic_iterate_mod.
 */
#include "quadratic.h"

uint64_t quadratic_step_mod(uint64_t x, uint64_t m)
{
    /* x < m <= 2^32, so x*x <= (2^32 - 1)^2 < 2^64: the square fits. And x*x >= x for every
     * whole x, so x*x - x never goes below zero, and + 1 cannot overflow either: x*x - x + 1
     * is exact in 64 bits, and one reduction at the end gives the answer. */
    return (x * x - x + 1) % m;
}

uint64_t quadratic_iterate_mod(uint64_t x0, long steps, uint64_t m)
{
    /* Each step keeps x below m, so the next square fits again. The result modulo m depends
     * only on x modulo m, so reducing at every step changes nothing but the size. */
    uint64_t x = x0 % m;
    for (long k = 0; k < steps; k++)
        x = quadratic_step_mod(x, m);
    return x;
}
