/* cas.h - the compare-and-swap loop: read, compute, and write only if nothing changed.
 *
 * atomic_compare_exchange_weak(&x, &expected, desired) writes desired into x only if x still
 * holds expected, in one indivisible step, and says whether it did. If it did not, it copies
 * what x holds now into expected. So an update of any kind, not only the few that C11 has as
 * one operation (fetch_add, exchange, ...), becomes a loop:
 *
 *     old = load x
 *     repeat:
 *         new = f(old)
 *     until compare_exchange(x, &old, new) succeeds      (a failure refreshed old)
 *
 * A failure means another thread changed x between the load and the exchange: its update
 * went in, and this thread tries again from the new value. That is what "lock-free" promises:
 * a thread's exchange fails only because another thread's succeeded, so some thread always
 * makes progress, whoever is paused.
 */
#ifndef CAS_H
#define CAS_H

#include <stdatomic.h>

/* Exercise 1: adds amount to *counter with a compare-and-swap loop, and returns the value it
 * replaced (as atomic_fetch_add does). While it is not written, it changes nothing, sets errno
 * to ENOSYS and returns 0. */
long cas_add(atomic_long *counter, long amount);

/* Exercise 1: raises *maximum to value if value is bigger, with a compare-and-swap loop, and
 * returns the maximum it found (the value before, or the bigger one another thread wrote
 * meanwhile). C11 has no atomic maximum: this is what the loop is for. It writes nothing when
 * value is not bigger. While it is not written, it changes nothing, sets errno to ENOSYS and
 * returns 0. */
long cas_max(atomic_long *maximum, long value);

#endif
