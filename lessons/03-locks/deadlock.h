/* deadlock.h - a deadlock made on purpose, detected instead of hung, and the lock order that
 * makes it impossible.
 *
 * The threads sit around a ring of as many mutexes, A, B, C, ...: thread 1 wants A and B,
 * thread 2 wants B and C, ..., the last one wants its own mutex and A. With two threads that
 * is the textbook case: thread 1 takes A then B, thread 2 takes B then A.
 */
#ifndef DEADLOCK_H
#define DEADLOCK_H

#include <stdbool.h>

#define DEADLOCK_MAX_THREADS 8

/* Each thread takes its own mutex first and its neighbour's second. To make the bad
 * interleaving happen every time rather than now and then, each thread waits until every
 * thread holds its first mutex before it asks for its second. It asks with mutex_trylock(),
 * again and again with pauses that double from 1 ms up to 16 ms, until the pauses add up to
 * patience_ms, then gives up; it keeps holding
 * its first mutex until every thread has got its second or given up, so what they report is
 * one moment in which they all waited at once. main then joins them, draws the wait-for
 * graph (thread -> the mutex it waits for -> the thread holding that mutex -> ...) and looks for
 * a cycle in it, prints what it found, and writes the graph to waitfor_path in Graphviz's dot
 * language unless that is NULL. Returns true if it found a cycle: a deadlock. */
bool show_deadlock(unsigned threads, long patience_ms, const char *waitfor_path);

/* show_deadlock() in two halves, for a caller with something to do while the threads are
 * stuck: start_deadlock() returns once every thread holds its first mutex, and
 * finish_deadlock() does the rest, then frees the run. */
struct deadlock_run;
struct deadlock_run *start_deadlock(unsigned threads, long patience_ms);
bool finish_deadlock(struct deadlock_run *run, const char *waitfor_path);

/* The same threads and mutexes, but every thread takes the lower of its two mutexes first
 * (thread 2 of two takes A then B, like thread 1). Each holds both for hold_ms, then lets go.
 * mutex_lock(), with no limit on its wait, is safe here: no cycle can form, so every thread finishes. */
void show_lock_ordering(unsigned threads, long hold_ms);

#endif
