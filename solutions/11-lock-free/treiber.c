/* treiber.c - Treiber's lock-free stack (exercise 2).
 *
 * Push: write node->next, then publish node with a release compare-and-swap: a thread whose
 * acquire load (or acquire exchange) reads node from top sees node->next and node->value as
 * the pusher wrote them (C11 5.1.2.4). Every later change of top is a compare-and-swap, a
 * read-modify-write, so it continues that release sequence: a pop that reads top after other
 * pops still synchronizes with the push of the node it finds.
 *
 * Pop: read top with acquire, read its next (relaxed: the acquire already ordered it), and
 * swing top to next. On failure the exchange refreshes `top` with acquire, and the next of
 * the new top must be read again: the next read before belongs to another node.
 */
#include "treiber.h"

#include <stddef.h>

void treiber_init(struct treiber_stack *stack)
{
    atomic_init(&stack->top, NULL);
}

int treiber_push(struct treiber_stack *stack, struct treiber_node *node)
{
    struct treiber_node *top = atomic_load_explicit(&stack->top, memory_order_relaxed);
    do {
        /* Linked before it is published, and again after every failure. */
        atomic_store_explicit(&node->next, top, memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&stack->top, &top, node,
                                                    memory_order_release,
                                                    memory_order_relaxed));
    return 0;
}

struct treiber_node *treiber_pop(struct treiber_stack *stack)
{
    struct treiber_node *top = atomic_load_explicit(&stack->top, memory_order_acquire);
    while (top != NULL) {
        struct treiber_node *next = atomic_load_explicit(&top->next, memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&stack->top, &top, next,
                                                  memory_order_acquire, memory_order_acquire))
            return top;
    }
    return NULL;
}
