/* spinlock.h - two locks that wait by spinning instead of sleeping, built on C11 atomics.
 *
 * A mutex that is taken puts the waiting thread to sleep, and the kernel wakes it when the
 * mutex is free: cheap in CPU, slow to hand over (microseconds). A spinlock's waiter never
 * sleeps; it keeps asking "free yet?" in a loop: a hand-over takes nanoseconds, but the waiter
 * burns its core the whole time, and if the holder is not running (more threads than cores),
 * it burns it for nothing. Use one only for tiny critical sections, with no more threads than
 * cores.
 *
 * Both locks here make the same promise as a mutex: between lock() and unlock() the calling
 * thread is the only one inside, and everything written inside by the previous holder is
 * visible to the next one.
 */
#ifndef SPINLOCK_H
#define SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

/* Test-and-set: the lock is an atomic_flag, C11's one type that is always lock-free. */
struct tas_spinlock {
    atomic_flag held;   /* set while some thread holds the lock */
};

/* Exercise 3. Makes the lock ready and free. Returns 0, as pthread_spin_init does. */
int tas_init(struct tas_spinlock *lock);

/* Exercise 3. Returns once the calling thread holds the lock; spins while another does. */
void tas_lock(struct tas_spinlock *lock);

/* Exercise 3. Releases the lock, which the calling thread holds. */
void tas_unlock(struct tas_spinlock *lock);

/* Test-and-test-and-set: the same idea, but a waiter only reads the lock while it is held, and
 * tries to take it (a write) only once it has seen it free. An atomic_flag cannot be read
 * without setting it (before C23), hence an atomic_bool. */
struct ttas_spinlock {
    atomic_bool held;   /* true while some thread holds the lock */
};

/* Exercise 4. Makes the lock ready and free. Returns 0. */
int ttas_init(struct ttas_spinlock *lock);

/* Exercise 4. Returns once the calling thread holds the lock. */
void ttas_lock(struct ttas_spinlock *lock);

/* Exercise 4. Releases the lock, which the calling thread holds. */
void ttas_unlock(struct ttas_spinlock *lock);

#endif
