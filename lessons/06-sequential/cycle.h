/* cycle.h - x(n) for a huge n, when the values can only be few: find where they repeat.
 *
 * Modulo m, the recurrence of quadratic.h takes at most m different values. So among
 * x(0), x(1), ..., x(m) two are equal, and since each value decides the next, the sequence
 * repeats from there on: after a tail of `tail` steps it goes round a cycle of `period` values,
 * for ever. (Here `tail + period <= m`: x(0) .. x(tail + period - 1) are all different.) Then
 * x(n) = x(tail + (n - tail) mod period) for every n >= tail: x(10^18) is a few steps away.
 *
 * Over the integers this does not work: x*x - x + 1 is larger than x for every x >= 2, so from
 * 3 on no value ever comes back, and there is no cycle to find.
 *
 * Given, finished: the lesson's demo uses it, and the tests check it (test case "given").
 */
#ifndef CYCLE_H
#define CYCLE_H

#include <stdint.h>

/* One step of a sequence: the value after x. It must depend on x and context only, and map a
 * finite set into itself (say, the numbers below m), or the sequence need never repeat. */
typedef uint64_t (*cycle_step_fn)(uint64_t x, void *context);

/* The shape of x(0), x(1), ...: x(k + period) == x(k) for every k >= tail, with tail and
 * period both as small as they can be (so x(tail) is the first value that comes back). */
struct cycle {
    uint64_t tail;     /* steps before the cycle: 0 when x(0) is on it */
    uint64_t period;   /* values on the cycle: at least 1 */
};

/* Finds the tail and the period of x(0) = x0, x(k+1) = step(x(k), context), with Brent's
 * cycle detection: it keeps two values, not a table of the values seen, and calls step at
 * most 4 * (tail + period) times. The sequence must repeat (see cycle_step_fn). */
struct cycle cycle_find(uint64_t x0, cycle_step_fn step, void *context);

/* x(n) of the same sequence, for any n up to 2^64 - 1, using its cycle (from cycle_find): at
 * most tail + period - 1 steps, however large n is. */
uint64_t cycle_value_at(uint64_t x0, uint64_t n, struct cycle cycle, cycle_step_fn step,
                        void *context);

#endif
