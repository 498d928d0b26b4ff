/* tagged.c - Treiber's stack with a tagged top, proof against ABA (exercise 3).
 *
 * The same loops as treiber.c, on a word that holds the top node's index and a tag. Every
 * swing writes the tag plus one, so the word never comes back to a value a paused thread read
 * (not within 2^32 swings): a compare-and-swap that succeeds proves that nobody moved the top
 * since the read, not merely that the same node is on top again. (Bumping the tag only in
 * push, or only in pop, would do for this stack, since a node can come back on top only
 * through both a pop and a push; bumping it on every swing needs no such argument.)
 * Orders as in treiber.c: push publishes with release, pop reads with acquire.
 */
#include "tagged.h"

void tagged_init(struct tagged_stack *stack, struct tagged_node *nodes, uint32_t capacity)
{
    atomic_init(&stack->top, tagged_word(TAGGED_NONE, 0));
    stack->nodes = nodes;
    stack->capacity = capacity;
}

int tagged_push(struct tagged_stack *stack, uint32_t index)
{
    struct tagged_node *node = &stack->nodes[index];
    uint64_t top = atomic_load_explicit(&stack->top, memory_order_relaxed);
    do {
        atomic_store_explicit(&node->next, tagged_index(top), memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&stack->top, &top,
                                                    tagged_word(index, tagged_tag(top) + 1),
                                                    memory_order_release,
                                                    memory_order_relaxed));
    return 0;
}

bool tagged_pop(struct tagged_stack *stack, uint32_t *index)
{
    uint64_t top = atomic_load_explicit(&stack->top, memory_order_acquire);
    while (tagged_index(top) != TAGGED_NONE) {
        uint32_t next = atomic_load_explicit(&stack->nodes[tagged_index(top)].next,
                                             memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&stack->top, &top,
                                                  tagged_word(next, tagged_tag(top) + 1),
                                                  memory_order_acquire, memory_order_acquire)) {
            *index = tagged_index(top);
            return true;
        }
    }
    return false;
}
