/* sync.h - checked, traced wrappers around the POSIX thread calls the lessons use.
 *
 * Each wrapper makes the pthread call of the same name, and
 *   - checks its result: on failure it prints "thread_create: Resource temporarily unavailable"
 *     (the call and the reason) on stderr and ends the program with exit status 1. Errors are
 *     never ignored, and lesson code still reads one line per step (`mutex_lock(&m);`);
 *   - records the event for the tracer (trace.h) when the program runs with --trace;
 *   - in a test, tells the kit's wait registry (waits.h) what the thread waits for and which
 *     mutexes it holds, so that a deadlock fails its test at once, with who waits for whom.
 *
 * The checks are plain `if` statements, not assert(), so they stay in optimised builds.
 * Read sync.c once: every wrapper is a few lines around the call you would write by hand.
 *
 * The calls that can wait or take a lock (thread_join, mutex_lock, mutex_trylock, cond_wait and
 * the _untraced ones) are macros, as assert() is, because only a macro sees the file and line it
 * is called from: mutex_lock(&m) becomes mutex_lock_at(&m, __FILE__, __LINE__), so that a
 * deadlock report can say "thread 2 waits at bank.c:41".
 */
#ifndef KIT_SYNC_H
#define KIT_SYNC_H

#include <pthread.h>
#include <stdbool.h>

/* pthread_create with default attributes; the new thread runs start(arg). */
void thread_create(pthread_t *thread, void *(*start)(void *), void *arg);

/* pthread_join; returns what the thread's start function returned. */
#define thread_join(thread) thread_join_at((thread), __FILE__, __LINE__)
void *thread_join_at(pthread_t thread, const char *file, int line);

void mutex_init(pthread_mutex_t *mutex);
void mutex_destroy(pthread_mutex_t *mutex);
#define mutex_lock(mutex) mutex_lock_at((mutex), __FILE__, __LINE__)
void mutex_lock_at(pthread_mutex_t *mutex, const char *file, int line);
void mutex_unlock(pthread_mutex_t *mutex);

/* pthread_mutex_trylock: locks the mutex and returns true if it was free; returns false at once,
 * without waiting, if another thread holds it (EBUSY). Any other error ends the program. Only a
 * successful try is recorded for the tracer (as a lock), since a failed one changes nothing. */
#define mutex_trylock(mutex) mutex_trylock_at((mutex), __FILE__, __LINE__)
bool mutex_trylock_at(pthread_mutex_t *mutex, const char *file, int line);

void cond_init(pthread_cond_t *cond);
void cond_destroy(pthread_cond_t *cond);
#define cond_wait(cond, mutex) cond_wait_at((cond), (mutex), __FILE__, __LINE__)
void cond_wait_at(pthread_cond_t *cond, pthread_mutex_t *mutex, const char *file, int line);
void cond_signal(pthread_cond_t *cond);
void cond_broadcast(pthread_cond_t *cond);

/* The same calls, checked the same way but not recorded for the tracer (the wait registry still
 * sees them: a deadlock inside a semaphore is still one). For code that builds a
 * synchronisation object of its own from a mutex and a condition variable, and records its own
 * events instead (a semaphore records wait and post with trace_event): the diagrams then show
 * the object as one thing, not the lock and condition traffic inside it. */
#define mutex_lock_untraced(mutex) mutex_lock_untraced_at((mutex), __FILE__, __LINE__)
void mutex_lock_untraced_at(pthread_mutex_t *mutex, const char *file, int line);
void mutex_unlock_untraced(pthread_mutex_t *mutex);
#define cond_wait_untraced(cond, mutex) \
    cond_wait_untraced_at((cond), (mutex), __FILE__, __LINE__)
void cond_wait_untraced_at(pthread_cond_t *cond, pthread_mutex_t *mutex, const char *file,
                           int line);
void cond_signal_untraced(pthread_cond_t *cond);
void cond_broadcast_untraced(pthread_cond_t *cond);

/* Prints "what: strerror(error)" on stderr and exits with status 1. For the error numbers
 * that pthread calls return (they do not set errno). */
void die_with_error(const char *what, int error) __attribute__((noreturn));

#endif
