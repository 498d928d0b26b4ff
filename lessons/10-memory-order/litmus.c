/* litmus.c - the litmus harness (see litmus.h).
 *
 * For each batch: fresh copies ("cells") of the test's variables, x and y each on a cache line
 * of its own; one thread per test thread, made once for the batch; before each cell, the
 * threads meet at a spinning start line, and the last to arrive releases them all. A thread
 * runs its accesses on the cell and writes what its loads read into its own slots of the
 * cell's row of registers; after the batch, the main thread counts the rows. (The start line's
 * read-modify-write also empties each thread's store buffer, so every cell starts clean.)
 */
#include "litmus.h"

#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync.h"
#include "timing.h"

struct cell {
    alignas(64) atomic_int x;
    alignas(64) atomic_int y;
};

typedef void (*litmus_body)(struct cell *cell, int *registers);

/* ---- The tests' threads, for each choice of orders --------------------------------------- */

/* BETWEEN is what separates a thread's two accesses: a compiler barrier, or a fence. */
#define COMPILER_BARRIER atomic_signal_fence(memory_order_seq_cst)
#define FENCE atomic_thread_fence(memory_order_seq_cst)

#define SB_THREADS(name, STORE, LOAD, BETWEEN)                                                 \
    static void sb0_##name(struct cell *c, int *r)                                             \
    {                                                                                          \
        atomic_store_explicit(&c->x, 1, STORE);                                                \
        BETWEEN;                                                                               \
        r[0] = atomic_load_explicit(&c->y, LOAD);                                              \
    }                                                                                          \
    static void sb1_##name(struct cell *c, int *r)                                             \
    {                                                                                          \
        atomic_store_explicit(&c->y, 1, STORE);                                                \
        BETWEEN;                                                                               \
        r[1] = atomic_load_explicit(&c->x, LOAD);                                              \
    }

#define MP_THREADS(name, STORE, LOAD, BETWEEN)                                                 \
    static void mp0_##name(struct cell *c, int *r)                                             \
    {                                                                                          \
        (void)r;                                                                               \
        atomic_store_explicit(&c->x, 1, STORE);                                                \
        BETWEEN;                                                                               \
        atomic_store_explicit(&c->y, 1, STORE);                                                \
    }                                                                                          \
    static void mp1_##name(struct cell *c, int *r)                                             \
    {                                                                                          \
        r[0] = atomic_load_explicit(&c->y, LOAD);                                              \
        BETWEEN;                                                                               \
        r[1] = atomic_load_explicit(&c->x, LOAD);                                              \
    }

#define LB_THREADS(name, STORE, LOAD, BETWEEN)                                                 \
    static void lb0_##name(struct cell *c, int *r)                                             \
    {                                                                                          \
        r[0] = atomic_load_explicit(&c->x, LOAD);                                              \
        BETWEEN;                                                                               \
        atomic_store_explicit(&c->y, 1, STORE);                                                \
    }                                                                                          \
    static void lb1_##name(struct cell *c, int *r)                                             \
    {                                                                                          \
        r[1] = atomic_load_explicit(&c->y, LOAD);                                              \
        BETWEEN;                                                                               \
        atomic_store_explicit(&c->x, 1, STORE);                                                \
    }

#define IRIW_THREADS(name, STORE, LOAD, BETWEEN)                                               \
    static void iriw0_##name(struct cell *c, int *r)                                           \
    {                                                                                          \
        (void)r;                                                                               \
        atomic_store_explicit(&c->x, 1, STORE);                                                \
    }                                                                                          \
    static void iriw1_##name(struct cell *c, int *r)                                           \
    {                                                                                          \
        (void)r;                                                                               \
        atomic_store_explicit(&c->y, 1, STORE);                                                \
    }                                                                                          \
    static void iriw2_##name(struct cell *c, int *r)                                           \
    {                                                                                          \
        r[0] = atomic_load_explicit(&c->x, LOAD);                                              \
        BETWEEN;                                                                               \
        r[1] = atomic_load_explicit(&c->y, LOAD);                                              \
    }                                                                                          \
    static void iriw3_##name(struct cell *c, int *r)                                           \
    {                                                                                          \
        r[2] = atomic_load_explicit(&c->y, LOAD);                                              \
        BETWEEN;                                                                               \
        r[3] = atomic_load_explicit(&c->x, LOAD);                                              \
    }

SB_THREADS(relaxed, memory_order_relaxed, memory_order_relaxed, COMPILER_BARRIER)
SB_THREADS(release_acquire, memory_order_release, memory_order_acquire, COMPILER_BARRIER)
SB_THREADS(seq_cst, memory_order_seq_cst, memory_order_seq_cst, COMPILER_BARRIER)
SB_THREADS(fenced, memory_order_relaxed, memory_order_relaxed, FENCE)
MP_THREADS(relaxed, memory_order_relaxed, memory_order_relaxed, COMPILER_BARRIER)
MP_THREADS(release_acquire, memory_order_release, memory_order_acquire, COMPILER_BARRIER)
MP_THREADS(seq_cst, memory_order_seq_cst, memory_order_seq_cst, COMPILER_BARRIER)
LB_THREADS(relaxed, memory_order_relaxed, memory_order_relaxed, COMPILER_BARRIER)
LB_THREADS(release_acquire, memory_order_release, memory_order_acquire, COMPILER_BARRIER)
LB_THREADS(seq_cst, memory_order_seq_cst, memory_order_seq_cst, COMPILER_BARRIER)
IRIW_THREADS(relaxed, memory_order_relaxed, memory_order_relaxed, COMPILER_BARRIER)
IRIW_THREADS(release_acquire, memory_order_release, memory_order_acquire, COMPILER_BARRIER)
IRIW_THREADS(seq_cst, memory_order_seq_cst, memory_order_seq_cst, COMPILER_BARRIER)

static const litmus_body bodies[LITMUS_TESTS][ORDERS_COUNT][LITMUS_MAX_THREADS] = {
    [LITMUS_SB] = {
        [ORDERS_RELAXED] = { sb0_relaxed, sb1_relaxed },
        [ORDERS_RELEASE_ACQUIRE] = { sb0_release_acquire, sb1_release_acquire },
        [ORDERS_SEQ_CST] = { sb0_seq_cst, sb1_seq_cst },
        [ORDERS_FENCED] = { sb0_fenced, sb1_fenced },
    },
    [LITMUS_MP] = {
        [ORDERS_RELAXED] = { mp0_relaxed, mp1_relaxed },
        [ORDERS_RELEASE_ACQUIRE] = { mp0_release_acquire, mp1_release_acquire },
        [ORDERS_SEQ_CST] = { mp0_seq_cst, mp1_seq_cst },
    },
    [LITMUS_LB] = {
        [ORDERS_RELAXED] = { lb0_relaxed, lb1_relaxed },
        [ORDERS_RELEASE_ACQUIRE] = { lb0_release_acquire, lb1_release_acquire },
        [ORDERS_SEQ_CST] = { lb0_seq_cst, lb1_seq_cst },
    },
    [LITMUS_IRIW] = {
        [ORDERS_RELAXED] = { iriw0_relaxed, iriw1_relaxed, iriw2_relaxed, iriw3_relaxed },
        [ORDERS_RELEASE_ACQUIRE] = { iriw0_release_acquire, iriw1_release_acquire,
                                     iriw2_release_acquire, iriw3_release_acquire },
        [ORDERS_SEQ_CST] = { iriw0_seq_cst, iriw1_seq_cst, iriw2_seq_cst, iriw3_seq_cst },
    },
};

/* ---- What each test is, and who allows its interesting outcome --------------------------- */

const char *litmus_name(enum litmus_test test)
{
    static const char *const names[LITMUS_TESTS] = { "SB", "MP", "LB", "IRIW" };
    return names[test];
}

const char *litmus_orders_name(enum litmus_orders orders)
{
    static const char *const names[ORDERS_COUNT] = { "relaxed", "release/acquire", "seq_cst",
                                                     "relaxed + fence" };
    return names[orders];
}

bool litmus_has(enum litmus_test test, enum litmus_orders orders)
{
    return bodies[test][orders][0] != NULL;
}

int litmus_threads(enum litmus_test test)
{
    return test == LITMUS_IRIW ? 4 : 2;
}

int litmus_registers(enum litmus_test test)
{
    return test == LITMUS_IRIW ? 4 : 2;
}

int litmus_interesting(enum litmus_test test)
{
    static const int outcomes[LITMUS_TESTS] = {
        [LITMUS_SB] = 0,           /* r1 = 0, r2 = 0 */
        [LITMUS_MP] = 1,           /* r1 = 1, r2 = 0 */
        [LITMUS_LB] = 3,           /* r1 = 1, r2 = 1 */
        [LITMUS_IRIW] = 1 | 4,     /* r1 = 1, r2 = 0, r3 = 1, r4 = 0 */
    };
    return outcomes[test];
}

void litmus_outcome_text(enum litmus_test test, int outcome, char *text, int size)
{
    int used = 0;
    for (int r = 0; r < litmus_registers(test) && used < size; r++)
        used += snprintf(text + used, (size_t)(size - used), "%sr%d=%d", r ? " " : "", r + 1,
                         (outcome >> r) & 1);
}

const char *litmus_tso_model(enum litmus_test test, enum litmus_orders orders)
{
    switch (test) {
    case LITMUS_SB:
        return orders == ORDERS_SEQ_CST || orders == ORDERS_FENCED ? "sb-fenced" : "sb";
    case LITMUS_MP: return "mp";
    case LITMUS_LB: return "lb";
    default: return "iriw";
    }
}

/* x86-TSO lets a load overtake an earlier store to another place (the store waits in the
 * buffer), and nothing else: only SB shows it, unless a fence or a locked instruction (a
 * seq_cst store is an xchg) empties the buffer first. */
bool litmus_tso_allows(enum litmus_test test, enum litmus_orders orders)
{
    return test == LITMUS_SB && (orders == ORDERS_RELAXED || orders == ORDERS_RELEASE_ACQUIRE);
}

/* ARMv8 orders plain ldr and str by nothing but dependencies, so every shape shows with relaxed
 * accesses. stlr then ldar stay in order, an ldar comes before everything after it, an stlr
 * after everything before it, and dmb ish orders everything; and ARMv8 is other-multi-copy
 * atomic (a store is seen by all other threads at once), so IRIW with ldar is forbidden. */
bool litmus_arm_allows(enum litmus_test test, enum litmus_orders orders)
{
    (void)test;
    return orders == ORDERS_RELAXED;
}

/* C11: relaxed allows all four. Release/acquire forbids MP and LB (a load that reads a release
 * store synchronizes with it) but not SB or IRIW. seq_cst, and seq_cst fences, forbid all. */
bool litmus_c11_allows(enum litmus_test test, enum litmus_orders orders)
{
    if (orders == ORDERS_RELAXED)
        return true;
    if (orders == ORDERS_RELEASE_ACQUIRE)
        return test == LITMUS_SB || test == LITMUS_IRIW;
    return false;
}

/* ---- Running ----------------------------------------------------------------------------- */

/* The spinning start line: the last thread to arrive moves on to the next generation, and the
 * others, spinning on it, see it within a cache miss. A waiter yields its core after a while,
 * at once if there are more threads than cores. */
struct start_line {
    atomic_uint arrived;
    atomic_uint generation;
    unsigned parties;
    long spins_before_yield;
};

static void start_line_wait(struct start_line *line)
{
    unsigned generation = atomic_load_explicit(&line->generation, memory_order_acquire);
    if (atomic_fetch_add_explicit(&line->arrived, 1, memory_order_acq_rel) + 1 == line->parties) {
        atomic_store_explicit(&line->arrived, 0, memory_order_relaxed);
        atomic_store_explicit(&line->generation, generation + 1, memory_order_release);
        return;
    }
    for (long spins = 0;
         atomic_load_explicit(&line->generation, memory_order_acquire) == generation; spins++)
        if (spins >= line->spins_before_yield)
            sched_yield();
}

struct batch {
    const litmus_body *body;
    struct cell *cells;
    int (*registers)[LITMUS_MAX_REGISTERS];
    long size;
    struct start_line line;
};

struct worker {
    struct batch *batch;
    int thread;
};

static void *run_thread(void *arg)
{
    struct worker *worker = arg;
    struct batch *batch = worker->batch;
    litmus_body body = batch->body[worker->thread];
    for (long i = 0; i < batch->size; i++) {
        start_line_wait(&batch->line);
        body(&batch->cells[i], batch->registers[i]);
    }
    return NULL;
}

#define BATCH 10000

int litmus_run(enum litmus_test test, enum litmus_orders orders, long iterations,
               struct litmus_result *result)
{
    memset(result, 0, sizeof *result);
    int threads = litmus_threads(test);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct batch batch = {
        .body = bodies[test][orders],
        .size = iterations < BATCH ? iterations : BATCH,
        .line = { .parties = (unsigned)threads,
                  .spins_before_yield = threads > cores ? 50 : 2000 },
    };
    batch.cells = aligned_alloc(64, (size_t)batch.size * sizeof *batch.cells);
    batch.registers = calloc((size_t)batch.size, sizeof *batch.registers);
    if (batch.cells == NULL || batch.registers == NULL) {
        fprintf(stderr, "litmus_run: out of memory\n");
        exit(1);
    }
    double started = now_seconds();
    while (result->iterations < iterations) {
        for (long i = 0; i < batch.size; i++) {
            atomic_init(&batch.cells[i].x, 0);
            atomic_init(&batch.cells[i].y, 0);
        }
        memset(batch.registers, 0, (size_t)batch.size * sizeof *batch.registers);
        pthread_t handles[LITMUS_MAX_THREADS];
        struct worker workers[LITMUS_MAX_THREADS];
        for (int t = 0; t < threads; t++) {
            workers[t] = (struct worker){ &batch, t };
            thread_create(&handles[t], run_thread, &workers[t]);
        }
        for (int t = 0; t < threads; t++)
            thread_join(handles[t]);
        for (long i = 0; i < batch.size; i++) {
            int outcome = 0;
            for (int r = 0; r < litmus_registers(test); r++)
                outcome |= (batch.registers[i][r] != 0) << r;
            result->counts[outcome]++;
        }
        result->iterations += batch.size;
    }
    result->seconds = now_seconds() - started;
    free(batch.cells);
    free(batch.registers);
    return 0;
}
