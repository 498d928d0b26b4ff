/* sync.c - checked, traced wrappers around the POSIX thread calls (see sync.h).
 *
 * Every wrapper has the same shape: record what is about to happen, make the call, check the
 * error number it returns, record what happened. The trace_* calls do nothing unless the
 * program runs with --trace, and the waits_* calls nothing unless a test has turned the wait
 * registry on (waits.h), so they cost almost nothing in a normal run.
 */
#include "sync.h"
#include "trace.h"
#include "waits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void die_with_error(const char *what, int error)
{
    char reason[128];
    /* strerror_r, not strerror: other threads may be reporting errors at the same time. */
    if (strerror_r(error, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", error);
    fprintf(stderr, "%s: %s\n", what, reason);
    exit(1);
}

/* ---- Threads ------------------------------------------------------------------------------ */

/* What a new thread needs to run start(arg) on its own trace lane, with its wait record. */
struct thread_start {
    void *(*start)(void *);
    void *arg;
    long lane;
    struct waits_record *record;
};

/* Every thread made by thread_create() begins here: it takes its lane and its wait record,
 * runs start(arg), and marks its end on both. */
static void *run_traced(void *argument)
{
    struct thread_start how = *(struct thread_start *)argument;
    free(argument);
    waits_thread_started(how.record);
    trace_thread_started(how.lane);
    void *result = how.start(how.arg);
    trace_thread_exiting();
    waits_thread_ending();
    return result;
}

void thread_create(pthread_t *thread, void *(*start)(void *), void *arg)
{
    long lane = trace_new_lane(); /* -1 when tracing is off */
    struct waits_record *record = waits_new_thread(); /* NULL when the registry is off */
    struct thread_start *how = malloc(sizeof *how);
    if (how == NULL)
        die_with_error("thread_create", ENOMEM);
    how->start = start;
    how->arg = arg;
    how->lane = lane;
    how->record = record;
    if (lane >= 0)
        trace_event(TRACE_CREATE, NULL, lane);
    /* From here on `how` belongs to the new thread, which frees it: use `lane`, not how->lane. */
    int error = pthread_create(thread, NULL, run_traced, how);
    if (error != 0)
        die_with_error("thread_create", error);
    trace_remember_thread(lane, *thread);
    waits_thread_made(record, *thread);
}

void *thread_join_at(pthread_t thread, const char *file, int line)
{
    long lane = trace_forget_thread(thread); /* -1 when tracing is off */
    void *result;
    trace_event(TRACE_JOIN_WAIT, NULL, lane);
    waits_for_thread(thread, file, line);
    int error = pthread_join(thread, &result);
    if (error != 0)
        die_with_error("thread_join", error);
    waits_joined(thread);
    trace_event(TRACE_JOIN, NULL, lane);
    return result;
}

/* ---- Mutexes ------------------------------------------------------------------------------ */

void mutex_init(pthread_mutex_t *mutex)
{
    int error = pthread_mutex_init(mutex, NULL);
    if (error != 0)
        die_with_error("mutex_init", error);
}

void mutex_destroy(pthread_mutex_t *mutex)
{
    waits_destroyed(mutex);
    int error = pthread_mutex_destroy(mutex);
    if (error != 0)
        die_with_error("mutex_destroy", error);
}

void mutex_lock_at(pthread_mutex_t *mutex, const char *file, int line)
{
    trace_event(TRACE_LOCK_WAIT, mutex, 0);
    waits_for_mutex(mutex, file, line);
    int error = pthread_mutex_lock(mutex);
    if (error != 0)
        die_with_error("mutex_lock", error);
    waits_took_mutex(mutex, file, line);
    trace_event(TRACE_LOCK, mutex, 0);
}

bool mutex_trylock_at(pthread_mutex_t *mutex, const char *file, int line)
{
    int error = pthread_mutex_trylock(mutex);
    if (error == EBUSY)
        return false;
    if (error != 0)
        die_with_error("mutex_trylock", error);
    waits_took_mutex(mutex, file, line);
    trace_event(TRACE_LOCK, mutex, 0);
    return true;
}

void mutex_unlock(pthread_mutex_t *mutex)
{
    /* Recorded before the unlock: once the mutex is free, another thread may lock it and
     * record its LOCK, and the diagrams need the UNLOCK to come first. */
    trace_event(TRACE_UNLOCK, mutex, 0);
    waits_released_mutex(mutex);
    int error = pthread_mutex_unlock(mutex);
    if (error != 0)
        die_with_error("mutex_unlock", error);
}

/* ---- Condition variables ----------------------------------------------------------------- */

void cond_init(pthread_cond_t *cond)
{
    int error = pthread_cond_init(cond, NULL);
    if (error != 0)
        die_with_error("cond_init", error);
}

void cond_destroy(pthread_cond_t *cond)
{
    waits_destroyed(cond);
    int error = pthread_cond_destroy(cond);
    if (error != 0)
        die_with_error("cond_destroy", error);
}

void cond_wait_at(pthread_cond_t *cond, pthread_mutex_t *mutex, const char *file, int line)
{
    /* pthread_cond_wait unlocks the mutex while it waits and locks it again before it returns:
     * the trace shows that unlock and lock too, so other threads' locks in between make sense. */
    trace_event(TRACE_UNLOCK, mutex, 0);
    trace_event(TRACE_COND_WAIT, cond, 0);
    waits_for_condition(cond, mutex, file, line);
    int error = pthread_cond_wait(cond, mutex);
    if (error != 0)
        die_with_error("cond_wait", error);
    waits_woken(mutex);
    trace_event(TRACE_COND_WOKEN, cond, 0);
    trace_event(TRACE_LOCK, mutex, 0);
}

void cond_signal(pthread_cond_t *cond)
{
    trace_event(TRACE_COND_SIGNAL, cond, 0);
    int error = pthread_cond_signal(cond);
    if (error != 0)
        die_with_error("cond_signal", error);
}

void cond_broadcast(pthread_cond_t *cond)
{
    trace_event(TRACE_COND_BROADCAST, cond, 0);
    int error = pthread_cond_broadcast(cond);
    if (error != 0)
        die_with_error("cond_broadcast", error);
}

/* ---- Untraced, for objects that record their own events -------------------------------- */

void mutex_lock_untraced_at(pthread_mutex_t *mutex, const char *file, int line)
{
    waits_for_mutex(mutex, file, line);
    int error = pthread_mutex_lock(mutex);
    if (error != 0)
        die_with_error("mutex_lock", error);
    waits_took_mutex(mutex, file, line);
}

void mutex_unlock_untraced(pthread_mutex_t *mutex)
{
    waits_released_mutex(mutex);
    int error = pthread_mutex_unlock(mutex);
    if (error != 0)
        die_with_error("mutex_unlock", error);
}

void cond_wait_untraced_at(pthread_cond_t *cond, pthread_mutex_t *mutex, const char *file,
                           int line)
{
    waits_for_condition(cond, mutex, file, line);
    int error = pthread_cond_wait(cond, mutex);
    if (error != 0)
        die_with_error("cond_wait", error);
    waits_woken(mutex);
}

void cond_signal_untraced(pthread_cond_t *cond)
{
    int error = pthread_cond_signal(cond);
    if (error != 0)
        die_with_error("cond_signal", error);
}

void cond_broadcast_untraced(pthread_cond_t *cond)
{
    int error = pthread_cond_broadcast(cond);
    if (error != 0)
        die_with_error("cond_broadcast", error);
}
