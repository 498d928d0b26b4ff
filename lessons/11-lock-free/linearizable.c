/* linearizable.c - Wing and Gong's search for a linearization, with Lowe's memo (see
 * linearizable.h), against a sequential stack. */
#include "linearizable.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- The sequential stack: what each operation must return -------------------------------- */

struct sequential_stack {
    long values[HISTORY_MAX];
    int depth;
};

/* Does operation fit, as the next operation on the stack? If it does, applies it. */
static bool apply(struct sequential_stack *stack, const struct operation *operation)
{
    if (operation->kind == PUSH) {
        stack->values[stack->depth++] = operation->value;
        return true;
    }
    long top = stack->depth > 0 ? stack->values[stack->depth - 1] : HISTORY_EMPTY;
    if (top != operation->value)
        return false;
    if (stack->depth > 0)
        stack->depth--;
    return true;
}

/* Takes back what apply did (`popped`: the value a pop took, read before applying it). */
static void undo(struct sequential_stack *stack, const struct operation *operation, long popped)
{
    if (operation->kind == PUSH)
        stack->depth--;
    else if (popped != HISTORY_EMPTY)
        stack->values[stack->depth++] = popped;
}

/* ---- Lowe's memo: the pairs (operations placed, stack contents) already tried --------------- */

struct tried_pair {
    uint64_t placed;       /* bit i: operation i is placed; 0 with depth -1: an empty entry */
    int depth;
    size_t values;         /* where the stack's contents are in the memo's arena */
};

struct memo {
    struct tried_pair *table;
    size_t capacity;       /* a power of two */
    size_t used;
    long *arena;
    size_t arena_used, arena_capacity;
};

static uint64_t hash_pair(uint64_t placed, const struct sequential_stack *stack)
{
    uint64_t hash = placed * 0x9e3779b97f4a7c15u;
    for (int i = 0; i < stack->depth; i++)
        hash = (hash ^ (uint64_t)stack->values[i]) * 0x100000001b3u;
    return hash ^ (uint64_t)stack->depth;
}

static bool same_pair(const struct memo *memo, const struct tried_pair *pair, uint64_t placed,
                      const struct sequential_stack *stack)
{
    return pair->placed == placed && pair->depth == stack->depth &&
           (stack->depth == 0 || memcmp(&memo->arena[pair->values], stack->values,
                                        (size_t)stack->depth * sizeof stack->values[0]) == 0);
}

static int grow(struct memo *memo);

/* Whether the pair was tried already; if not, remembers it. -1: out of memory. */
static int tried_before(struct memo *memo, uint64_t placed, const struct sequential_stack *stack)
{
    if (2 * (memo->used + 1) > memo->capacity && grow(memo) != 0)
        return -1;
    size_t mask = memo->capacity - 1;
    size_t slot = (size_t)hash_pair(placed, stack) & mask;
    while (memo->table[slot].depth >= 0) {
        if (same_pair(memo, &memo->table[slot], placed, stack))
            return 1;
        slot = (slot + 1) & mask;
    }
    if (memo->arena_used + (size_t)stack->depth > memo->arena_capacity) {
        size_t capacity = 2 * memo->arena_capacity + (size_t)stack->depth;
        long *arena = realloc(memo->arena, capacity * sizeof *arena);
        if (arena == NULL)
            return -1;
        memo->arena = arena;
        memo->arena_capacity = capacity;
    }
    if (stack->depth > 0)   /* an empty stack stores nothing (and the arena may be NULL) */
        memcpy(&memo->arena[memo->arena_used], stack->values,
               (size_t)stack->depth * sizeof stack->values[0]);
    memo->table[slot] = (struct tried_pair){ placed, stack->depth, memo->arena_used };
    memo->arena_used += (size_t)stack->depth;
    memo->used++;
    return 0;
}

/* Doubles the table, and puts every pair back in its new place. */
static int grow(struct memo *memo)
{
    size_t capacity = memo->capacity == 0 ? 1024 : 2 * memo->capacity;
    struct tried_pair *table = malloc(capacity * sizeof *table);
    if (table == NULL)
        return -1;
    for (size_t i = 0; i < capacity; i++)
        table[i] = (struct tried_pair){ 0, -1, 0 };
    for (size_t i = 0; i < memo->capacity; i++) {
        struct tried_pair *pair = &memo->table[i];
        if (pair->depth < 0)
            continue;
        struct sequential_stack stack = { .depth = pair->depth };
        if (pair->depth > 0)
            memcpy(stack.values, &memo->arena[pair->values],
                   (size_t)pair->depth * sizeof stack.values[0]);
        size_t slot = (size_t)hash_pair(pair->placed, &stack) & (capacity - 1);
        while (table[slot].depth >= 0)
            slot = (slot + 1) & (capacity - 1);
        table[slot] = *pair;
    }
    free(memo->table);
    memo->table = table;
    memo->capacity = capacity;
    return 0;
}

/* ---- Wing and Gong's search ------------------------------------------------------------------ */

struct search {
    const struct operation *operations;
    int count;
    int by_call[HISTORY_MAX];        /* the slots in the order of their calls */
    struct sequential_stack stack;
    int order[HISTORY_MAX];          /* the order being built */
    struct linearization *result;    /* its best order so far, and the count of pairs tried */
    struct memo memo;
    bool out_of_memory;
};

/* Whether operation i may be placed next: it was called before every unplaced operation
 * returned. An operation that returned before i was called must come before i. */
static bool may_come_next(const struct search *search, uint64_t placed, int i)
{
    for (int j = 0; j < search->count; j++)
        if (!(placed >> j & 1) && search->operations[j].ret < search->operations[i].call)
            return false;
    return true;
}

/* Can the operations not in `placed` follow, in some order, the `length` placed so far? */
static bool extend(struct search *search, uint64_t placed, int length)
{
    if (length == search->count)
        return true;
    int seen = tried_before(&search->memo, placed, &search->stack);
    if (seen != 0) {
        search->out_of_memory = search->out_of_memory || seen < 0;
        return false;   /* tried: it led nowhere (or no memory to go on) */
    }
    search->result->tried++;
    for (int k = 0; k < search->count; k++) {
        int i = search->by_call[k];
        if (placed >> i & 1 || !may_come_next(search, placed, i))
            continue;
        const struct operation *operation = &search->operations[i];
        long popped = search->stack.depth > 0 ? search->stack.values[search->stack.depth - 1]
                                              : HISTORY_EMPTY;
        if (!apply(&search->stack, operation))
            continue;
        search->order[length] = i;
        if (length + 1 > search->result->placed) {
            search->result->placed = length + 1;
            memcpy(search->result->order, search->order,
                   (size_t)(length + 1) * sizeof search->order[0]);
        }
        if (extend(search, placed | (uint64_t)1 << i, length + 1))
            return true;
        undo(&search->stack, operation, popped);
    }
    return false;
}

int check_linearizable(struct history *history, struct linearization *result)
{
    *result = (struct linearization){ .count = history_length(history) };
    struct search search = { .operations = history->operations, .count = result->count,
                             .result = result };
    for (int i = 0; i < search.count; i++) {
        int j = i;
        for (; j > 0 && history->operations[search.by_call[j - 1]].call >
                            history->operations[i].call; j--)
            search.by_call[j] = search.by_call[j - 1];
        search.by_call[j] = i;
    }
    result->linearizable = extend(&search, 0, 0);
    free(search.memo.table);
    free(search.memo.arena);
    if (search.out_of_memory && !result->linearizable) {
        fprintf(stderr, "check_linearizable: out of memory\n");
        return -1;
    }
    return 0;
}

/* ---- Saying why ------------------------------------------------------------------------------ */

static void print_stack(const struct sequential_stack *stack, FILE *out)
{
    if (stack->depth == 0)
        fprintf(out, "empty");
    for (int i = stack->depth - 1; i >= 0; i--)
        fprintf(out, "%ld%s", stack->values[i], i > 0 ? " " : " (top first)");
}

void explain_not_linearizable(struct history *history, const struct linearization *result,
                              FILE *out, const char *indent)
{
    struct sequential_stack stack = { .depth = 0 };
    uint64_t placed = 0;
    char text[64];
    fprintf(out, "%sthe longest order that a sequential stack agrees with, %d of %d "
            "operations:\n%s  ", indent, result->placed, result->count, indent);
    for (int k = 0; k < result->placed; k++) {
        const struct operation *operation = &history->operations[result->order[k]];
        apply(&stack, operation);
        placed |= (uint64_t)1 << result->order[k];
        operation_text(operation, text, sizeof text);
        fprintf(out, "%s%s", k > 0 ? ", " : "", text);
    }
    fprintf(out, "%s\n%sthe stack is then: ", result->placed == 0 ? "(none)" : "", indent);
    print_stack(&stack, out);
    fprintf(out, "\n%sand no operation that may come next fits:\n", indent);
    struct search search = { .operations = history->operations, .count = result->count };
    for (int i = 0; i < result->count; i++) {
        if (placed >> i & 1 || !may_come_next(&search, placed, i))
            continue;
        const struct operation *operation = &history->operations[i];
        operation_text(operation, text, sizeof text);
        if (operation->kind == PUSH) {
            fprintf(out, "%s  %s: fits, but then nothing can follow it\n", indent, text);
        } else {
            long top = stack.depth > 0 ? stack.values[stack.depth - 1] : HISTORY_EMPTY;
            if (top == operation->value)
                fprintf(out, "%s  %s: fits, but then nothing can follow it\n", indent, text);
            else if (top == HISTORY_EMPTY)
                fprintf(out, "%s  %s: the stack is empty\n", indent, text);
            else
                fprintf(out, "%s  %s: the stack would give %ld\n", indent, text, top);
        }
    }
}
