/* deadlock_watchdog.c - see deadlock_watchdog.h.
 *
 * When is a process stuck for good? The rule, and why a correct program can never meet it:
 *
 *   at two looks at least DEADLOCK_QUIET_SECONDS apart, and at every look in between,
 *   (1) every thread of the process (from /proc/self/task, less the watchdog and the sanitizer's
 *       own threads) has a record in the registry, and the record says it waits in a wrapper;
 *   (2) the kernel says every one of them is asleep;
 *   (3) no record has changed: each version number is the same.
 *
 * A thread whose record says it waits is somewhere between the wrapper's "about to wait" and
 * its "done waiting": before the pthread call, inside it, or just back from it. Before and just
 * after the call it runs and does not sleep (nothing between the record and the call can
 * sleep), so by (2) each thread is asleep inside its pthread_mutex_lock, pthread_cond_wait or
 * pthread_join. Only another thread can wake it: by unlocking, signalling or ending. To do any of
 * that, that thread must itself have returned from its own wait, and the wrapper then records
 * "done waiting" before the thread's code goes on, which changes its version, against (3). A
 * thread just woken but not yet recorded (the window between pthread_mutex_lock returning and
 * the record) is running, so the kernel does not call it asleep, against (2). A thread that
 * (1) does not cover, because the kit did not make it, or it sleeps, polls or spins in code of
 * its own, could wake the others: then there is no diagnosis. The kit has no timed waits, and
 * its mutexes and condition variables are private to the process. So under (1)-(3) no thread
 * can ever be woken: the state cannot change any more, and describing it is always right.
 * Asking the kernel, on top of the versions, is what makes this hold even on a machine so busy
 * that a woken thread waits longer than the quiet period for a core.
 *
 * The watchdog is started by the runner before each test (not at the first thread_create): a
 * test whose only thread locks a mutex it already holds is caught too, and the threads present
 * before the test's code runs are known to be the sanitizer's, not the test's.
 */
#include "deadlock_watchdog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadlock_description.h"
#include "deadlock_reports.h"
#include "waits.h"

#define LOOK_EVERY_NS (100 * 1000 * 1000L)
#define MAX_OTHER_THREADS 16   /* threads present before the test: the watchdog, a sanitizer's */
#define MAX_TIDS (WAITS_MAX_THREADS + MAX_OTHER_THREADS)

static double quiet_seconds;
static const char *(*test_name)(void);
static DIR *task_folder;                  /* /proc/self/task, open for the whole test */
static int other_threads[MAX_OTHER_THREADS];
static size_t other_count;

/* The starting thread notes the other threads once the watchdog exists, then tells it whether
 * to watch; until then the watchdog waits, and the starting thread alone reads task_folder. */
enum { NOT_YET, WATCH, DO_NOT_WATCH };
static atomic_int watching;

/* What one look saw: every record in use, and the threads the kernel lists. */
struct look {
    size_t count;
    size_t slots[WAITS_MAX_THREADS];
    struct waits_view views[WAITS_MAX_THREADS];
    size_t tid_count;
    int tids[MAX_TIDS];
};

/* Two looks, the last one and this one, swapped each time: half a megabyte, too much for a
 * stack. */
static struct look looks[2];

/* The thread ids the kernel lists for this process, but the watchdog's and the sanitizer's;
 * -1 if they cannot be read or are too many. */
static long list_threads(int *tids, size_t size)
{
    rewinddir(task_folder);
    size_t count = 0;
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(task_folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        int tid = atoi(entry->d_name);
        bool other = false;
        for (size_t i = 0; i < other_count; i++)
            other = other || other_threads[i] == tid;
        if (other)
            continue;
        if (count == size)
            return -1;
        tids[count++] = tid;
    }
    return errno == 0 ? (long)count : -1;
}

/* Whether the kernel says thread `tid` is asleep (state S: waiting for an event, here a futex).
 * A thread that runs, or is ready to run, is R; false too if its state cannot be read. */
static bool asleep(int tid)
{
    char path[32], stat[512];
    snprintf(path, sizeof path, "%d/stat", tid);
    int fd = openat(dirfd(task_folder), path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t got = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (got <= 0)
        return false;
    stat[got] = '\0';
    /* "TID (NAME) S ...": the name may hold spaces and parentheses, so the state is the first
     * field after the last ')'. */
    const char *end_of_name = strrchr(stat, ')');
    return end_of_name != NULL && end_of_name[1] == ' ' && end_of_name[2] == 'S';
}

/* Reads every record in use into *look. */
static void read_records(struct look *look)
{
    look->count = 0;
    for (size_t slot = 0; slot < WAITS_MAX_THREADS; slot++) {
        if (!waits_look(slot, &look->views[look->count]))
            continue;   /* free (or busy: then its version will have moved by the next look) */
        look->slots[look->count++] = slot;
    }
}

/* Condition (1) of the rule: every thread is known, and its record says it waits. */
static bool all_known_and_waiting(struct look *look)
{
    for (size_t i = 0; i < look->count; i++) {
        const struct waits_view *view = &look->views[i];
        if (view->state == WAITS_CREATED)
            return false;   /* a thread is being made */
        if (view->state == WAITS_RUNNING && view->kind == WAITS_NOTHING)
            return false;
    }
    long tids = list_threads(look->tids, MAX_TIDS);
    if (tids < 0)
        return false;
    look->tid_count = (size_t)tids;
    for (size_t t = 0; t < look->tid_count; t++) {
        bool known = false;
        for (size_t i = 0; i < look->count && !known; i++)
            known = look->views[i].state == WAITS_RUNNING && look->views[i].tid == look->tids[t];
        if (!known)
            return false;   /* made without the kit, or ending (its record says ENDED) */
    }
    return true;
}

/* Condition (3) against the previous look: the same records, with the same versions. */
static bool nothing_moved(const struct look *before, const struct look *now)
{
    if (before->count != now->count || before->tid_count != now->tid_count)
        return false;
    for (size_t i = 0; i < now->count; i++)
        if (before->slots[i] != now->slots[i] ||
            before->views[i].version != now->views[i].version)
            return false;
    for (size_t t = 0; t < now->tid_count; t++)
        if (before->tids[t] != now->tids[t])
            return false;
    return true;
}

/* Condition (2). */
static bool all_asleep(const struct look *look)
{
    for (size_t t = 0; t < look->tid_count; t++)
        if (!asleep(look->tids[t]))
            return false;
    return true;
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* FOLDER/TEST.dot, with KIT_DEADLOCK_DIR=FOLDER. */
static void draw(const char *test, const struct look *look)
{
    const char *folder = getenv("KIT_DEADLOCK_DIR");
    if (folder == NULL || *folder == '\0')
        return;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.dot", folder, test);
    deadlock_draw(look->views, look->count, test, path);   /* says on stderr if it cannot */
}

/* The test fails: its reason goes to the runner, and the process ends. */
static void __attribute__((noreturn)) report(const struct look *look)
{
    char reason[DEADLOCK_REASON_SIZE];
    deadlock_describe(look->views, look->count, reason, sizeof reason);
    const char *test = test_name();
    draw(test, look);
    if (!deadlock_report_send(test, reason))
        fprintf(stderr, "%s: %s\n", test, reason);   /* no runner to tell: say it here */
    /* _exit, not exit: the other threads are stuck inside the code under test, and nothing of
     * the test's (atexit handlers, stdio buffers) should run or wait for them. */
    _exit(DEADLOCK_EXIT_STATUS);
}

/* Sleeps for the pause between looks. */
static void pause_between_looks(void)
{
    struct timespec pause = { 0, LOOK_EVERY_NS };
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
        continue;
}

static void *watch(void *unused)
{
    (void)unused;
    int decision;
    while ((decision = atomic_load_explicit(&watching, memory_order_acquire)) == NOT_YET)
        pause_between_looks();
    if (decision == DO_NOT_WATCH)
        return NULL;
    struct look *before = &looks[0], *now = &looks[1];
    bool stuck_before = false;
    double quiet_since = -1;   /* time of the first look of the quiet stretch; -1: none */
    for (;;) {
        pause_between_looks();
        read_records(now);
        bool stuck = all_known_and_waiting(now);
        if (!stuck || !stuck_before || !nothing_moved(before, now) || !all_asleep(now)) {
            quiet_since = -1;
        } else if (quiet_since < 0) {
            quiet_since = seconds_now();
        } else if (seconds_now() - quiet_since >= quiet_seconds) {
            report(now);
        }
        stuck_before = stuck;
        struct look *swap = before;
        before = now;
        now = swap;
    }
    return NULL;
}

/* The threads there are besides the test's, noted before the test's code runs: the watchdog,
 * and any a sanitizer starts with the first pthread_create (ThreadSanitizer does). False if
 * there are too many to note: then the test's threads cannot be told from them. */
static bool note_other_threads(void)
{
    int tids[MAX_OTHER_THREADS + 1];
    long count = list_threads(tids, MAX_OTHER_THREADS + 1);
    if (count < 0 || count > MAX_OTHER_THREADS)
        return false;
    int me = (int)getpid();   /* the test's thread is the process's first */
    for (long i = 0; i < count; i++)
        if (tids[i] != me)
            other_threads[other_count++] = tids[i];
    return true;
}

void deadlock_watchdog_start(double quiet, const char *(*name)(void))
{
    static bool started;
    if (started)
        return;
    started = true;
    waits_start_recording();
    quiet_seconds = quiet;
    test_name = name;
    /* Open for the whole test: a test that counts its open files counts this one both before
     * and after. Without /proc (not Linux) the registry still records, and nobody diagnoses. */
    task_folder = opendir("/proc/self/task");
    if (task_folder == NULL)
        return;
    /* The watchdog takes no signal meant for the test's code: it starts with all blocked. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_t thread;
    int error = pthread_create(&thread, NULL, watch, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (error != 0) {
        /* The test runs without it: a deadlock then times out, as it always did. */
        fprintf(stderr, "deadlock watchdog: pthread_create: %s\n", strerror(error));
        return;
    }
    atomic_store_explicit(&watching, note_other_threads() ? WATCH : DO_NOT_WATCH,
                          memory_order_release);
}
