/* handoff.c - a thread per step, each waiting for its predecessor (handoff.h).
 *
 * This is a file you edit: exercise 2 is chain_run_step() at the end, marked TODO(exercise 2).
 * README.md says what to do, and `make hint EX=2` helps when you are stuck. The rest comes
 * finished: read chain_run_step_racy first, the source material's version and its data race.
 */
#include "handoff.h"

#include <errno.h>
#include <stdlib.h>

#include "sync.h"
#include "trace.h"

void chain_init(struct handoff_chain *chain, long steps, uint64_t x0, chain_step_fn step,
                void *step_context)
{
    chain->steps = steps;
    chain->step = step;
    chain->step_context = step_context;
    chain->value = x0;
    chain->turn = 0;
    mutex_init(&chain->lock);
    /* One condition variable per step, so that a hand-off wakes only the thread it is for,
     * not every thread still waiting. (At least one, so that 0 steps is no special case.) */
    chain->turn_reached = calloc(steps > 0 ? (size_t)steps : 1, sizeof *chain->turn_reached);
    if (chain->turn_reached == NULL)
        die_with_error("chain_init", ENOMEM);
    for (long k = 0; k < steps; k++)
        cond_init(&chain->turn_reached[k]);
}

void chain_destroy(struct handoff_chain *chain)
{
    for (long k = 0; k < chain->steps; k++)
        cond_destroy(&chain->turn_reached[k]);
    free(chain->turn_reached);
    mutex_destroy(&chain->lock);
}

/* What one step's thread needs. */
struct step_thread {
    struct handoff_chain *chain;
    void (*body)(struct handoff_chain *chain, long k);
    long k;
};

static void *run_one_step(void *argument)
{
    struct step_thread *me = argument;
    trace_name_thread("step %ld", me->k);
    me->body(me->chain, me->k);
    return NULL;
}

uint64_t chain_run(struct handoff_chain *chain,
                   void (*body)(struct handoff_chain *chain, long k))
{
    size_t count = chain->steps > 0 ? (size_t)chain->steps : 1;
    pthread_t *threads = malloc(count * sizeof *threads);
    struct step_thread *steps = malloc(count * sizeof *steps);
    if (threads == NULL || steps == NULL)
        die_with_error("chain_run", ENOMEM);
    for (long k = 0; k < chain->steps; k++) {
        steps[k] = (struct step_thread){ chain, body, k };
        thread_create(&threads[k], run_one_step, &steps[k]);
    }
    for (long k = 0; k < chain->steps; k++)
        thread_join(threads[k]);
    free(steps);
    free(threads);
    /* Every step's thread has been joined, so every write to chain->value happens before
     * this read (in a correct chain, the last one is step steps-1's x(steps)). */
    return chain->value;
}

/* The source material's code, in C: every thread reads the shared value, steps, and writes it
 * back, whenever it happens to run. If two threads read before either writes, both compute the
 * same x(k+1) and a step is lost; if a later step runs first, the steps happen out of order.
 * This is a data race, undefined behaviour in C; ThreadSanitizer reports it. */
void chain_run_step_racy(struct handoff_chain *chain, long k)
{
    uint64_t x = chain->value;                          /* read x(k)... or whatever is there */
    trace_note("read x = %llu", (unsigned long long)x);
    uint64_t next = chain->step(k, x, chain->step_context);
    chain->value = next;                                /* write x(k+1) */
    trace_note("wrote x = %llu", (unsigned long long)next);
}

void chain_run_step(struct handoff_chain *chain, long k)
{
    /* TODO(exercise 2): make step k wait for its turn, then step, then hand over.
     *   1. With chain->lock held (mutex_lock), wait on chain->turn_reached[k] (cond_wait) for
     *      as long as chain->turn is not k. Then unlock.
     *   2. Now, and only now, chain->value is x(k) and no other step touches it: store
     *      chain->step(k, chain->value, chain->step_context) in chain->value.
     *   3. With the lock held, set chain->turn to k + 1 and wake step k + 1 (cond_signal on
     *      chain->turn_reached[k + 1]; the last step has no successor to wake). Then unlock.
     * Use the wrappers of sync.h, so that `make diagrams` draws the hand-offs. Do not change
     * the rest of this file. */
    (void)chain;
    (void)k;
}
