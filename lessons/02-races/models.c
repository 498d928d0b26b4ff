/* models.c - small threaded programs for the explorer, written as steps.
 *
 * Each model is what a few lines of C do, step by step, the way the processor does them:
 * `counter++` is load, add, store. Read each model next to the C it stands for.
 *
 * This is a file you edit: exercise 3 is build_withdraw_locked() below.
 */
#include "models.h"

#include <string.h>

static const char *const thread_names[MAX_THREADS] = { "T1", "T2", "T3" };

/* ---- Writing steps -------------------------------------------------------------------- */

static void add_step(struct thread_model *thread, enum step_kind kind, int variable,
                     long value, int skip)
{
    thread->steps[thread->step_count++] =
        (struct step){ .kind = kind, .variable = variable, .value = value, .skip = skip };
}

static void load(struct thread_model *t, int var)   { add_step(t, STEP_LOAD, var, 0, 0); }
static void store(struct thread_model *t, int var)  { add_step(t, STEP_STORE, var, 0, 0); }
static void add(struct thread_model *t, long value) { add_step(t, STEP_ADD, 0, value, 0); }
static void lock(struct thread_model *t, int var)   { add_step(t, STEP_LOCK, var, 0, 0); }
static void unlock(struct thread_model *t, int var) { add_step(t, STEP_UNLOCK, var, 0, 0); }

/* if (register < bound) skip the next `skip` steps */
static void skip_if_less(struct thread_model *t, long bound, int skip)
{
    add_step(t, STEP_SKIP_IF_LESS, 0, bound, skip);
}

/* A program with `threads` threads named T1, T2, ... and no steps yet. */
static void start_program(struct program *program, const char *name, const char *description,
                          int threads)
{
    memset(program, 0, sizeof *program);
    program->name = name;
    program->description = description;
    program->thread_count = threads;
    for (int t = 0; t < threads; t++)
        program->threads[t].name = thread_names[t];
}

static void add_variable(struct program *program, const char *name, long initial_value)
{
    program->variable_names[program->variable_count] = name;
    program->initial_values[program->variable_count] = initial_value;
    program->variable_count++;
}

/* ---- The models ----------------------------------------------------------------------- */

/* counter++ in every thread:   load counter; add 1; store counter */
static void build_counter(struct program *program, int threads)
{
    enum { COUNTER };
    start_program(program, threads == 2 ? "counter" : "counter3",
                  threads == 2 ? "two threads each do counter++ once"
                               : "three threads each do counter++ once", threads);
    add_variable(program, "counter", 0);
    for (int t = 0; t < threads; t++) {
        struct thread_model *thread = &program->threads[t];
        load(thread, COUNTER);
        add(thread, 1);
        store(thread, COUNTER);
    }
}

/* Each thread runs the racy withdrawal of 80 and hands out the cash:
 *
 *     if (balance >= 80) {    load balance; if < 80 skip 6
 *         balance -= 80;      load balance; add -80; store balance
 *         cash += 80;         load cash; add 80; store cash
 *     }
 */
static void build_withdraw(struct program *program)
{
    enum { BALANCE, CASH };
    start_program(program, "withdraw",
                  "two threads each withdraw 80 from a balance of 100 (check, then act)", 2);
    add_variable(program, "balance", 100);
    add_variable(program, "cash", 0);
    for (int t = 0; t < 2; t++) {
        struct thread_model *thread = &program->threads[t];
        load(thread, BALANCE);
        skip_if_less(thread, 80, 6);
        load(thread, BALANCE);
        add(thread, -80);
        store(thread, BALANCE);
        load(thread, CASH);
        add(thread, 80);
        store(thread, CASH);
    }
}

/* The same withdrawal with a lock m around the check and the act (exercise 3). */
static void build_withdraw_locked(struct program *program)
{
    /* TODO(exercise 3): model the locked withdrawal. Start like build_withdraw (same name
     * pattern, variables balance = 100 and cash = 0), add a third variable, the lock "m",
     * starting at 0 (free), and give each of the two threads the steps of build_withdraw
     * between lock(thread, M) and unlock(thread, M). Mind where the check skips to: a thread
     * that finds too little money must still unlock. `explore withdraw-locked` should then
     * find a single outcome. */
    start_program(program, "withdraw-locked", "not written yet (exercise 3)", 0);
}

/* Two locks taken in opposite orders (lesson 03 comes back to this):
 *     T1: lock a; lock b; unlock b; unlock a        T2: lock b; lock a; unlock a; unlock b */
static void build_deadlock(struct program *program)
{
    enum { A, B };
    start_program(program, "deadlock", "two threads take locks a and b in opposite orders", 2);
    add_variable(program, "a", 0);
    add_variable(program, "b", 0);
    for (int t = 0; t < 2; t++) {
        struct thread_model *thread = &program->threads[t];
        int first = t == 0 ? A : B, second = t == 0 ? B : A;
        lock(thread, first);
        lock(thread, second);
        unlock(thread, second);
        unlock(thread, first);
    }
}

const char *const model_names[] = {
    "counter", "counter3", "withdraw", "withdraw-locked", "deadlock", NULL,
};

bool build_model(const char *name, struct program *program)
{
    if (strcmp(name, "counter") == 0)
        build_counter(program, 2);
    else if (strcmp(name, "counter3") == 0)
        build_counter(program, 3);
    else if (strcmp(name, "withdraw") == 0)
        build_withdraw(program);
    else if (strcmp(name, "withdraw-locked") == 0)
        build_withdraw_locked(program);
    else if (strcmp(name, "deadlock") == 0)
        build_deadlock(program);
    else
        return false;
    return true;
}
