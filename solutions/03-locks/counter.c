/* counter.c - a count that many threads add to, kept right by a mutex.
 *
 * Every function that touches `value` holds `lock` while it does. That is the whole rule, and
 * it holds for reading too: a thread that reads value without the lock may read it in the
 * middle of another thread's update (a data race, undefined behaviour in C), and it has no
 * guarantee of seeing the other threads' additions at all.
 */
#include "counter.h"

#include "sync.h"

int counter_init(struct counter *counter)
{
    mutex_init(&counter->lock);
    counter->value = 0;   /* no other thread can see the counter yet: no lock needed */
    return 0;
}

void counter_add(struct counter *counter, long amount)
{
    /* Read, add, write: three steps that must not interleave with another thread's. While we
     * hold the lock, no other thread can be between its own read and write. */
    mutex_lock(&counter->lock);
    counter->value += amount;
    mutex_unlock(&counter->lock);
}

long counter_read(struct counter *counter)
{
    /* The lock also makes the additions of the threads that unlocked it before visible here. */
    mutex_lock(&counter->lock);
    long value = counter->value;
    mutex_unlock(&counter->lock);
    return value;
}

void counter_destroy(struct counter *counter)
{
    mutex_destroy(&counter->lock);
}
