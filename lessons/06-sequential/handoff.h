/* handoff.h - the source material's "concurrent" version: one thread per step, each handing
 * its value to the next.
 *
 * Step k needs x(k), which step k-1 computes: the steps form a chain, and no two of them can
 * run at the same time. The source material starts a thread per step anyway, all sharing one
 * `result` variable, and each thread does result = f(result). In C that is a data race: nothing
 * stops step 5 from reading `result` before step 4 has written it. The chain here makes each
 * step wait for its turn: step k runs only once step k-1 has stored x(k) and handed it on. It
 * then gives the right answer, and, as the demo measures, runs slower than the plain loop: the
 * threads cost more than they can ever save, since only one of them works at a time.
 */
#ifndef HANDOFF_H
#define HANDOFF_H

#include <pthread.h>
#include <stdint.h>

/* One step of a chain: returns x(k+1) from x(k). context is the chain's step_context. */
typedef uint64_t (*chain_step_fn)(long k, uint64_t x, void *context);

struct handoff_chain {
    long steps;                    /* steps 0 .. steps-1, one thread each */
    chain_step_fn step;
    void *step_context;
    uint64_t value;                /* x(turn): the value the step whose turn it is reads */
    pthread_mutex_t lock;          /* guards turn */
    long turn;                     /* steps 0 .. turn-1 are done; step `turn` may run */
    pthread_cond_t *turn_reached;  /* turn_reached[k] is signalled when turn becomes k */
};

/* Given: sets up a chain of `steps` steps from x0 (steps >= 0). */
void chain_init(struct handoff_chain *chain, long steps, uint64_t x0, chain_step_fn step,
                void *step_context);

/* Given: frees what chain_init set up. No thread may be using the chain. */
void chain_destroy(struct handoff_chain *chain);

/* Given: starts one thread per step k, each running body(chain, k), joins them all, and
 * returns chain->value. With body = chain_run_step (exercise 2) that is x(steps). */
uint64_t chain_run(struct handoff_chain *chain,
                   void (*body)(struct handoff_chain *chain, long k));

/* Given: the source material's version, ported as it is: step k reads chain->value, steps, and
 * writes the result back, with no waiting at all. A data race (ThreadSanitizer reports it);
 * most runs still give the right answer, because each thread is usually done before the next
 * one has even started. The demo and the tests show what happens when it is not. */
void chain_run_step_racy(struct handoff_chain *chain, long k);

/* Exercise 2: step k's thread. Waits until it is step k's turn, applies chain->step to
 * chain->value, stores x(k+1) there, and gives the turn to step k+1. */
void chain_run_step(struct handoff_chain *chain, long k);

#endif
