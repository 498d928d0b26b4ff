/* thread_watch.h - where a thread of the tests is: asleep in futex(), and on which object.
 * Shared by the lesson's visible and hidden tests. On Linux, /proc/self/task/TID/syscall
 * names the system call a thread is in and its first argument; for futex() that is the
 * address the thread sleeps on, which glibc places inside the mutex or condition variable. */
#ifndef THREAD_WATCH_H
#define THREAD_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the futex a sleeping thread waits on can be read (Linux) and lies inside the object
 * it waits for (glibc). */
bool can_watch_threads_sleep(void);

/* The address thread `tid` sleeps on in futex(), or 0 if it is not in futex() right now. */
uintptr_t futex_address(int tid);

/* Whether thread `tid` sleeps in futex() on an address inside the `size` bytes at `object`. */
bool asleep_on(int tid, const void *object, size_t size);

#endif
