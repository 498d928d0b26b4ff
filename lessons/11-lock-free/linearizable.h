/* linearizable.h - is a recorded history one that a correct stack could have given?
 *
 * Linearizability (M. P. Herlihy, J. M. Wing, "Linearizability: A Correctness Condition for
 * Concurrent Objects", ACM TOPLAS 12(3), 1990): a concurrent stack is correct if every
 * operation seems to take effect at one instant between its call and its return. So a history
 * is linearizable if its operations can be put in one order that (1) keeps every operation
 * that returned before another was called before it, and (2) is a run of a plain sequential
 * stack: each pop returns what that stack would return, in that order.
 *
 * The search is Wing and Gong's (J. M. Wing, C. Gong, "Testing and Verifying Concurrent
 * Objects", Journal of Parallel and Distributed Computing 17(1-2), 1993): build the order one
 * operation at a time; the next may be any operation not yet placed that was called before
 * every unplaced operation returned (else one that returned earlier would have to come after
 * it); try it on the sequential stack, and go deeper if it returns what the history says;
 * otherwise, or when deeper fails, undo it and try the next. With the pruning from G. Lowe,
 * "Testing for linearizability", Concurrency and Computation: Practice and Experience 29(4),
 * 2017: the search remembers every pair (the set of operations placed, the stack's contents)
 * it has already tried, and never tries one twice, since what can follow depends only on that
 * pair. Exponential in the worst case; on histories of a few dozen operations it takes
 * moments.
 */
#ifndef LINEARIZABLE_H
#define LINEARIZABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "history.h"

struct linearization {
    bool linearizable;
    int count;                  /* operations in the history */
    int order[HISTORY_MAX];     /* if linearizable: the slots in an order that works; if not:
                                 * the longest start of one that the search found */
    int placed;                 /* how many of order[] that is (count if linearizable) */
    long tried;                 /* pairs (set placed, stack) the search tried */
};

/* Decides whether the history is linearizable, against a sequential stack that starts empty.
 * Every operation must have returned. Returns 0, or -1 with a message on stderr if there was
 * no memory for the search. */
int check_linearizable(struct history *history, struct linearization *result);

/* For a history that is not linearizable: the longest order the search could build, the stack
 * it leaves, and why none of the operations that could come next fits. Each line starts with
 * `indent`. */
void explain_not_linearizable(struct history *history, const struct linearization *result,
                              FILE *out, const char *indent);

#endif
