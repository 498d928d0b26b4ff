/* treiber.h - Treiber's stack: a linked list whose top is changed only by compare-and-swap.
 *
 * push(node): node->next = top; then swing top from that old top to node, if top is still
 * the old top. pop(): read top and top->next; swing top from that node to its next, if top
 * is still that node. A failed swing means another thread pushed or popped in between: read
 * again and retry. No lock: a thread paused anywhere holds nothing that others wait for, and
 * a swing fails only because another thread's swing succeeded. (R. K. Treiber, "Systems
 * Programming: Coping with Parallelism", IBM report RJ 5118, 1986.)
 *
 * Its flaw, ABA: a pop that read top = A and A->next = B, and is paused before its swing,
 * succeeds even if meanwhile A was popped, B popped, and A pushed back: top is A again, so
 * the swing sets top to B, a node that is no longer in the stack. Here the nodes belong to
 * the caller, who may push a popped node again: this stack is safe only while no node is
 * pushed twice during one pop (every push a fresh node, as with epoch reclamation in
 * epoch.h), or while only pushes or only pops run at once. tagged.h is the fix.
 */
#ifndef TREIBER_H
#define TREIBER_H

#include <stdatomic.h>

struct treiber_node {
    /* Atomic: a pop that lost its race may read next while the node's new owner writes it
     * (it then discards what it read, as its swing fails). Relaxed loads and stores: push's
     * release orders the write before the node is published. */
    _Atomic(struct treiber_node *) next;
    long value;   /* the caller's; plain memory, published by push's release */
};

struct treiber_stack {
    _Atomic(struct treiber_node *) top;   /* NULL when empty */
};

/* Given: an empty stack. */
void treiber_init(struct treiber_stack *stack);

/* Exercise 2: puts node (the caller's, not in any stack) on top, with a compare-and-swap
 * loop; a release, so that a thread that pops node sees what the caller wrote into it.
 * Returns 0; or -1 with errno set to ENOSYS while it is not written. */
int treiber_push(struct treiber_stack *stack, struct treiber_node *node);

/* Exercise 2: takes the top node off, with a compare-and-swap loop, and returns it (the
 * caller's again); NULL when the stack is empty. An acquire, pairing with push's release.
 * While it is not written, returns NULL with errno set to ENOSYS. */
struct treiber_node *treiber_pop(struct treiber_stack *stack);

#endif
