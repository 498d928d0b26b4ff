/* cycle.c - Brent's cycle detection, and x(n) from the cycle (cycle.h).
 *
 * Brent's idea: a "tortoise" waits at x(2^i - 1) while a "hare" steps ahead of it, up to 2^i
 * steps. Once the tortoise is on the cycle (2^i - 1 >= tail) and the hare has room to go all
 * the way round (2^i >= period), the hare meets the tortoise again, and the number of steps
 * it took is the period. Until then, the tortoise jumps to where the hare is and i grows.
 * Knowing the period, the tail is found by walking two values `period` apart from x(0): they
 * first agree at x(tail), the first value the cycle comes back to.
 *
 * Two values are kept, whatever m is: a table of the values seen (m entries, or a hash table)
 * would find the same answer in fewer steps, but needs memory in proportion to the cycle.
 */
#include "cycle.h"

struct cycle cycle_find(uint64_t x0, cycle_step_fn step, void *context)
{
    /* Phase 1: the period. */
    uint64_t tortoise = x0, hare = step(x0, context);
    uint64_t power = 1, period = 1;   /* the hare is `period` steps ahead of the tortoise */
    while (tortoise != hare) {
        if (period == power) {        /* the hare has gone as far as this round allows */
            tortoise = hare;
            power *= 2;
            period = 0;
        }
        hare = step(hare, context);
        period++;
    }

    /* Phase 2: the tail. With the hare `period` steps ahead, both stay equal once the
     * tortoise is on the cycle, and not before: the first meeting is at x(tail). */
    tortoise = hare = x0;
    for (uint64_t k = 0; k < period; k++)
        hare = step(hare, context);
    uint64_t tail = 0;
    while (tortoise != hare) {
        tortoise = step(tortoise, context);
        hare = step(hare, context);
        tail++;
    }
    return (struct cycle){ .tail = tail, .period = period };
}

uint64_t cycle_value_at(uint64_t x0, uint64_t n, struct cycle cycle, cycle_step_fn step,
                        void *context)
{
    /* On the cycle, going round it a whole number of times changes nothing: x(n) is x(k) for
     * the k that is n less as many rounds as fit. (Subtract first: n - tail cannot overflow,
     * where tail + anything might.) */
    uint64_t steps = n < cycle.tail ? n : cycle.tail + (n - cycle.tail) % cycle.period;
    uint64_t x = x0;
    for (uint64_t k = 0; k < steps; k++)
        x = step(x, context);
    return x;
}
