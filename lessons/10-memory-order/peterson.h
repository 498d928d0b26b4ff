/* peterson.h - Peterson's lock for two threads, numbered 0 and 1, in three versions.
 *
 * Thread `me` says it wants in (flag[me] = 1), gives way to the other (turn = other), and waits
 * while the other wants in too and it is still the one giving way:
 *
 *     flag[me] = 1;
 *     turn = other;
 *     while (flag[other] && turn == other) { }      now inside
 *     ...
 *     flag[me] = 0;                                  leaving
 *
 * On sequentially consistent memory that is a correct lock: if both want in, the one that wrote
 * turn last waits. On x86 it is not: each store goes into its thread's store buffer, and the
 * load of flag[other] can run before the store to flag[me] has reached memory, in both threads
 * at once (the store-buffering litmus test, SB). Both read 0 and both go in.
 *
 * Every access is a C11 atomic (so no version here is a data race, and the only difference
 * between them is the memory order of their accesses). The lock never sleeps: it spins, so
 * use it with no more threads than cores.
 */
#ifndef PETERSON_H
#define PETERSON_H

#include <stdatomic.h>

struct peterson {
    atomic_int flag[2];   /* flag[i] is 1 while thread i wants in, or is in */
    atomic_int turn;      /* the thread that gives way if both want in */
};

/* Given: a free lock. */
void peterson_init(struct peterson *lock);

/* Exercise 1 (peterson.c): the lock, correct in C11 and so on every processor. Returns 0 once
 * thread `me` (0 or 1) is inside; or -1 with errno set to ENOSYS while it is not written. */
int peterson_lock(struct peterson *lock, int me);

/* Exercise 1: thread `me` leaves. */
void peterson_unlock(struct peterson *lock, int me);

/* Given (peterson_variants.c): every access memory_order_relaxed, with a compiler barrier
 * between the stores and the loads so that what goes wrong is the processor's doing, not the
 * compiler's. Broken on x86 (and everywhere else). Returns 0. */
int peterson_lock_relaxed(struct peterson *lock, int me);
void peterson_unlock_relaxed(struct peterson *lock, int me);

/* Given: the relaxed version with atomic_thread_fence(memory_order_seq_cst) after the two
 * stores. Correct on x86, where the fence empties the store buffer; C11 does not promise it
 * (see the README). Returns 0. */
int peterson_lock_fenced(struct peterson *lock, int me);
void peterson_unlock_fenced(struct peterson *lock, int me);

#endif
