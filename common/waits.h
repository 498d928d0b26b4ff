/* waits.h - the wait registry: what each thread of a test waits for, and which mutexes it holds.
 *
 * The wrappers of sync.h tell the registry, at every call that may block, what the calling
 * thread is about to wait for (a mutex, a condition variable with its mutex, a thread in
 * thread_join) and at which file and line; and, at every lock and unlock, which mutexes it holds
 * and where it took each. The kit's deadlock watchdog (deadlock_watchdog.h) reads the registry
 * to tell a test that can never finish from one that is merely slow, and to say why.
 *
 * The registry is off unless a test's process turns it on (waits_start_recording): lesson
 * programs and benchmarks never pay for it. Off, each wrapper's hook costs one relaxed atomic
 * load. On, each thread writes only its own record, so threads never wait for one another
 * here: a record has a version number that its thread makes odd while it writes and even again
 * when it is done, and a reader copies a record until it finds the same even version before and
 * after (a sequence lock). The version also counts what the thread has done: a record whose
 * version has not moved belongs to a thread that has not passed through any wrapper.
 *
 * The kit knows a thread if thread_create() made it, or if it is the thread that turned the
 * registry on (the test's thread). Threads made any other way have no record, and their calls
 * are not recorded.
 */
#ifndef KIT_WAITS_H
#define KIT_WAITS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- For tests: naming what threads wait for ----------------------------------------------- */

/* Gives a mutex or condition variable a name for the watchdog's reports: waits_name(&account->
 * lock, "account %zu's lock", i) makes a report say "waits for account 3's lock" instead of
 * "waits for mutex A". Names longer than WAITS_NAME_SIZE - 1 bytes are cut short. */
#define WAITS_NAME_SIZE 48
void waits_name(const void *object, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- For the test runner ------------------------------------------------------------------- */

/* Turns the registry on in this process, with the calling thread as "the test's thread". */
void waits_start_recording(void);

/* ---- For sync.c's wrappers ----------------------------------------------------------------- */

/* A thread's record; thread_create() hands it from the new thread's creator to the thread. */
struct waits_record;

/* The hooks below do nothing unless the registry is on; each is called as the line says. */
extern atomic_bool waits_recording;

static inline bool waits_on(void)
{
    return atomic_load_explicit(&waits_recording, memory_order_relaxed);
}

/* thread_create: a record for the thread about to be made (NULL if the registry is off or
 * full: the thread is then one the kit does not know), its pthread_t once pthread_create has
 * returned, and, in the new thread, that it has started and that it is ending. */
struct waits_record *waits_new_thread(void);
void waits_thread_made(struct waits_record *record, pthread_t thread);
void waits_thread_started(struct waits_record *record);
void waits_thread_ending(void);

void waits_record_mutex_wait(pthread_mutex_t *mutex, const char *file, int line);
void waits_record_mutex_taken(pthread_mutex_t *mutex, const char *file, int line);
void waits_record_mutex_released(pthread_mutex_t *mutex);
void waits_record_condition_wait(pthread_cond_t *cond, pthread_mutex_t *mutex, const char *file,
                                 int line);
void waits_record_condition_woken(pthread_mutex_t *mutex);
void waits_record_join_wait(pthread_t thread, const char *file, int line);
void waits_record_joined(pthread_t thread);
void waits_record_destroyed(const void *object);

/* Just before a call that may block, and just after it returned. */
static inline void waits_for_mutex(pthread_mutex_t *mutex, const char *file, int line)
{
    if (waits_on())
        waits_record_mutex_wait(mutex, file, line);
}

static inline void waits_took_mutex(pthread_mutex_t *mutex, const char *file, int line)
{
    if (waits_on())
        waits_record_mutex_taken(mutex, file, line);
}

static inline void waits_released_mutex(pthread_mutex_t *mutex)
{
    if (waits_on())
        waits_record_mutex_released(mutex);
}

static inline void waits_for_condition(pthread_cond_t *cond, pthread_mutex_t *mutex,
                                       const char *file, int line)
{
    if (waits_on())
        waits_record_condition_wait(cond, mutex, file, line);
}

static inline void waits_woken(pthread_mutex_t *mutex)
{
    if (waits_on())
        waits_record_condition_woken(mutex);
}

static inline void waits_for_thread(pthread_t thread, const char *file, int line)
{
    if (waits_on())
        waits_record_join_wait(thread, file, line);
}

static inline void waits_joined(pthread_t thread)
{
    if (waits_on())
        waits_record_joined(thread);
}

/* mutex_destroy and cond_destroy: the object's name is forgotten (its memory may be reused). */
static inline void waits_destroyed(const void *object)
{
    if (waits_on())
        waits_record_destroyed(object);
}

/* ---- For the watchdog: a copy of every record --------------------------------------------- */

enum waits_state {
    WAITS_FREE,       /* no thread */
    WAITS_CREATED,    /* thread_create is making the thread: it has not started yet */
    WAITS_RUNNING,    /* the thread runs (or waits) */
    WAITS_ENDED,      /* its start function has returned; nobody has joined it yet */
    WAITS_GONE,       /* ended and joined, but kept: it ended holding mutexes */
};

enum waits_kind {
    WAITS_NOTHING,    /* the thread is not in a wrapper that may block */
    WAITS_MUTEX,      /* in mutex_lock: object is the mutex */
    WAITS_CONDITION,  /* in cond_wait: object is the condition variable, mutex its mutex */
    WAITS_THREAD,     /* in thread_join: target is the number of the thread it waits for */
};

/* The number of the test's thread; other threads are 1, 2, ... in the order thread_create made
 * them. WAITS_UNKNOWN_THREAD: a thread the kit does not know. */
#define WAITS_TEST_THREAD 0
#define WAITS_UNKNOWN_THREAD (-1L)

#define WAITS_MAX_THREADS 256   /* alive (or ended holding a mutex) at once */
#define WAITS_MAX_HELD 32       /* mutexes one thread holds at once that the registry keeps */

struct waits_held_view {
    const void *mutex;
    const char *file;          /* where it was taken */
    int line;
    bool lent;                 /* given up for now by a cond_wait on it */
};

struct waits_view {
    unsigned long version;     /* moves whenever the thread passes through a wrapper */
    enum waits_state state;
    long number;
    int tid;                   /* the kernel's thread id (Linux), 0 until the thread starts */
    enum waits_kind kind;
    const void *object;
    const void *mutex;
    long target;
    const char *file;          /* where it waits */
    int line;
    int held_count;
    int held_missed;           /* mutexes it holds beyond WAITS_MAX_HELD */
    struct waits_held_view held[WAITS_MAX_HELD];
};

/* Copies the record in slot `slot` (0 .. WAITS_MAX_THREADS-1) into *view, consistent as its
 * thread last left it. False if the slot is free, or if its thread kept writing to it while
 * it was read (the thread is running, then). */
bool waits_look(size_t slot, struct waits_view *view);

/* The name given to `object` with waits_name, copied into `name`; false if it has none. */
bool waits_name_of(const void *object, char *name, size_t size);

#endif
