/* explorer.h - an interleaving explorer: every way two or three threads can take turns.
 *
 * A real program's threads interleave differently on every run, and the bad interleaving may
 * turn up once in a million runs. This model removes the luck. A program is a few threads, each
 * a short list of steps as simple as machine instructions (load a shared variable into the
 * thread's register, add to the register, store it back, lock, unlock, ...). The explorer runs
 * the program under EVERY schedule, meaning every order in which the threads' steps can be
 * interleaved, and reports each distinct outcome (the final values of the shared variables)
 * with how many schedules lead to it. If an outcome is possible, it is in the list.
 *
 * Each step is atomic: nothing happens in the middle of one. That is exactly the assumption
 * real hardware does NOT make for `counter++`, which is three steps (load, add, store), and
 * it is why the model can show where a race strikes.
 */
#ifndef EXPLORER_H
#define EXPLORER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MAX_THREADS 3
#define MAX_STEPS 12          /* per thread */
#define MAX_VARIABLES 4       /* shared variables; locks are variables too (0 free, 1 held) */
#define MAX_OUTCOMES 16

enum step_kind {
    STEP_LOAD,          /* register = variable */
    STEP_STORE,         /* variable = register */
    STEP_ADD,           /* register = register + value */
    STEP_SKIP_IF_LESS,  /* if register < value, skip the next `skip` steps (a failed check) */
    STEP_LOCK,          /* wait until variable is 0 (free), then set it to 1: only then done */
    STEP_UNLOCK,        /* variable = 0 */
};

struct step {
    enum step_kind kind;
    int variable;       /* LOAD, STORE, LOCK, UNLOCK: which shared variable */
    long value;         /* ADD: how much; SKIP_IF_LESS: the bound */
    int skip;           /* SKIP_IF_LESS: how many steps to skip */
};

struct thread_model {
    const char *name;
    struct step steps[MAX_STEPS];
    int step_count;
};

struct program {
    const char *name;          /* as typed on the command line: "counter" */
    const char *description;   /* one line for people */
    const char *variable_names[MAX_VARIABLES];
    long initial_values[MAX_VARIABLES];
    int variable_count;
    struct thread_model threads[MAX_THREADS];
    int thread_count;
};

/* One schedule: which thread took each turn, in order. */
struct schedule {
    int turns[MAX_THREADS * MAX_STEPS];
    int length;
};

/* One possible ending, and how often the schedules reach it. */
struct outcome {
    long values[MAX_VARIABLES];   /* the shared variables at the end */
    bool deadlocked;              /* no thread could move, yet not all had finished */
    long schedules;               /* how many schedules end this way */
    struct schedule first;        /* the first of them, in the explorer's order */
};

struct exploration {
    long schedules;
    struct outcome outcomes[MAX_OUTCOMES];
    int outcome_count;
};

/* Runs the program under every schedule. Returns 0, or -1 if it has more distinct outcomes
 * than MAX_OUTCOMES or a step that makes no sense (a message says which, on stderr). */
int explore(const struct program *program, struct exploration *result);

/* Prints the program, one line per thread. */
void print_program(FILE *out, const struct program *program);

/* Prints "N schedules, K outcomes" and a line per outcome, most frequent first. */
void print_exploration(FILE *out, const struct program *program,
                       const struct exploration *result);

/* Writes the Graphviz diagram of one schedule: a lane per thread, its steps in program order
 * with the values they saw, and an arrow from each store to every load that read its value,
 * so a lost update shows as two loads reading the same store. Returns 0, or -1 if the
 * schedule does not fit the program. */
int write_schedule_dot(FILE *out, const struct program *program,
                       const struct schedule *schedule);

/* Writes "T1 T1 T2 ..." for a schedule. */
void print_schedule(FILE *out, const struct program *program, const struct schedule *schedule);

/* Writes the outcome as "counter = 1" or "balance = -60, paid = 2" (plus ", deadlock"). */
void print_outcome(FILE *out, const struct program *program, const struct outcome *outcome);

#endif
