/* explorer.h - an interleaving explorer: every way a few threads can take turns, on sequentially
 * consistent memory or on x86's (TSO, with a store buffer per thread).
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
 *
 * Lessons 02 and 10 share this file. Lesson 02 explores on sequentially consistent memory (SC):
 * one memory, and every step reads and writes it at once. Lesson 10 adds x86's memory, total
 * store order (TSO): a store goes into its thread's store buffer, first in, first out, and
 * reaches memory later, at a moment of its own (a "flush", which the explorer schedules like a
 * step); a load reads the newest store to its variable still in its own thread's buffer, else
 * memory; a fence, or a locked read-modify-write (lock), waits until its thread's buffer is
 * empty. Under TSO the explorer visits every reachable state once and reports every outcome
 * that some execution reaches, with one execution that reaches it.
 */
#ifndef EXPLORER_H
#define EXPLORER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MAX_THREADS 4
#define MAX_STEPS 12          /* per thread */
#define MAX_VARIABLES 8       /* shared variables (locks are variables too: 0 free, 1 held) and
                                 the threads' result registers */
#define MAX_OUTCOMES 16

enum step_kind {
    STEP_LOAD,          /* register = variable */
    STEP_STORE,         /* variable = register */
    STEP_ADD,           /* register = register + value */
    STEP_SKIP_IF_LESS,  /* if register < value, skip the next `skip` steps (a failed check) */
    STEP_LOCK,          /* wait until variable is 0 (free), then set it to 1: only then done
                           (TSO: a locked exchange, so it first waits for an empty buffer) */
    STEP_UNLOCK,        /* variable = 0 (TSO: a plain store, through the buffer) */
    STEP_WRITE,         /* variable = value, a constant (x = 1) */
    STEP_READ,          /* target = variable, where target is a result register of the
                           thread (r1 = y): never buffered, it is the thread's own */
    STEP_FENCE,         /* TSO: wait until the thread's store buffer is empty (mfence);
                           SC: nothing to wait for */
    STEP_AWAIT,         /* wait until variable == value, or, with `either`, until
                           variable2 == value2 (a spin loop, as one step that can only be
                           taken once the condition holds) */
};

struct step {
    enum step_kind kind;
    int variable;       /* LOAD, STORE, LOCK, UNLOCK, WRITE, READ, AWAIT: which variable */
    long value;         /* ADD: how much; SKIP_IF_LESS: the bound; WRITE: what; AWAIT: until */
    int skip;           /* SKIP_IF_LESS: how many steps to skip */
    int target;         /* READ: the result register written */
    bool either;        /* AWAIT: also done when variable2 == value2 */
    int variable2;
    long value2;
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
    bool is_register[MAX_VARIABLES];   /* a thread's result register (READ's target), not
                                          memory: written at once, never through a buffer */
    int variable_count;
    struct thread_model threads[MAX_THREADS];
    int thread_count;
};

/* The memories the explorer knows. */
enum memory_model {
    MEMORY_SC,     /* sequentially consistent: every step reads and writes memory at once */
    MEMORY_TSO,    /* x86: a FIFO store buffer per thread, flushed at any moment */
};

/* One schedule: which thread took each turn, in order. Under TSO a turn is either a thread's
 * step (0 .. MAX_THREADS-1) or a flush of a thread's oldest buffered store to memory
 * (FLUSH_TURN(thread)). */
#define FLUSH_TURN(thread) (MAX_THREADS + (thread))
#define MAX_TURNS (2 * MAX_THREADS * MAX_STEPS)
struct schedule {
    int turns[MAX_TURNS];
    int length;
};

/* One possible ending, and how often the schedules reach it. */
struct outcome {
    long values[MAX_VARIABLES];   /* the shared variables at the end */
    bool deadlocked;              /* no thread could move, yet not all had finished */
    long schedules;               /* how many schedules end this way (SC; 0 under TSO) */
    struct schedule first;        /* the first of them, in the explorer's order */
};

struct exploration {
    long schedules;               /* SC: every schedule; TSO: 0 (see states) */
    long states;                  /* TSO: the distinct states visited; SC: 0 */
    struct outcome outcomes[MAX_OUTCOMES];
    int outcome_count;
};

/* Runs the program under every schedule on sequentially consistent memory. Returns 0, or -1
 * if it has more distinct outcomes than MAX_OUTCOMES or a step that makes no sense (a message
 * says which, on stderr). */
int explore(const struct program *program, struct exploration *result);

/* The same on the memory named: MEMORY_SC is explore(); MEMORY_TSO visits every reachable
 * state of the program with store buffers once. Returns 0, or -1 as explore() does (and if
 * memory runs out). */
int explore_memory(const struct program *program, enum memory_model memory,
                   struct exploration *result);

/* The outcome of `result` with the same values as `outcome` in every variable of `program`
 * (register or not, as `registers_only` says: true compares only result registers), or NULL
 * if there is none. */
const struct outcome *find_same_outcome(const struct program *program,
                                        const struct exploration *result,
                                        const struct outcome *outcome, bool registers_only);

/* Finds an execution under TSO that ends as `target` does, the one that shows best how: the
 * threads take turns, step by step, and every store stays in its buffer as long as it can.
 * Returns 0 and fills *schedule, or -1 if no execution ends so. */
int find_tso_execution(const struct program *program, const struct outcome *target,
                       struct schedule *schedule);

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

/* The same for an execution under TSO: between the threads' lanes, a lane for memory, where
 * each flush lands; a store says that it went into its thread's buffer, a dotted arrow leads
 * from it to its flush, and each read's arrow comes from what it read: a flush, the initial
 * value, or a store still in its own thread's buffer. `note` (or NULL) is printed under the
 * diagram. Returns 0, or -1 if the schedule does not fit the program. */
int write_tso_execution_dot(FILE *out, const struct program *program,
                            const struct schedule *schedule, const char *note);

/* Writes "T1 T1 T2 ..." for a schedule; under TSO a flush of T1's oldest store is "F(T1)". */
void print_schedule(FILE *out, const struct program *program, const struct schedule *schedule);

/* Writes the outcome as "counter = 1" or "balance = -60, paid = 2" (plus ", deadlock"). */
void print_outcome(FILE *out, const struct program *program, const struct outcome *outcome);

/* ---- Writing programs ------------------------------------------------------------------ */

/* Empties *program and names it, with `threads` threads named by thread_names[0 ..]. */
void program_begin(struct program *program, const char *name, const char *description,
                   int threads, const char *const thread_names[]);

/* Adds a shared variable, or a result register, and returns its number. */
int program_variable(struct program *program, const char *name, long initial_value);
int program_register(struct program *program, const char *name);

/* Appends a step to thread `thread`; returns false if the thread has MAX_STEPS already. */
bool program_step(struct program *program, int thread, struct step step);

#endif
