/* counting_semaphore.c - a counting semaphore from a mutex and a condition variable
 * (counting_semaphore.h).
 *
 * The reference solution of exercise 1: semaphore_wait, semaphore_post, semaphore_trywait.
 */
#include "counting_semaphore.h"

#include "sync.h"
#include "trace.h"

void semaphore_init(struct semaphore *s, long initial)
{
    mutex_init(&s->lock);
    cond_init(&s->available);
    s->count = initial;
    s->waiting = 0;
}

void semaphore_destroy(struct semaphore *s)
{
    cond_destroy(&s->available);
    mutex_destroy(&s->lock);
}

/* The semaphore records its own events with trace_event, so that the tracer draws an arrow
 * from each post to the wait it released; its mutex and condition variable use the untraced
 * wrappers of sync.h, so the diagrams show one semaphore, not the traffic inside it. */

void semaphore_wait(struct semaphore *s)
{
    trace_event(TRACE_SEM_WAIT, s, 0);
    mutex_lock_untraced(&s->lock);
    s->waiting++;
    /* `while`, not `if`: being woken says only that the count was worth looking at again. The
     * wake-up may be spurious (POSIX allows it), or another thread may have taken the posted
     * unit between the signal and this thread getting the lock back. */
    while (s->count == 0)
        cond_wait_untraced(&s->available, &s->lock);
    s->waiting--;
    s->count--;
    mutex_unlock_untraced(&s->lock);
    trace_event(TRACE_SEM_TAKEN, s, 0);
}

void semaphore_post(struct semaphore *s)
{
    trace_event(TRACE_SEM_POST, s, 0);
    mutex_lock_untraced(&s->lock);
    s->count++;
    /* One new unit is enough for one waiter, so signal, not broadcast. Signalling under the
     * lock is simplest to reason about; a waiter that was not yet asleep when the count went
     * up sees it when it checks, since it checks under the same lock. */
    if (s->waiting > 0)
        cond_signal_untraced(&s->available);
    mutex_unlock_untraced(&s->lock);
}

bool semaphore_trywait(struct semaphore *s)
{
    mutex_lock_untraced(&s->lock);
    bool took = s->count > 0;
    if (took)
        s->count--;
    mutex_unlock_untraced(&s->lock);
    if (took)
        trace_event(TRACE_SEM_TAKEN, s, 0);
    return took;
}
