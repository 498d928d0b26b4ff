/* waits.c - the wait registry of waits.h: a record per thread, written by that thread alone.
 *
 * Records live in a fixed table, so that no thread ever waits for another here and nothing is
 * allocated: a thread's creator claims a free slot with one compare-and-swap, the thread then
 * writes to it, and whoever joins the thread gives the slot back. Only the names that tests
 * give objects are kept under a lock; they are written rarely and read when a report is made.
 *
 * Every field of a record is atomic, since the watchdog reads records while their threads
 * write them. A writer makes the version odd, stores the fields with release order, then makes
 * the version even again (release); a reader loads the version and the fields with acquire
 * order, then the version again. The release stores keep the odd version ahead of the new
 * fields, and the acquire loads keep the second version load behind them: a reader that saw
 * any new field sees a changed version, and tries again. (The textbook sequence lock uses
 * fences instead; ThreadSanitizer does not understand fences, and every report here must be a
 * real one.)
 */
#define _GNU_SOURCE   /* syscall() */
#include "waits.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

atomic_bool waits_recording;

struct held {
    _Atomic(const void *) mutex;
    _Atomic(const char *) file;
    atomic_int line;
    atomic_bool lent;
};

struct waits_record {
    atomic_int state;                 /* enum waits_state */
    atomic_ulong version;             /* odd while the record is being written */
    atomic_long number;
    atomic_int tid;
    atomic_uintptr_t handle;          /* the pthread_t; written by the creator, not versioned */
    atomic_int kind;                  /* enum waits_kind */
    _Atomic(const void *) object;
    _Atomic(const void *) mutex;
    atomic_long target;
    _Atomic(const char *) file;
    atomic_int line;
    atomic_int held_count;
    atomic_int held_missed;
    struct held held[WAITS_MAX_HELD];
};

static struct waits_record records[WAITS_MAX_THREADS];
static atomic_long threads_made;      /* numbers handed out to threads made so far */
static _Thread_local struct waits_record *current;   /* this thread's record, if it has one */

#define PUT(field, value) atomic_store_explicit(&(field), (value), memory_order_release)
#define GET(field) atomic_load_explicit(&(field), memory_order_acquire)

static void begin_writing(struct waits_record *record)
{
    unsigned long version = atomic_load_explicit(&record->version, memory_order_relaxed);
    atomic_store_explicit(&record->version, version + 1, memory_order_relaxed);
}

static void end_writing(struct waits_record *record)
{
    unsigned long version = atomic_load_explicit(&record->version, memory_order_relaxed);
    atomic_store_explicit(&record->version, version + 1, memory_order_release);
}

/* pthread_t is an opaque type; on the systems the kit runs on it is a number or a pointer. */
_Static_assert(sizeof(pthread_t) <= sizeof(uintptr_t), "pthread_t must fit in a uintptr_t");

static uintptr_t handle_of(pthread_t thread)
{
    uintptr_t handle = 0;
    memcpy(&handle, &thread, sizeof thread);
    return handle;
}

static int kernel_thread_id(void)
{
#ifdef __linux__
    return (int)syscall(SYS_gettid);
#else
    return 0;
#endif
}

/* A free slot, claimed for a thread numbered `number`; NULL if every slot is taken. */
static struct waits_record *claim_record(long number)
{
    for (size_t slot = 0; slot < WAITS_MAX_THREADS; slot++) {
        struct waits_record *record = &records[slot];
        int free_state = WAITS_FREE;
        if (!atomic_compare_exchange_strong_explicit(&record->state, &free_state, WAITS_CREATED,
                                                     memory_order_acq_rel,
                                                     memory_order_relaxed))
            continue;
        begin_writing(record);
        PUT(record->number, number);
        PUT(record->tid, 0);
        PUT(record->kind, WAITS_NOTHING);
        PUT(record->target, WAITS_UNKNOWN_THREAD);
        PUT(record->held_count, 0);
        PUT(record->held_missed, 0);
        end_writing(record);
        return record;
    }
    return NULL;
}

/* The record of the live, unjoined thread `thread`, or NULL if the kit did not make it. */
static struct waits_record *record_of(pthread_t thread)
{
    uintptr_t handle = handle_of(thread);
    for (size_t slot = 0; slot < WAITS_MAX_THREADS; slot++) {
        struct waits_record *record = &records[slot];
        int state = GET(record->state);
        if ((state == WAITS_CREATED || state == WAITS_RUNNING || state == WAITS_ENDED) &&
            GET(record->handle) == handle)
            return record;
    }
    return NULL;
}

void waits_start_recording(void)
{
    if (current != NULL)
        return;   /* already on, with this thread as the test's */
    current = claim_record(WAITS_TEST_THREAD);
    if (current != NULL) {
        begin_writing(current);
        PUT(current->tid, kernel_thread_id());
        PUT(current->state, WAITS_RUNNING);
        end_writing(current);
        PUT(current->handle, handle_of(pthread_self()));
    }
    atomic_store_explicit(&waits_recording, true, memory_order_release);
}

/* ---- Threads ------------------------------------------------------------------------------ */

struct waits_record *waits_new_thread(void)
{
    if (!waits_on())
        return NULL;
    return claim_record(atomic_fetch_add_explicit(&threads_made, 1, memory_order_relaxed) + 1);
}

void waits_thread_made(struct waits_record *record, pthread_t thread)
{
    if (record != NULL)
        PUT(record->handle, handle_of(thread));
}

void waits_thread_started(struct waits_record *record)
{
    if (record == NULL)
        return;
    current = record;
    begin_writing(record);
    PUT(record->tid, kernel_thread_id());
    PUT(record->state, WAITS_RUNNING);
    end_writing(record);
}

void waits_thread_ending(void)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    PUT(me->kind, WAITS_NOTHING);
    PUT(me->state, WAITS_ENDED);
    end_writing(me);
}

void waits_record_join_wait(pthread_t thread, const char *file, int line)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    struct waits_record *target = record_of(thread);
    begin_writing(me);
    PUT(me->kind, WAITS_THREAD);
    PUT(me->object, NULL);
    PUT(me->mutex, NULL);
    PUT(me->target, target != NULL ? GET(target->number) : WAITS_UNKNOWN_THREAD);
    PUT(me->file, file);
    PUT(me->line, line);
    end_writing(me);
}

void waits_record_joined(pthread_t thread)
{
    /* The thread has ended and been joined: its record is the joiner's to give back. One that
     * ended holding mutexes is kept, so that a thread later stuck on one of them can be told
     * who took it and never gave it back. */
    struct waits_record *joined = record_of(thread);
    if (joined != NULL) {
        begin_writing(joined);
        PUT(joined->state, GET(joined->held_count) > 0 ? WAITS_GONE : WAITS_FREE);
        end_writing(joined);
    }
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    PUT(me->kind, WAITS_NOTHING);
    end_writing(me);
}

/* ---- Mutexes and condition variables ------------------------------------------------------ */

void waits_record_mutex_wait(pthread_mutex_t *mutex, const char *file, int line)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    PUT(me->kind, WAITS_MUTEX);
    PUT(me->object, mutex);
    PUT(me->mutex, NULL);
    PUT(me->target, WAITS_UNKNOWN_THREAD);
    PUT(me->file, file);
    PUT(me->line, line);
    end_writing(me);
}

void waits_record_mutex_taken(pthread_mutex_t *mutex, const char *file, int line)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    PUT(me->kind, WAITS_NOTHING);
    int count = GET(me->held_count);
    if (count < WAITS_MAX_HELD) {
        PUT(me->held[count].mutex, mutex);
        PUT(me->held[count].file, file);
        PUT(me->held[count].line, line);
        PUT(me->held[count].lent, false);
        PUT(me->held_count, count + 1);
    } else {
        PUT(me->held_missed, GET(me->held_missed) + 1);
    }
    end_writing(me);
}

/* Where `mutex` is in the thread's list of mutexes held, or -1. */
static int held_index(struct waits_record *me, const void *mutex)
{
    int count = GET(me->held_count);
    for (int i = count - 1; i >= 0; i--)
        if (GET(me->held[i].mutex) == mutex)
            return i;
    return -1;
}

void waits_record_mutex_released(pthread_mutex_t *mutex)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    int i = held_index(me, mutex);
    int last = GET(me->held_count) - 1;
    if (i >= 0) {
        /* The last entry takes the place of the one released. */
        PUT(me->held[i].mutex, GET(me->held[last].mutex));
        PUT(me->held[i].file, GET(me->held[last].file));
        PUT(me->held[i].line, GET(me->held[last].line));
        PUT(me->held[i].lent, GET(me->held[last].lent));
        PUT(me->held_count, last);
    } else if (GET(me->held_missed) > 0) {
        PUT(me->held_missed, GET(me->held_missed) - 1);
    }
    /* Otherwise another thread locked it (or it was locked without the kit): nothing to do. */
    end_writing(me);
}

void waits_record_condition_wait(pthread_cond_t *cond, pthread_mutex_t *mutex, const char *file,
                                 int line)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    PUT(me->kind, WAITS_CONDITION);
    PUT(me->object, cond);
    PUT(me->mutex, mutex);
    PUT(me->target, WAITS_UNKNOWN_THREAD);
    PUT(me->file, file);
    PUT(me->line, line);
    /* pthread_cond_wait lets go of the mutex while it waits, and takes it back before it
     * returns: the mutex stays on the list, marked as lent, with where it was first taken. */
    int i = held_index(me, mutex);
    if (i >= 0)
        PUT(me->held[i].lent, true);
    end_writing(me);
}

void waits_record_condition_woken(pthread_mutex_t *mutex)
{
    struct waits_record *me = current;
    if (me == NULL)
        return;
    begin_writing(me);
    PUT(me->kind, WAITS_NOTHING);
    int i = held_index(me, mutex);
    if (i >= 0)
        PUT(me->held[i].lent, false);
    end_writing(me);
}

/* ---- Reading records ---------------------------------------------------------------------- */

bool waits_look(size_t slot, struct waits_view *view)
{
    struct waits_record *record = &records[slot];
    /* A thread writes its record in a few dozen instructions; a record still changing after
     * this many tries belongs to a thread that is busy, which is all the watchdog needs. */
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned long before = atomic_load_explicit(&record->version, memory_order_acquire);
        if (before % 2 != 0)
            continue;
        view->version = before;
        view->state = GET(record->state);
        if (view->state == WAITS_FREE)
            return false;
        view->number = GET(record->number);
        view->tid = GET(record->tid);
        view->kind = GET(record->kind);
        view->object = GET(record->object);
        view->mutex = GET(record->mutex);
        view->target = GET(record->target);
        view->file = GET(record->file);
        view->line = GET(record->line);
        view->held_missed = GET(record->held_missed);
        int count = GET(record->held_count);
        view->held_count = count >= 0 && count <= WAITS_MAX_HELD ? count : 0;
        for (int i = 0; i < view->held_count; i++) {
            view->held[i].mutex = GET(record->held[i].mutex);
            view->held[i].file = GET(record->held[i].file);
            view->held[i].line = GET(record->held[i].line);
            view->held[i].lent = GET(record->held[i].lent);
        }
        unsigned long after = atomic_load_explicit(&record->version, memory_order_relaxed);
        if (after == before)
            return true;
    }
    return false;
}

/* ---- Names -------------------------------------------------------------------------------- */

#define MAX_NAMES 256

struct name {
    const void *object;
    char text[WAITS_NAME_SIZE];
};

static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct name names[MAX_NAMES];   /* guarded by names_lock */

/* The entry of `object`, or NULL; with names_lock held. */
static struct name *name_entry(const void *object)
{
    for (size_t i = 0; i < MAX_NAMES; i++)
        if (names[i].object == object)
            return &names[i];
    return NULL;
}

/* The names lock is the registry's own, never held while waiting for anything else: a failure
 * to take or release it is a bug in the kit, and ends the program like any other. */
static void lock_names(void)
{
    if (pthread_mutex_lock(&names_lock) != 0) {
        fputs("waits: pthread_mutex_lock failed\n", stderr);
        _exit(1);
    }
}

static void unlock_names(void)
{
    if (pthread_mutex_unlock(&names_lock) != 0) {
        fputs("waits: pthread_mutex_unlock failed\n", stderr);
        _exit(1);
    }
}

void waits_name(const void *object, const char *fmt, ...)
{
    if (object == NULL)
        return;
    char text[WAITS_NAME_SIZE];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    lock_names();
    struct name *entry = name_entry(object);
    if (entry == NULL)
        entry = name_entry(NULL);   /* a free entry; with none left, the object stays unnamed */
    if (entry != NULL) {
        entry->object = object;
        memcpy(entry->text, text, sizeof text);
    }
    unlock_names();
}

void waits_record_destroyed(const void *object)
{
    lock_names();
    struct name *entry = name_entry(object);
    if (entry != NULL)
        entry->object = NULL;
    unlock_names();
}

bool waits_name_of(const void *object, char *name, size_t size)
{
    lock_names();
    struct name *entry = object != NULL ? name_entry(object) : NULL;
    if (entry != NULL)
        snprintf(name, size, "%s", entry->text);
    unlock_names();
    return entry != NULL;
}
