/* rival_stacks.h - the exercises' stacks once more, for a rival that runs inside an
 * interrupted compare-and-swap.
 *
 * The tests and the demo force ABA with the kit's rival (common/rival.h): the stack's top is
 * alone on a read-only page, so a pop's compare-and-swap, its first write there, stops with a
 * fault, and the fault handler runs the rival's pops and pushes before letting it go on.
 * Under ThreadSanitizer an atomic operation runs inside ThreadSanitizer's own code, holding
 * ThreadSanitizer's lock for that variable; a rival that called the usual, instrumented
 * treiber_pop would wait for that lock for ever. So treiber_rival.c and tagged_rival.c compile
 * your treiber.c and tagged.c a second time, under these names and without ThreadSanitizer
 * (the Makefile says -fno-sanitize=thread for them): the same code, which the rival can call.
 */
#ifndef RIVAL_STACKS_H
#define RIVAL_STACKS_H

#include "tagged.h"
#include "treiber.h"

int rival_treiber_push(struct treiber_stack *stack, struct treiber_node *node);
struct treiber_node *rival_treiber_pop(struct treiber_stack *stack);

int rival_tagged_push(struct tagged_stack *stack, uint32_t index);
bool rival_tagged_pop(struct tagged_stack *stack, uint32_t *index);

#endif
