/* locked_stack.h - the same stack behind a lock: a mutex, or a spinlock. For the bench.
 *
 * Push and pop are the sequential ones (node->next = top; top = node), with the whole of each
 * under the lock. Correct and simple; the price is that a thread paused while it holds the
 * lock (preempted, on a machine with more threads than cores) stops every other thread
 * until it runs again: a mutex puts the waiters to sleep, a spinlock lets them burn their
 * time slices. That is what "blocking" means, and what the lock-free stack does without.
 */
#ifndef LOCKED_STACK_H
#define LOCKED_STACK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "tagged.h"   /* TAGGED_NONE, and a pool of the same nodes */

enum stack_lock { STACK_MUTEX, STACK_SPINLOCK };

struct locked_stack {
    enum stack_lock lock;
    pthread_mutex_t mutex;       /* used when lock is STACK_MUTEX */
    pthread_spinlock_t spin;     /* used when lock is STACK_SPINLOCK (POSIX's, from glibc) */
    uint32_t top;                /* guarded by the lock; TAGGED_NONE when empty */
    struct tagged_node *nodes;   /* the pool, as for the tagged stack (next read relaxed) */
};

void locked_init(struct locked_stack *stack, enum stack_lock lock, struct tagged_node *nodes);
void locked_destroy(struct locked_stack *stack);

void locked_push(struct locked_stack *stack, uint32_t index);

/* Returns false when the stack is empty. */
bool locked_pop(struct locked_stack *stack, uint32_t *index);

#endif
