/* quadratic.c - the source material's recurrence modulo m (quadratic.h).
 *
 * This is a file you edit: exercise 1 is quadratic_step_mod and quadratic_iterate_mod below,
 * each marked TODO(exercise 1). README.md says what to do, and `make hint EX=1` helps when
 * you are stuck.
 */
#include "quadratic.h"

uint64_t quadratic_step_mod(uint64_t x, uint64_t m)
{
    /* TODO(exercise 1): return (x*x - x + 1) mod m, exactly, for every m up to 2^32 and every
     * x below m. Mind the types: 99999 * 99999 does not fit in 32 bits. And mind the order:
     * an unsigned subtraction that goes below zero wraps around 2^64, which is not a multiple
     * of m. Do not change the function's signature. */
    (void)x;
    (void)m;
    return 0;
}

uint64_t quadratic_iterate_mod(uint64_t x0, long steps, uint64_t m)
{
    /* TODO(exercise 1): start from x0 mod m and take `steps` steps with quadratic_step_mod.
     * Reduce at every step, not once at the end: after three steps from 3 the exact value
     * (3263443^2 ...) no longer fits in 64 bits. */
    (void)x0;
    (void)steps;
    (void)m;
    return 0;
}
