/* cas.c - the compare-and-swap loop: a counter and a maximum (exercise 1).
 *
 * Both loops read once, then retry with what each failed exchange found: on failure,
 * atomic_compare_exchange_weak copies the counter's current value into `old`, so the next
 * try computes from it without a load of its own. The weak form may also fail spuriously
 * (on processors whose compare-and-swap is a load-linked/store-conditional pair, as ARM's
 * ldxr/stxr); in a loop that costs one more turn, and on x86 it is the same `lock cmpxchg`
 * as the strong form.
 *
 * Relaxed orders: a counter or a maximum publishes nothing but its own value, and every
 * read-modify-write of one variable sees the latest value in its modification order (C11
 * 7.17.3), whatever the order argument. Code that hands other data over through such a
 * variable needs release and acquire, as the stack's push and pop do.
 */
#include "cas.h"


long cas_add(atomic_long *counter, long amount)
{
    long old = atomic_load_explicit(counter, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(counter, &old, old + amount,
                                                  memory_order_relaxed, memory_order_relaxed)) {
        /* Another thread's update went in between: old now holds it; compute again. */
    }
    return old;
}

long cas_max(atomic_long *maximum, long value)
{
    long old = atomic_load_explicit(maximum, memory_order_relaxed);
    /* Decide again after every failure: the value another thread wrote may be bigger than
     * ours, and then there is nothing left to write. */
    while (value > old) {
        if (atomic_compare_exchange_weak_explicit(maximum, &old, value, memory_order_relaxed,
                                                  memory_order_relaxed))
            return old;
    }
    return old;
}
