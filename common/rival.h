/* rival.h - for tests: a rival thread's step at the worst possible moment, on every run.
 *
 * A race between "find the value" and "write the new value" needs another thread to act in a
 * gap of a few nanoseconds, which a test cannot wait for. So the test puts the shared variable
 * alone in memory and makes that memory read-only: reading works, but the first write stops
 * with a fault before it happens. The fault handler makes the memory writable again, runs the
 * rival's step, and returns; the interrupted write then goes ahead. An atomic read-modify-write
 * (fetch-and-add, exchange, test-and-set, compare-and-swap) runs again and sees the rival's
 * step; a load followed by a separate store overwrites it. Linux (and macOS) deliver such a
 * write as SIGSEGV (SIGBUS); changing protection inside the handler is what Linux allows.
 * The handler acts only on the first write to the armed pages; it then puts the old handlers
 * back, so any other fault (a NULL pointer in the code under test) crashes the test as usual.
 *
 * What the rival cannot see: a read-modify-write that is one instruction but not atomic, such
 * as x86's `add [mem], 1` without `lock` (what `counter++` on a plain or volatile long may
 * compile to). It faults before it has read anything, runs again after the rival, and so
 * looks atomic here, although two cores running it at once lose increments. Such code is a
 * data race: ThreadSanitizer reports it, and so may a test of many increments on many cores.
 *
 * The rival's step runs inside the interrupted atomic operation: mark it
 * __attribute__((no_sanitize("thread"))) so that ThreadSanitizer leaves it alone.
 */
#ifndef KIT_RIVAL_H
#define KIT_RIVAL_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroed memory for `size` bytes, on pages of its own. Ends the test if there is none. */
void *rival_memory(size_t size);

/* Makes the memory read-only; the first write to it then runs rival() just before it happens. */
void rival_arm(void *memory, size_t size, void (*rival)(void));

/* Whether the rival has run since rival_arm. */
bool rival_has_run(void);

/* Gives the memory back. */
void rival_release(void *memory, size_t size);

#endif
