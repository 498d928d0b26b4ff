/* history.h - recording what each thread asked a stack and what it answered, and when.
 *
 * A linearizability checker (linearizable.h) needs, for every operation, which it was (push v,
 * or pop and what it returned) and the stretch of time in which it ran: from its call to its
 * return. Time here is a logical clock, one atomic counter shared by every thread: a thread
 * takes a number from it just before it calls the operation and another just after it
 * returns. The numbers follow real time (fetch_add on one counter is a single order, and a
 * thread that takes a number after another's was taken gets a bigger one), and an operation's
 * recorded stretch contains the whole of the operation, a little more. That can only make a
 * history easier to linearize, never harder: a history of a correct stack is never rejected,
 * whatever the machine's speed, so the tests that record histories never flake.
 *
 * Each operation is one slot, written by the thread that made it and read once every thread
 * is done (after thread_join).
 */
#ifndef HISTORY_H
#define HISTORY_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

/* A history holds at most this many operations: the checker's search is exponential in the
 * worst case, and small histories are what it is for. */
#define HISTORY_MAX 64

/* The value of a pop that found the stack empty. */
#define HISTORY_EMPTY LONG_MIN

enum stack_operation { PUSH, POP };

struct operation {
    int thread;                  /* who asked: 1, 2, ... */
    enum stack_operation kind;
    long value;                  /* push: the value pushed; pop: the value it returned */
    long call;                   /* the clock just before the call */
    long ret;                    /* the clock just after the return; 0 while running */
};

struct history {
    atomic_long clock;
    atomic_int count;            /* slots handed out */
    struct operation operations[HISTORY_MAX];
};

void history_init(struct history *history);

/* Before an operation: a slot for it, with its call stamped. For a pop, value is ignored.
 * Ends the program if the history is full. */
int history_call(struct history *history, int thread, enum stack_operation kind, long value);

/* After it: stamps the slot's return; for a pop, records the value it returned. */
void history_return(struct history *history, int slot, long value);

/* An operation already over, with the call and return the caller stamped (each a number
 * taken from history->clock with atomic_fetch_add): for a rival that runs inside a fault
 * handler, where the rival takes its numbers but cannot call history_call (see lockfree.c). */
void history_add(struct history *history, int thread, enum stack_operation kind, long value,
                 long call, long ret);

/* How many operations it holds. */
int history_length(struct history *history);

/* "T2 pop -> 5", "T1 push 3", "T3 pop -> empty" into text. */
void operation_text(const struct operation *operation, char *text, size_t size);

/* Every operation, in the order of their calls: its thread, call, return, what it did, and a
 * bar from call to return on a scale of the clock, so that overlaps show:
 *     T1  push 1        1   2  ##
 *     T2  pop -> 1      3   8    ######
 * Each line starts with `indent`. */
void history_print(struct history *history, FILE *out, const char *indent);

#endif
