/* peterson_variants.c - Peterson's lock, given: broken with relaxed orders, and fixed for x86
 * alone with a fence. Exercise 1 (peterson.c) is the version C11 promises.
 */
#include "peterson.h"

void peterson_init(struct peterson *lock)
{
    atomic_init(&lock->flag[0], 0);
    atomic_init(&lock->flag[1], 0);
    atomic_init(&lock->turn, 0);
}

/* Every access relaxed: legal C (atomics are never a data race), and wrong. The compiler
 * barrier (a signal fence emits no instruction) keeps the compiler from moving the loads above
 * the stores, so that the only reordering left is the processor's: its store buffer. */
int peterson_lock_relaxed(struct peterson *lock, int me)
{
    int other = 1 - me;
    atomic_store_explicit(&lock->flag[me], 1, memory_order_relaxed);
    atomic_store_explicit(&lock->turn, other, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst);   /* compiler barrier only */
    while (atomic_load_explicit(&lock->flag[other], memory_order_relaxed) &&
           atomic_load_explicit(&lock->turn, memory_order_relaxed) == other) {
    }
    return 0;
}

void peterson_unlock_relaxed(struct peterson *lock, int me)
{
    atomic_store_explicit(&lock->flag[me], 0, memory_order_relaxed);
}

/* The same with a sequentially consistent fence between the stores and the loads: on x86 an
 * instruction (mfence, or gcc's `lock or` on the stack) that waits until this thread's store
 * buffer is empty, so that both stores are in memory before either load runs. */
int peterson_lock_fenced(struct peterson *lock, int me)
{
    int other = 1 - me;
    atomic_store_explicit(&lock->flag[me], 1, memory_order_relaxed);
    atomic_store_explicit(&lock->turn, other, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    while (atomic_load_explicit(&lock->flag[other], memory_order_relaxed) &&
           atomic_load_explicit(&lock->turn, memory_order_relaxed) == other) {
    }
    return 0;
}

void peterson_unlock_fenced(struct peterson *lock, int me)
{
    atomic_store_explicit(&lock->flag[me], 0, memory_order_relaxed);
}
