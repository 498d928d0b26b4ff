/* counter.h - a count that many threads add to, kept right by a mutex.
 *
 * Lesson 02 showed what `count++` from several threads does: the threads read the same old
 * value, both add one, and one increment is lost. The cure is mutual exclusion: whoever holds
 * the counter's mutex is the only thread that reads or writes `value` until it unlocks.
 */
#ifndef COUNTER_H
#define COUNTER_H

#include <pthread.h>

struct counter {
    pthread_mutex_t lock;   /* guards value: hold it to read or write value */
    long value;
};

/* Exercise 1. Makes the counter ready to use: its mutex initialised, its value 0. Returns 0,
 * as pthread_mutex_init does when it succeeds. */
int counter_init(struct counter *counter);

/* Exercise 1. Adds `amount` (which may be negative) to the count, holding the lock while it
 * reads and writes value: no addition made by any thread is ever lost. */
void counter_add(struct counter *counter, long amount);

/* Exercise 1. The count, read while holding the lock. */
long counter_read(struct counter *counter);

/* Exercise 1. Releases what counter_init() set up. No thread may use the counter any more. */
void counter_destroy(struct counter *counter);

#endif
