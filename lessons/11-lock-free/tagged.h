/* tagged.h - Treiber's stack without ABA: a tag beside the top, changed by every swing.
 *
 * ABA (treiber.h): a paused pop's compare-and-swap compares only the top node, and the top can
 * leave and come back. So the top here is one 64-bit word holding two numbers: which node is on
 * top (an index into a pool of nodes) and a tag, a count of the changes made to the top. Every
 * successful swing writes the tag plus one; a paused pop that read (A, 7) fails once anyone
 * has moved the top, even if A is on top again, since the word is now (A, 10). It then reads
 * again and retries, as after any failure. The tag is 32 bits: it would take 2^32 changes of
 * the top during one paused pop for a word to come back.
 *
 * Why an index and not a pointer: a pointer and a tag are 16 bytes, and C11 does not promise
 * a lock-free 16-byte compare-and-swap (gcc 12 on x86-64 answers atomic_is_lock_free with no
 * for one, README: "Why 64 bits"). A 32-bit index and a 32-bit tag fit in the 8 bytes that
 * every 64-bit processor swaps in one instruction. The pool's memory is never freed while the
 * stack is in use: a paused pop that reads a node's next after the node left the stack reads
 * a stale number, never freed memory, and its swing then fails.
 */
#ifndef TAGGED_H
#define TAGGED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The index that means "no node": the bottom of the stack, or an empty stack. */
#define TAGGED_NONE UINT32_MAX

struct tagged_node {
    _Atomic uint32_t next;   /* the node below, or TAGGED_NONE; atomic for the same reason as
                              * in treiber.h: a paused pop may read it while it changes */
    long value;              /* the caller's; plain memory, published by push's release */
};

struct tagged_stack {
    _Atomic uint64_t top;          /* tagged_word(index of the top node, tag) */
    struct tagged_node *nodes;     /* the pool: node i is nodes[i] */
    uint32_t capacity;             /* nodes in the pool */
};

/* The top word: the tag in the high 32 bits, the node's index in the low 32 (given). */
static inline uint64_t tagged_word(uint32_t index, uint32_t tag)
{
    return (uint64_t)tag << 32 | index;
}

static inline uint32_t tagged_index(uint64_t word)
{
    return (uint32_t)word;
}

static inline uint32_t tagged_tag(uint64_t word)
{
    return (uint32_t)(word >> 32);
}

/* Given: an empty stack over a pool of capacity nodes (the caller's, each in no stack), tag 0. */
void tagged_init(struct tagged_stack *stack, struct tagged_node *nodes, uint32_t capacity);

/* Exercise 3: puts pool node `index` on top: a compare-and-swap loop on the top word, whose
 * swing writes (index, tag + 1); a release. Returns 0; or -1 with errno set to ENOSYS while
 * it is not written. */
int tagged_push(struct tagged_stack *stack, uint32_t index);

/* Exercise 3: takes the top node off and stores its index in *index: a compare-and-swap loop
 * whose swing writes (next, tag + 1); an acquire. Returns true; false when the stack is empty.
 * While it is not written, returns false with errno set to ENOSYS. */
bool tagged_pop(struct tagged_stack *stack, uint32_t *index);

#endif
