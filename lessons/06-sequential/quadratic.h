/* quadratic.h - the source material's recurrence, x -> x*x - x + 1, modulo m.
 *
 * From x = 3 the values are 3, 7, 43, 1807, 3263443, ... : each step squares the number of
 * digits, and after twenty steps the exact value has 1,418,066 bits. No C integer holds it,
 * but we only want its last five digits, the value modulo 100000. And + - * commute with
 * reduction modulo m: (x mod m) * (x mod m) - (x mod m) + 1 is congruent to x*x - x + 1
 * modulo m. So each step can work on x mod m alone, and the numbers never grow past m.
 */
#ifndef QUADRATIC_H
#define QUADRATIC_H

#include <stdint.h>

/* The largest modulus the functions below accept: 2^32, so that x*x, with x below m, still
 * fits in 64 bits. */
#define QUADRATIC_MAX_MODULUS (UINT64_C(1) << 32)

/* Exercise 1: (x*x - x + 1) mod m, for 1 <= m <= QUADRATIC_MAX_MODULUS and 0 <= x < m. */
uint64_t quadratic_step_mod(uint64_t x, uint64_t m);

/* Exercise 1: x(steps) mod m, where x(0) = x0 and x(k+1) = x(k)*x(k) - x(k) + 1, for
 * 1 <= m <= QUADRATIC_MAX_MODULUS and any x0 (steps = 0 gives x0 mod m). */
uint64_t quadratic_iterate_mod(uint64_t x0, long steps, uint64_t m);

#endif
