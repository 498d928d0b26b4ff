/* tagged.c - Treiber's stack with a tagged top, proof against ABA (exercise 3).
 *
 * This is a file you edit: exercise 3 is tagged_push() and tagged_pop() below. Make any
 * helper function you add static: the tests compile this file a second time (tagged_rival.c).
 */
#include "tagged.h"

#include <errno.h>

void tagged_init(struct tagged_stack *stack, struct tagged_node *nodes, uint32_t capacity)
{
    atomic_init(&stack->top, tagged_word(TAGGED_NONE, 0));
    stack->nodes = nodes;
    stack->capacity = capacity;
}

int tagged_push(struct tagged_stack *stack, uint32_t index)
{
    /* TODO(exercise 3): your treiber_push, on the top word: link node `index` above the index
     * in the word you read, and swing the word to tagged_word(index, tag + 1). */
    (void)stack;
    (void)index;
    errno = ENOSYS;
    return -1;
}

bool tagged_pop(struct tagged_stack *stack, uint32_t *index)
{
    /* TODO(exercise 3): your treiber_pop, on the top word: read the word (acquire); its index
     * TAGGED_NONE means empty; read that node's next, and swing the word to
     * tagged_word(next, tag + 1). Store the index you took in *index. */
    (void)stack;
    (void)index;
    errno = ENOSYS;
    return false;
}
