/* spinlock.c - two spinlocks built on C11 atomics: test-and-set, and test-and-test-and-set.
 *
 * Taking a lock must be one indivisible step: "it was free, and now it is mine". An atomic
 * read-modify-write (test-and-set, exchange) is exactly that: it writes `held` and returns what
 * was there before, and no other thread's write can come in between. Exactly one of the threads
 * racing for a free lock reads "it was free".
 *
 * Memory order: taking the lock is an acquire and releasing it a release. The release makes
 * every write the holder made inside visible to the next thread whose acquire reads the freed
 * lock: the same guarantee a mutex gives. (The defaults, sequentially consistent, would be
 * correct too, only stronger than needed.)
 */
#include "spinlock.h"

/* ---- Exercise 3: test-and-set -------------------------------------------------------------- */

int tas_init(struct tas_spinlock *lock)
{
    atomic_flag_clear_explicit(&lock->held, memory_order_relaxed);
    return 0;
}

void tas_lock(struct tas_spinlock *lock)
{
    /* test_and_set returns the flag's old value: true means another thread held it. Each try
     * is a write to the lock's cache line, even when it fails; see the test-and-test-and-set
     * lock below for why that matters. */
    while (atomic_flag_test_and_set_explicit(&lock->held, memory_order_acquire)) {
    }
}

void tas_unlock(struct tas_spinlock *lock)
{
    atomic_flag_clear_explicit(&lock->held, memory_order_release);
}

/* ---- Exercise 4: test-and-test-and-set ----------------------------------------------------- */

int ttas_init(struct ttas_spinlock *lock)
{
    atomic_init(&lock->held, false);
    return 0;
}

void ttas_lock(struct ttas_spinlock *lock)
{
    for (;;) {
        /* Test: wait with relaxed atomic loads. Every waiter keeps a shared copy of the cache line and
         * reads it from its own cache, so while the lock is held the waiters make no traffic
         * and do not slow down the holder. Relaxed: this read decides nothing by itself. */
        while (atomic_load_explicit(&lock->held, memory_order_relaxed)) {
        }
        /* Test-and-set: it looked free, but another waiter may have seen that too. Only the
         * exchange says whether we got it: false means it was free and is ours now. */
        if (!atomic_exchange_explicit(&lock->held, true, memory_order_acquire))
            return;
    }
}

void ttas_unlock(struct ttas_spinlock *lock)
{
    atomic_store_explicit(&lock->held, false, memory_order_release);
}
