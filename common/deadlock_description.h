/* deadlock_description.h - what the threads of a stuck process wait for, in words and drawn.
 *
 * From the wait registry's records (waits.h) of a process in which every thread is blocked for
 * good, the wait-for graph: each thread points at the thread it waits for (the holder of the
 * mutex it wants, or the thread it joins). A cycle in that graph is a deadlock; without one,
 * the chains end at threads waiting on condition variables that nobody is left to signal, or at
 * mutexes that nobody will unlock. Threads are "the test's thread", "thread 1", "thread 2"...;
 * objects are called by the names tests gave them (waits_name), or else "mutex A", "mutex B"...
 * and "condition variable A"..., lettered in the order the description first mentions them.
 */
#ifndef KIT_DEADLOCK_DESCRIPTION_H
#define KIT_DEADLOCK_DESCRIPTION_H

#include <stddef.h>

#include "waits.h"

/* Room for a reason: the runner keeps reasons of up to 1023 bytes. */
#define DEADLOCK_REASON_SIZE 1000

/* The reason a stuck test fails with, one line: "deadlock: thread 2 waits at bank.c:41 for
 * account 0's lock, held by thread 1 (taken at bank.c:38), which waits at bank.c:41 for account
 * 1's lock, held by thread 2 (taken at bank.c:38); the test's thread waits at ...". */
void deadlock_describe(const struct waits_view *threads, size_t count, char *reason,
                       size_t size);

/* The same graph for Graphviz's dot, into `path`: threads as boxes, mutexes and condition
 * variables as ellipses, "waits for" and "held by" arrows labelled with file:line, a cycle in
 * red, `title` (the test's name) on top. Returns 0, or -1 with a message on stderr. */
int deadlock_draw(const struct waits_view *threads, size_t count, const char *title,
                  const char *path);

#endif
