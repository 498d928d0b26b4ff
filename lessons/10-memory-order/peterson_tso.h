/* peterson_tso.h - your Peterson lock (peterson.c, exercise 1), run on a simulated x86.
 *
 * A real run shows a bug once in thousands of tries, or never. This runs the code of
 * peterson_lock() and peterson_unlock() itself, two threads taking the lock twice each, on a
 * simulated x86 with a store buffer per thread (TSO), under every schedule: every order of the
 * two threads' atomic operations, and every moment at which a buffered store can reach memory.
 * It says whether some schedule lets both threads in at once, or leaves a thread waiting for
 * ever, and shows that schedule step by step. It also lists the memory order of every access the
 * lock makes, since what x86 forgives, C11 may not.
 *
 * How: peterson_tso.c includes peterson.c with the <stdatomic.h> operations replaced by its own,
 * which read and write the simulated memory (the real lock sits in memory nobody may touch, so
 * an access written without those functions, such as `lock->turn = 1`, is caught too). It runs
 * one thread's code up to its next atomic operation and stops it there; to go on from a state,
 * it runs that thread's code again from the start, giving every load the value it had, one
 * operation further. A thread whose loads keep returning what they returned before, with
 * nothing changed in memory, is waiting: it is run again only once something has changed.
 * Mapping of C11 to x86, as gcc and clang compile it: a relaxed or release store goes into the
 * buffer; a seq_cst store, a read-modify-write and a seq_cst fence first wait until the buffer
 * is empty; every load reads the thread's own newest buffered store to its variable, else
 * memory; an acquire, release or acq_rel fence, or a signal fence, emits nothing.
 */
#ifndef PETERSON_TSO_H
#define PETERSON_TSO_H

#include <stdbool.h>
#include <stdio.h>

struct peterson_tso_report {
    bool ran;              /* the lock ran (false: it is not written yet, or made no access) */
    bool correct_on_tso;   /* no schedule lets both in, or leaves a thread waiting for ever */
    bool all_seq_cst;      /* every access to flag[] and turn is memory_order_seq_cst */
    long states;           /* the distinct states visited */
    char problem[1536];    /* what went wrong, and the schedule that shows it; "" if nothing */
    char orders[512];      /* the orders the lock uses, "peterson_lock: store flag[me] relaxed,
                              ..." */
};

/* Runs the check. Returns 0, or -1 if the simulator itself failed (no memory: a message on
 * stderr). */
int check_peterson_on_tso(struct peterson_tso_report *report);

/* For `explore --lock`: runs the check and prints what it found. Returns 0 if the lock is
 * correct on TSO and uses only seq_cst, 1 otherwise. */
int print_peterson_on_tso(FILE *out);

#endif
