/* treiber.c - Treiber's lock-free stack (exercise 2).
 *
 * This is a file you edit: exercise 2 is treiber_push() and treiber_pop() below. Make any
 * helper function you add static: the tests compile this file a second time (treiber_rival.c).
 */
#include "treiber.h"

#include <errno.h>
#include <stddef.h>

void treiber_init(struct treiber_stack *stack)
{
    atomic_init(&stack->top, NULL);
}

int treiber_push(struct treiber_stack *stack, struct treiber_node *node)
{
    /* TODO(exercise 2): link node above the top you read (node->next), then swing top to node
     * with a compare-and-swap (release on success) that succeeds only if top is still what you
     * read; on failure, link node above the top it found, and try again. */
    (void)stack;
    (void)node;
    errno = ENOSYS;
    return -1;
}

struct treiber_node *treiber_pop(struct treiber_stack *stack)
{
    /* TODO(exercise 2): read top (acquire); if it is NULL, the stack is empty. Otherwise read
     * its next, and swing top from it to next with a compare-and-swap; on failure, another
     * thread changed top: start again from the top it found (and read that node's next). */
    (void)stack;
    errno = ENOSYS;
    return NULL;
}
