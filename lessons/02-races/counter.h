/* counter.h - one shared counter, incremented by many threads. */
#ifndef COUNTER_H
#define COUNTER_H

#include <stdatomic.h>

/* The racy increment: a load, an add and a store, each on its own. Two threads that both
 * load before either stores both write the same value, and one increment is lost. */
void counter_add_racy(long *counter);

/* Exercise 1: the same increment, made one indivisible step with C11 atomics. */
void counter_add_atomic(atomic_long *counter);

#endif
