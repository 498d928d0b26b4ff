/* locked_stack.c - the stack behind a mutex or a spinlock (see locked_stack.h). */
#include "locked_stack.h"

#include "sync.h"

void locked_init(struct locked_stack *stack, enum stack_lock lock, struct tagged_node *nodes)
{
    stack->lock = lock;
    mutex_init(&stack->mutex);
    int error = pthread_spin_init(&stack->spin, PTHREAD_PROCESS_PRIVATE);
    if (error != 0)
        die_with_error("pthread_spin_init", error);
    stack->top = TAGGED_NONE;
    stack->nodes = nodes;
}

void locked_destroy(struct locked_stack *stack)
{
    mutex_destroy(&stack->mutex);
    int error = pthread_spin_destroy(&stack->spin);
    if (error != 0)
        die_with_error("pthread_spin_destroy", error);
}

static void take(struct locked_stack *stack)
{
    if (stack->lock == STACK_MUTEX) {
        mutex_lock(&stack->mutex);
    } else {
        int error = pthread_spin_lock(&stack->spin);
        if (error != 0)
            die_with_error("pthread_spin_lock", error);
    }
}

static void give_back(struct locked_stack *stack)
{
    if (stack->lock == STACK_MUTEX) {
        mutex_unlock(&stack->mutex);
    } else {
        int error = pthread_spin_unlock(&stack->spin);
        if (error != 0)
            die_with_error("pthread_spin_unlock", error);
    }
}

void locked_push(struct locked_stack *stack, uint32_t index)
{
    take(stack);
    atomic_store_explicit(&stack->nodes[index].next, stack->top, memory_order_relaxed);
    stack->top = index;
    give_back(stack);
}

bool locked_pop(struct locked_stack *stack, uint32_t *index)
{
    take(stack);
    bool taken = stack->top != TAGGED_NONE;
    if (taken) {
        *index = stack->top;
        stack->top = atomic_load_explicit(&stack->nodes[*index].next, memory_order_relaxed);
    }
    give_back(stack);
    return taken;
}
