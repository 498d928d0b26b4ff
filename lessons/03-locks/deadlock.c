/* deadlock.c - a deadlock made on purpose, detected instead of hung (see deadlock.h).
 *
 * A thread blocked in mutex_lock() waits forever if the mutex is never unlocked, and a demo
 * that hangs teaches nothing. So these threads ask for their second mutex with
 * mutex_trylock(), which answers at once, and give up after a bounded number of tries with a
 * pause between them (pthread_mutex_timedlock would be simpler, but macOS does not have it).
 * Giving up proves nothing by itself (the holder might just be slow), so each thread also says
 * what it holds and what it waits for; a cycle in that wait-for graph is the proof.
 */
#include "deadlock.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "sync.h"
#include "timing.h"
#include "trace.h"

#define LONGEST_PAUSE_MS 16   /* back-off doubles from 1 ms up to this */
#define NOBODY (-1)

struct ring;

/* One thread of the ring, and what it reports. */
struct ring_thread {
    struct ring *ring;
    pthread_t thread;
    unsigned number;          /* 0 .. count-1; printed as number + 1 */
    unsigned first, second;   /* the mutexes it takes, in this order */
    bool got_second;
    unsigned tries;
    double waited_ms;
};

/* The mutexes, the threads, and what the threads need to line up with each other. */
struct ring {
    unsigned count;                         /* threads, and mutexes */
    pthread_mutex_t mutexes[DEADLOCK_MAX_THREADS];
    struct ring_thread threads[DEADLOCK_MAX_THREADS];
    atomic_uint holding_first;              /* threads that hold their first mutex */
    atomic_uint done_trying;                /* threads that got their second or gave up */
    long patience_ms;
    long hold_ms;
};

/* What deadlock.h calls a run. */
struct deadlock_run {
    struct ring ring;
};

static char mutex_name(unsigned index)
{
    return (char)('A' + index);
}

/* Waits until *value reaches target. The wait is short and lines threads up; it is not the
 * lesson, so it spins on an atomic (yielding the core) rather than using traced primitives. */
static void wait_until_at_least(atomic_uint *value, unsigned target)
{
    while (atomic_load_explicit(value, memory_order_acquire) < target)
        sched_yield();
}

/* Tries mutex_trylock() until it succeeds or patience_ms have been spent pausing. */
static void try_second_mutex(struct ring_thread *me)
{
    pthread_mutex_t *wanted = &me->ring->mutexes[me->second];
    long pause_ms = 1, paused_ms = 0;
    double start = now_seconds();
    trace_begin_waiting("trylock %c, pause, again...", mutex_name(me->second));
    for (me->tries = 1;; me->tries++) {
        if (mutex_trylock(wanted)) {
            me->got_second = true;
            break;
        }
        if (paused_ms >= me->ring->patience_ms)
            break;   /* bounded: a deadlocked thread stops asking and says so */
        sleep_ms(pause_ms);
        paused_ms += pause_ms;
        pause_ms = pause_ms * 2 > LONGEST_PAUSE_MS ? LONGEST_PAUSE_MS : pause_ms * 2;
    }
    trace_end();
    me->waited_ms = (now_seconds() - start) * 1e3;
}

static void *take_first_then_second(void *arg)
{
    struct ring_thread *me = arg;
    struct ring *ring = me->ring;
    trace_name_thread("%c then %c", mutex_name(me->first), mutex_name(me->second));

    /* Thread k locks its first mutex after threads 0 .. k-1 have locked theirs: A is locked
     * before B, so the tracer names them in that order. Then every thread waits for all. */
    wait_until_at_least(&ring->holding_first, me->number);
    mutex_lock(&ring->mutexes[me->first]);
    atomic_fetch_add_explicit(&ring->holding_first, 1, memory_order_release);
    wait_until_at_least(&ring->holding_first, ring->count);

    try_second_mutex(me);
    if (me->got_second)
        mutex_unlock(&ring->mutexes[me->second]);
    else
        trace_note("gave up on %c after %u tries", mutex_name(me->second), me->tries);

    /* Hold on to the first mutex until everyone has tried: the reports then describe one
     * moment, in which every thread that gave up was still holding its first mutex. */
    atomic_fetch_add_explicit(&ring->done_trying, 1, memory_order_release);
    wait_until_at_least(&ring->done_trying, ring->count);
    mutex_unlock(&ring->mutexes[me->first]);
    return NULL;
}

static void *take_lower_first(void *arg)
{
    struct ring_thread *me = arg;
    unsigned lower = me->first < me->second ? me->first : me->second;
    unsigned higher = me->first < me->second ? me->second : me->first;
    trace_name_thread("%c then %c (ordered)", mutex_name(lower), mutex_name(higher));
    mutex_lock(&me->ring->mutexes[lower]);
    mutex_lock(&me->ring->mutexes[higher]);
    trace_begin("uses %c and %c", mutex_name(lower), mutex_name(higher));
    sleep_ms(me->ring->hold_ms);
    trace_end();
    mutex_unlock(&me->ring->mutexes[higher]);
    mutex_unlock(&me->ring->mutexes[lower]);
    me->got_second = true;
    return NULL;
}

/* Starts one thread per mutex running `body`. */
static void start_ring(struct ring *ring, void *(*body)(void *))
{
    for (unsigned k = 0; k < ring->count; k++)
        mutex_init(&ring->mutexes[k]);
    for (unsigned k = 0; k < ring->count; k++) {
        ring->threads[k] = (struct ring_thread){ .ring = ring, .number = k, .first = k,
                                                 .second = (k + 1) % ring->count };
        thread_create(&ring->threads[k].thread, body, &ring->threads[k]);
    }
}

/* Joins every thread of the ring; their reports are then safe to read. */
static void end_ring(struct ring *ring)
{
    for (unsigned k = 0; k < ring->count; k++)
        thread_join(ring->threads[k].thread);
    for (unsigned k = 0; k < ring->count; k++)
        mutex_destroy(&ring->mutexes[k]);
}

/* ---- The wait-for graph ---------------------------------------------------------------------
 * In the moment the reports describe, mutex m is held by holder[m] (every thread still held its
 * first mutex), and thread t waits for waits_for[t], or for nothing if it got it. Following
 * t -> waits_for[t] -> its holder -> ... either ends at a thread that waits for nothing, or
 * comes back to a thread already seen: a cycle, which no thread in it can ever leave. */

struct wait_for_graph {
    unsigned count;
    int holder[DEADLOCK_MAX_THREADS];      /* thread holding mutex m, or NOBODY */
    int waits_for[DEADLOCK_MAX_THREADS];   /* mutex thread t waits for, or NOBODY */
    bool in_cycle[DEADLOCK_MAX_THREADS];   /* thread t is part of the cycle found */
};

/* Fills in the graph from the reports; returns how many threads the cycle has (0: none). */
static unsigned find_cycle(const struct ring_thread *threads, unsigned count,
                           struct wait_for_graph *graph)
{
    *graph = (struct wait_for_graph){ .count = count };
    for (unsigned t = 0; t < count; t++) {
        graph->holder[threads[t].first] = (int)t;
        graph->waits_for[t] = threads[t].got_second ? NOBODY : (int)threads[t].second;
    }
    for (unsigned start = 0; start < count; start++) {
        int step_seen[DEADLOCK_MAX_THREADS];
        for (unsigned t = 0; t < count; t++)
            step_seen[t] = NOBODY;
        int t = (int)start;
        for (int step = 0; graph->waits_for[t] != NOBODY; step++) {
            if (step_seen[t] != NOBODY) {   /* back at t: the threads since then form a cycle */
                unsigned length = (unsigned)(step - step_seen[t]);
                for (unsigned k = 0; k < length; k++) {
                    graph->in_cycle[t] = true;
                    t = graph->holder[graph->waits_for[t]];
                }
                return length;
            }
            step_seen[t] = step;
            t = graph->holder[graph->waits_for[t]];
        }
    }
    return 0;
}

/* Threads are ellipses, mutexes boxes; "held by" runs mutex -> thread and "waits for" thread
 * -> mutex, so a deadlock is a cycle of arrows, drawn in red. */
static int write_wait_for_graph(const char *path, const struct ring_thread *threads,
                                const struct wait_for_graph *graph)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return -1;
    }
    fprintf(out, "digraph wait_for {\n"
                 "  layout=circo; mindist=1.1; pad=0.3;\n"
                 "  node [fontname=Helvetica, fontsize=13, style=filled];\n"
                 "  edge [fontname=Helvetica, fontsize=11, penwidth=1.6, arrowsize=0.8];\n");
    for (unsigned t = 0; t < graph->count; t++) {
        fprintf(out, "  t%u [shape=ellipse, fillcolor=\"#d9ead3\", label=\"thread %u\\n"
                     "takes %c then %c\"];\n", t, t + 1, mutex_name(threads[t].first),
                mutex_name(threads[t].second));
        fprintf(out, "  m%u [shape=box, style=\"rounded,filled\", fillcolor=\"#cfe2f3\", "
                     "label=\"mutex %c\"];\n", t, mutex_name(t));
    }
    for (unsigned m = 0; m < graph->count; m++) {
        int t = graph->holder[m];
        if (t == NOBODY)
            continue;
        bool cycle = graph->in_cycle[t] && graph->waits_for[t] != NOBODY;
        fprintf(out, "  m%u -> t%d [label=\" held by \", color=%s, fontcolor=%s];\n", m, t,
                cycle ? "red3" : "gray40", cycle ? "red3" : "gray25");
    }
    for (unsigned t = 0; t < graph->count; t++) {
        if (graph->waits_for[t] == NOBODY)
            continue;
        const char *colour = graph->in_cycle[t] ? "red3" : "gray40";
        fprintf(out, "  t%u -> m%d [label=\" waits for \", style=dashed, color=%s, "
                     "fontcolor=%s];\n", t, graph->waits_for[t], colour, colour);
    }
    bool deadlock = false;
    for (unsigned t = 0; t < graph->count; t++)
        deadlock = deadlock || graph->in_cycle[t];
    fprintf(out, "  labelloc=b; fontname=Helvetica; fontsize=13;\n  label=<<b>wait-for graph"
                 "</b>: %s>;\n}\n", deadlock
            ? "a cycle, so <font color=\"red3\">a deadlock</font>: every thread in it waits "
              "for a mutex<br/>that the next one holds, and none of them will ever let go"
            : "no cycle, so no deadlock");
    if (fclose(out) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* ---- What the demo prints ------------------------------------------------------------------- */

struct deadlock_run *start_deadlock(unsigned threads, long patience_ms)
{
    struct deadlock_run *run = malloc(sizeof *run);
    if (run == NULL) {
        perror("start_deadlock");
        exit(1);
    }
    struct ring *ring = &run->ring;
    ring->count = threads;
    ring->patience_ms = patience_ms;
    ring->hold_ms = 0;
    atomic_init(&ring->holding_first, 0);
    atomic_init(&ring->done_trying, 0);
    start_ring(ring, take_first_then_second);
    wait_until_at_least(&ring->holding_first, threads);
    return run;
}

bool finish_deadlock(struct deadlock_run *run, const char *waitfor_path)
{
    struct ring *ring = &run->ring;
    unsigned threads = ring->count;
    end_ring(ring);
    const struct ring_thread *ring_threads = ring->threads;

    for (unsigned t = 0; t < threads; t++) {
        const struct ring_thread *r = &ring_threads[t];
        printf("  thread %u took %c, then %s %c after %u %s (%.0f ms)\n", t + 1,
               mutex_name(r->first), r->got_second ? "got" : "gave up on",
               mutex_name(r->second), r->tries, r->tries == 1 ? "try" : "tries", r->waited_ms);
    }
    struct wait_for_graph graph;
    unsigned cycle = find_cycle(ring_threads, threads, &graph);
    if (cycle > 0) {
        printf("  DEADLOCK, a cycle in the wait-for graph:\n");
        unsigned t = 0;
        while (!graph.in_cycle[t])
            t++;
        for (unsigned k = 0; k < cycle; k++) {
            unsigned next = (unsigned)graph.holder[graph.waits_for[t]];
            printf("    thread %u waits for %c, which thread %u holds\n", t + 1,
                   mutex_name((unsigned)graph.waits_for[t]), next + 1);
            t = next;
        }
        printf("  %s could ever go on. They noticed because they asked with a limit "
               "(mutex_trylock),\n  let go of what they held and said so; with mutex_lock "
               "they would have waited forever.\n", cycle == 2 ? "Neither" : "None of them");
    } else {
        printf("  no cycle in the wait-for graph: no deadlock this time\n");
    }
    if (waitfor_path != NULL && write_wait_for_graph(waitfor_path, ring_threads, &graph) == 0)
        printf("  wait-for graph written to %s\n", waitfor_path);
    free(run);
    return cycle > 0;
}

bool show_deadlock(unsigned threads, long patience_ms, const char *waitfor_path)
{
    return finish_deadlock(start_deadlock(threads, patience_ms), waitfor_path);
}

void show_lock_ordering(unsigned threads, long hold_ms)
{
    struct ring ring = { .count = threads, .hold_ms = hold_ms };
    start_ring(&ring, take_lower_first);
    end_ring(&ring);
    unsigned finished = 0;
    for (unsigned t = 0; t < threads; t++)
        finished += ring.threads[t].got_second;
    printf("  The same %u threads, each taking the lower of its two mutexes first "
           "(thread %u: A then %c):\n  %u of %u finished, with mutex_lock(): in one "
           "global order, no cycle can form.\n", threads, threads, mutex_name(threads - 1),
           finished, threads);
}
