/* peterson.c - Peterson's lock, the version C11 promises (exercise 1).
 *
 * Every access to flag[] and turn is memory_order_seq_cst. C11 puts all seq_cst operations in
 * one total order S that agrees with each thread's program order, and each seq_cst load reads
 * the last store before it in S (C11 7.17.3): a program whose shared accesses are all seq_cst
 * behaves as if the threads took turns on one memory, and on such a memory Peterson's lock is
 * correct. In particular neither thread's load of flag[other] can come before its own store to
 * flag[me] in S, so they cannot both read 0.
 *
 * On x86, gcc makes each seq_cst store an `xchg`, a locked instruction that waits until the
 * store buffer is empty (the loads stay plain `mov`s): that is the fence the relaxed version
 * lacks. (peterson_lock_fenced() also works on x86, but with relaxed accesses C11 promises
 * nothing: see the README.)
 */
#include "peterson.h"

int peterson_lock(struct peterson *lock, int me)
{
    int other = 1 - me;
    atomic_store_explicit(&lock->flag[me], 1, memory_order_seq_cst);
    atomic_store_explicit(&lock->turn, other, memory_order_seq_cst);
    while (atomic_load_explicit(&lock->flag[other], memory_order_seq_cst) &&
           atomic_load_explicit(&lock->turn, memory_order_seq_cst) == other) {
    }
    return 0;
}

/* seq_cst as well: it keeps the whole lock in S (the proof above needs nothing else), and it is
 * a release, so that what this thread wrote inside is visible to the next thread in. */
void peterson_unlock(struct peterson *lock, int me)
{
    atomic_store_explicit(&lock->flag[me], 0, memory_order_seq_cst);
}
