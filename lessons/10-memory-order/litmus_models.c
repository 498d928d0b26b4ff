/* litmus_models.c - the classic litmus tests, and Peterson's lock, as explorer programs.
 *
 * Each model is what the matching test of litmus.c does, step by step, the way x86 runs it:
 * `atomic_store_explicit(&x, 1, memory_order_relaxed)` is a plain store, "x = 1"; a load into
 * a result is "r1 = y", and r1 is the thread's own register (never buffered). A seq_cst fence
 * (x86: mfence, or a locked instruction, which gcc uses) is "fence": it waits until its
 * thread's store buffer is empty. The threads are P0, P1, ... as in the litmus tests of the
 * herdtools, and the outcome to look for is said in each description.
 */
#include "litmus_models.h"

#include <stddef.h>
#include <string.h>

static const char *const thread_names[MAX_THREADS] = { "P0", "P1", "P2", "P3" };

/* ---- Writing steps -------------------------------------------------------------------- */

static void assign(struct program *p, int thread, int variable, long value)
{
    program_step(p, thread, (struct step){ .kind = STEP_WRITE, .variable = variable,
                                           .value = value });
}

static void read_into(struct program *p, int thread, int result, int variable)
{
    program_step(p, thread, (struct step){ .kind = STEP_READ, .variable = variable,
                                           .target = result });
}

static void fence(struct program *p, int thread)
{
    program_step(p, thread, (struct step){ .kind = STEP_FENCE });
}

/* A spin loop: `while (!(variable == value || variable2 == value2)) {}` as one step. */
static void await_either(struct program *p, int thread, int variable, long value, int variable2,
                         long value2)
{
    program_step(p, thread, (struct step){ .kind = STEP_AWAIT, .variable = variable,
                                           .value = value, .either = true,
                                           .variable2 = variable2, .value2 = value2 });
}

static void load(struct program *p, int thread, int variable)
{
    program_step(p, thread, (struct step){ .kind = STEP_LOAD, .variable = variable });
}

static void store(struct program *p, int thread, int variable)
{
    program_step(p, thread, (struct step){ .kind = STEP_STORE, .variable = variable });
}

static void add(struct program *p, int thread, long value)
{
    program_step(p, thread, (struct step){ .kind = STEP_ADD, .value = value });
}

/* ---- The litmus tests ------------------------------------------------------------------ */

/* Store buffering:   P0: x = 1; r1 = y        P1: y = 1; r2 = x
 * Can both loads miss both stores (r1 = 0 and r2 = 0)? */
static void build_sb(struct program *p, bool fenced)
{
    program_begin(p, fenced ? "sb-fenced" : "sb",
                  fenced ? "store buffering with a fence between store and load: r1 = r2 = 0?"
                         : "store buffering: can both threads read 0 (r1 = r2 = 0)?",
                  2, thread_names);
    int x = program_variable(p, "x", 0), y = program_variable(p, "y", 0);
    int r1 = program_register(p, "r1"), r2 = program_register(p, "r2");
    assign(p, 0, x, 1);
    if (fenced)
        fence(p, 0);
    read_into(p, 0, r1, y);
    assign(p, 1, y, 1);
    if (fenced)
        fence(p, 1);
    read_into(p, 1, r2, x);
}

/* Message passing:   P0: x = 1; y = 1         P1: r1 = y; r2 = x
 * Can the reader see the flag (r1 = 1) but not the data (r2 = 0)? */
static void build_mp(struct program *p)
{
    program_begin(p, "mp", "message passing: flag seen, data not (r1 = 1, r2 = 0)?", 2,
                  thread_names);
    int x = program_variable(p, "x", 0), y = program_variable(p, "y", 0);
    int r1 = program_register(p, "r1"), r2 = program_register(p, "r2");
    assign(p, 0, x, 1);
    assign(p, 0, y, 1);
    read_into(p, 1, r1, y);
    read_into(p, 1, r2, x);
}

/* Load buffering:    P0: r1 = x; y = 1        P1: r2 = y; x = 1
 * Can each load see the other thread's later store (r1 = 1 and r2 = 1)? */
static void build_lb(struct program *p)
{
    program_begin(p, "lb", "load buffering: each load sees the other's later store "
                  "(r1 = r2 = 1)?", 2, thread_names);
    int x = program_variable(p, "x", 0), y = program_variable(p, "y", 0);
    int r1 = program_register(p, "r1"), r2 = program_register(p, "r2");
    read_into(p, 0, r1, x);
    assign(p, 0, y, 1);
    read_into(p, 1, r2, y);
    assign(p, 1, x, 1);
}

/* Independent reads of independent writes, four threads:
 *     P0: x = 1     P1: y = 1     P2: r1 = x; r2 = y     P3: r3 = y; r4 = x
 * Can the two readers see the two writes in opposite orders (r1 = 1, r2 = 0, r3 = 1, r4 = 0)? */
static void build_iriw(struct program *p)
{
    program_begin(p, "iriw", "independent reads of independent writes: do the readers see "
                  "the writes in opposite orders (1 0 1 0)?", 4, thread_names);
    int x = program_variable(p, "x", 0), y = program_variable(p, "y", 0);
    int r1 = program_register(p, "r1"), r2 = program_register(p, "r2");
    int r3 = program_register(p, "r3"), r4 = program_register(p, "r4");
    assign(p, 0, x, 1);
    assign(p, 1, y, 1);
    read_into(p, 2, r1, x);
    read_into(p, 2, r2, y);
    read_into(p, 3, r3, y);
    read_into(p, 3, r4, x);
}

/* ---- Peterson's lock ------------------------------------------------------------------- */

/* Each thread takes the lock once and adds 1 to a shared count inside:
 *
 *     flag[me] = 1;                       flag0 = 1            (P1: flag1 = 1)
 *     turn = other;                       turn = 1             (P1: turn = 0)
 *     [fence]
 *     while (flag[other] && turn == other) {}
 *                                         await flag1 == 0 || turn == 0
 *     count = count + 1;                  load count; add 1; store count
 *     flag[me] = 0;                       flag0 = 0
 *
 * With mutual exclusion the count ends at 2. Without it, both threads can read 0 and both write
 * 1: the count ends at 1, and the explorer finds it. */
static void build_peterson(struct program *p, bool fenced)
{
    program_begin(p, fenced ? "peterson-fenced" : "peterson",
                  fenced ? "Peterson's lock with a fence after the two stores: count = 1?"
                         : "Peterson's lock without a fence: can both get in (count = 1)?",
                  2, thread_names);
    int flag[2];
    flag[0] = program_variable(p, "flag0", 0);
    flag[1] = program_variable(p, "flag1", 0);
    int turn = program_variable(p, "turn", 0), count = program_variable(p, "count", 0);
    for (int me = 0; me < 2; me++) {
        int other = 1 - me;
        assign(p, me, flag[me], 1);
        assign(p, me, turn, other);
        if (fenced)
            fence(p, me);
        await_either(p, me, flag[other], 0, turn, me);
        load(p, me, count);
        add(p, me, 1);
        store(p, me, count);
        assign(p, me, flag[me], 0);
    }
}

const char *const litmus_model_names[] = {
    "sb", "sb-fenced", "mp", "lb", "iriw", "peterson", "peterson-fenced", NULL,
};

bool build_litmus_model(const char *name, struct program *program)
{
    if (strcmp(name, "sb") == 0)
        build_sb(program, false);
    else if (strcmp(name, "sb-fenced") == 0)
        build_sb(program, true);
    else if (strcmp(name, "mp") == 0)
        build_mp(program);
    else if (strcmp(name, "lb") == 0)
        build_lb(program);
    else if (strcmp(name, "iriw") == 0)
        build_iriw(program);
    else if (strcmp(name, "peterson") == 0)
        build_peterson(program, false);
    else if (strcmp(name, "peterson-fenced") == 0)
        build_peterson(program, true);
    else
        return false;
    return true;
}
