/* trace.h - the kit's thread tracer: record what the threads really did, then draw it.
 *
 * A lesson program calls trace_open() when it is run with --trace PREFIX. From then on the
 * checked wrappers of sync.h (thread_create, mutex_lock, ...) record one event per call, with
 * the time it happened and the thread that made it; a lesson adds its own notes and spans.
 * trace_close() writes three views of the same run:
 *
 *   PREFIX-hb.dot        happens-before diagram: one lane per thread in program order, arrows
 *                        for create -> start, exit -> join, unlock -> next lock of the same
 *                        mutex, post -> the wait it released, signal -> the wait it woke,
 *                        put -> the get that took the item (render with `dot`)
 *   PREFIX-timeline.dot  swimlane timeline at true scale: when each thread ran, worked and
 *                        was blocked (render with `neato -n2`)
 *   PREFIX.json          Chrome trace-event JSON for https://ui.perfetto.dev or chrome://tracing
 *
 * Several processes (the ranks of an MPI program) are traced each on its own, then drawn as one
 * run: each calls trace_open_process() and trace_close(), which then writes only its events, and
 * one process calls trace_merge_processes() once all have closed. Each process's threads get
 * lanes of their own; trace_send() and trace_receive() of the same message are an arrow.
 *
 * Recording is off until trace_open() is called; every function here is then a cheap no-op, so
 * lesson code calls them unconditionally. Only the first few events of each thread are kept
 * (TRACE_DEFAULT_LIMIT, trace_set_limit, or TRACE_LIMIT=N in the environment when trace_open
 * is called) so that a diagram fits on a slide.
 */
#ifndef KIT_TRACE_H
#define KIT_TRACE_H

#include <pthread.h>
#include <stdbool.h>

#define TRACE_DEFAULT_LIMIT 40

/* What an event records. The sync.h wrappers record the synchronisation kinds; lesson code
 * normally only calls trace_note(), trace_begin() and trace_end(). */
enum trace_kind {
    TRACE_CREATE,       /* this thread created another (token: the new thread's lane) */
    TRACE_START,        /* first event of every thread */
    TRACE_EXIT,         /* last event of every thread */
    TRACE_JOIN_WAIT,    /* about to wait for a thread to end (token: its lane) */
    TRACE_JOIN,         /* that thread has ended (token: its lane) */
    TRACE_LOCK_WAIT,    /* about to lock a mutex (object: the mutex) */
    TRACE_LOCK,         /* holds the mutex now */
    TRACE_UNLOCK,       /* released the mutex */
    TRACE_SEM_WAIT,     /* about to wait on a semaphore (object: the semaphore) */
    TRACE_SEM_TAKEN,    /* the wait returned: one unit taken */
    TRACE_SEM_POST,     /* one unit added */
    TRACE_COND_WAIT,    /* about to wait on a condition variable (object: the condvar) */
    TRACE_COND_WOKEN,   /* the wait returned, mutex held again */
    TRACE_COND_SIGNAL,  /* woke at most one waiter */
    TRACE_COND_BROADCAST, /* woke every waiter */
    TRACE_PUT,          /* put an item in a queue (object: the queue, token: the item's id) */
    TRACE_GET,          /* took an item from a queue (object: the queue, token: the item's id) */
    TRACE_BEGIN,        /* a span of work begins (label says what) */
    TRACE_END,          /* the innermost open span ends */
    TRACE_NOTE,         /* something the lesson wants on the diagram, e.g. "read counter = 41" */
    TRACE_SEND,         /* sent a message to another process (token: the message's number) */
    TRACE_RECEIVE,      /* received that message (token: the same number) */
};

/* Starts recording; the files are written by trace_close(). Returns 0, or -1 with a message on
 * stderr if PREFIX's folder cannot be written. Call it from main() before creating threads. */
int trace_open(const char *prefix);

/* Writes PREFIX-hb.dot, PREFIX-timeline.dot and PREFIX.json and stops recording. Call it from
 * main() after every traced thread has been joined. Returns 0, or -1 with a message on stderr. */
int trace_close(void);

/* For a traced run that is skipped because an exercise it needs is not done yet: writes
 * PREFIX's three files all the same, of a run in which the calling thread only notes why (the
 * note: fmt and what follows, as for printf). `make diagrams` then draws diagrams that say why
 * there is nothing else to see, where it would otherwise stop, or draw a run that shows
 * nothing. Call it with tracing off (trace_close() writes the same files: this overwrites
 * them). Returns 0, or -1 with a message on stderr. */
int trace_skipped(const char *prefix, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For one of several processes traced together (an MPI program's ranks): as trace_open(), but
 * the lane of the calling thread is named "rank PROCESS", and trace_close() writes only this
 * process's events, to PREFIX.process-PROCESS, for trace_merge_processes(). Each process
 * calls it with its own number (0, 1, ...) and the same PREFIX. Returns 0, or -1 with a message
 * on stderr. */
int trace_open_process(const char *prefix, int process);

/* Called by one process after every process 0 .. processes - 1 has returned from its
 * trace_close() (an MPI program: after an MPI_Barrier): reads their events, writes the three
 * views of them all as one run (the lanes of process 0 first), and removes the events files.
 * Times are lined up by CLOCK_MONOTONIC, which processes on one machine share; on several
 * machines their clocks differ, and the picture with them. Returns 0, or -1 with a message on
 * stderr. Call it with tracing off. */
int trace_merge_processes(const char *prefix, int processes);

/* A message to or from another process, drawn as an arrow from its send to its receive. The
 * two processes must give the message the same number, one that no other message of the run
 * has (e.g. from the sender, the receiver and how many the sender sent it before); the label
 * says what it was ("send 1 KiB to rank 1"). Call trace_send() just before sending and
 * trace_receive() once the message has arrived. */
void trace_send(long message, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void trace_receive(long message, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True between trace_open() and trace_close(). */
bool trace_on(void);

/* Keeps at most this many events per thread (later ones are counted, not kept; a thread's start
 * and exit are always kept). Back to TRACE_DEFAULT_LIMIT after trace_close(). */
void trace_set_limit(unsigned events_per_thread);

/* Names the calling thread's lane ("main", "worker 2"); by default lanes are T1, T2, ... */
void trace_name_thread(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A labelled point on the calling thread's lane. */
void trace_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A labelled span of work on the calling thread's lane; spans nest. */
void trace_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void trace_end(void);

/* A labelled span in which the thread waits for the world (a sleep, a download, a disk read)
 * rather than computing; drawn as waiting. Ended by trace_end(). */
void trace_begin_waiting(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The token of a TRACE_BEGIN event: what kind of span it opens. */
#define TRACE_SPAN_WORKING 0
#define TRACE_SPAN_WAITING 1

/* Records one synchronisation event of the calling thread; object is the mutex, semaphore,
 * condition variable or queue it concerns (NULL if none), token as described for each kind. */
void trace_event(enum trace_kind kind, const void *object, long token);

/* For sync.h's thread_create(): reserves the lane of a thread about to be created. The new
 * thread calls trace_thread_started(lane) first and trace_thread_exiting() last. */
long trace_new_lane(void);
void trace_thread_started(long lane);
void trace_thread_exiting(void);

/* For sync.h's thread_create() and thread_join(): remembers which lane the created thread has,
 * and finds it again (then forgets it) when that thread is joined; -1 if unknown or off. */
void trace_remember_thread(long lane, pthread_t thread);
long trace_forget_thread(pthread_t thread);

/* The calling thread's lane (0 for the thread that called trace_open), or -1 when off (or for
 * a thread past the first 64, which is not traced). */
long trace_lane(void);

#endif
