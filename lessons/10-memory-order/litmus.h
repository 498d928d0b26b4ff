/* litmus.h - litmus tests on the real machine: the classic shapes, run a million times with the
 * threads released together, and every outcome counted.
 *
 * A litmus test is a few threads of one or two memory accesses each, and a question about what
 * the loads can return. Run once, it shows nothing: the threads hardly overlap. So the harness
 * does what the herdtools' litmus7 does: each run makes the threads once, gives them a batch of
 * fresh copies of the test's variables, and for each copy releases all threads together from a
 * spinning start line, runs the test's accesses on that copy and records what each load read.
 * The counts of each outcome over millions of copies show which outcomes this machine produces,
 * and how often.
 *
 * Every shared variable is a C11 atomic, accessed with an explicit memory order, so no test is
 * a data race, and ThreadSanitizer has nothing to say. Between a thread's two accesses there is
 * a compiler barrier (atomic_signal_fence, which emits no instruction), so that gcc cannot swap
 * them: any reordering the counts show is the processor's.
 */
#ifndef LITMUS_H
#define LITMUS_H

#include <stdbool.h>

enum litmus_test {
    LITMUS_SB,      /* store buffering        P0: x = 1; r1 = y     P1: y = 1; r2 = x */
    LITMUS_MP,      /* message passing        P0: x = 1; y = 1      P1: r1 = y; r2 = x */
    LITMUS_LB,      /* load buffering         P0: r1 = x; y = 1     P1: r2 = y; x = 1 */
    LITMUS_IRIW,    /* independent reads of independent writes, four threads:
                       P0: x = 1   P1: y = 1   P2: r1 = x; r2 = y   P3: r3 = y; r4 = x */
    LITMUS_TESTS,
};

enum litmus_orders {
    ORDERS_RELAXED,          /* every access memory_order_relaxed */
    ORDERS_RELEASE_ACQUIRE,  /* stores release, loads acquire */
    ORDERS_SEQ_CST,          /* every access memory_order_seq_cst */
    ORDERS_FENCED,           /* relaxed, with atomic_thread_fence(seq_cst) between (SB only) */
    ORDERS_COUNT,
};

#define LITMUS_MAX_THREADS 4
#define LITMUS_MAX_REGISTERS 4
#define LITMUS_OUTCOMES 16   /* outcome k: r1 = bit 0 of k, r2 = bit 1, r3 = bit 2, r4 = bit 3 */

struct litmus_result {
    long iterations;
    long counts[LITMUS_OUTCOMES];
    double seconds;
};

/* "SB", "MP", "LB", "IRIW"; and "relaxed", "release/acquire", "seq_cst", "relaxed + fence". */
const char *litmus_name(enum litmus_test test);
const char *litmus_orders_name(enum litmus_orders orders);

/* Whether the harness runs this test with these orders (the fenced orders are for SB only). */
bool litmus_has(enum litmus_test test, enum litmus_orders orders);

int litmus_threads(enum litmus_test test);
int litmus_registers(enum litmus_test test);   /* 2, or 4 for IRIW */

/* The outcome the test asks about, the one sequential consistency forbids: SB r1 = r2 = 0, MP
 * r1 = 1 r2 = 0, LB r1 = r2 = 1, IRIW 1 0 1 0. As an outcome number, and as text. */
int litmus_interesting(enum litmus_test test);
void litmus_outcome_text(enum litmus_test test, int outcome, char *text, int size);

/* The explorer model (litmus_models.c) of what x86 runs for this test with these orders: a
 * seq_cst store or fence is a store and a fence there, everything else a plain access. */
const char *litmus_tso_model(enum litmus_test test, enum litmus_orders orders);

/* Whether the interesting outcome is allowed, with these orders: by x86-TSO; by ARMv8 as gcc
 * and clang compile the orders for it (relaxed: ldr and str; release: stlr; acquire and
 * seq_cst loads: ldar; seq_cst stores: stlr; fence: dmb ish); by the C11 standard. The
 * README gives the sources. */
bool litmus_tso_allows(enum litmus_test test, enum litmus_orders orders);
bool litmus_arm_allows(enum litmus_test test, enum litmus_orders orders);
bool litmus_c11_allows(enum litmus_test test, enum litmus_orders orders);

/* Runs the test `iterations` times (rounded up to whole batches) and counts the outcomes.
 * Returns 0. */
int litmus_run(enum litmus_test test, enum litmus_orders orders, long iterations,
               struct litmus_result *result);

#endif
