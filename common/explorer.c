/* explorer.c - runs a small threaded program under every schedule (see explorer.h).
 *
 * The search is a depth-first walk over machine states. A state is the shared variables plus,
 * for each thread, its position in its steps and its register. From a state, every thread
 * that can move takes its next step in its own copy of the state, and the walk goes on from
 * there; a state where every thread has finished is one complete schedule. Two threads of
 * three steps each give 6! / (3! 3!) = 20 schedules; three threads of three steps, 1680.
 */
#include "explorer.h"

#include <string.h>

struct machine {
    long variables[MAX_VARIABLES];
    int next_step[MAX_THREADS];    /* index of each thread's next step */
    long registers[MAX_THREADS];
};

static bool finished(const struct program *program, const struct machine *machine, int thread)
{
    return machine->next_step[thread] >= program->threads[thread].step_count;
}

/* A thread can move unless it has finished or its next step locks a lock held by another. */
static bool can_move(const struct program *program, const struct machine *machine, int thread)
{
    if (finished(program, machine, thread))
        return false;
    const struct step *step = &program->threads[thread].steps[machine->next_step[thread]];
    return step->kind != STEP_LOCK || machine->variables[step->variable] == 0;
}

/* Carries out `thread`'s next step. */
static void take_step(const struct program *program, struct machine *machine, int thread)
{
    const struct step *step = &program->threads[thread].steps[machine->next_step[thread]];
    long *reg = &machine->registers[thread];
    int next = machine->next_step[thread] + 1;
    switch (step->kind) {
    case STEP_LOAD: *reg = machine->variables[step->variable]; break;
    case STEP_STORE: machine->variables[step->variable] = *reg; break;
    case STEP_ADD: *reg += step->value; break;
    case STEP_SKIP_IF_LESS: if (*reg < step->value) next += step->skip; break;
    case STEP_LOCK: machine->variables[step->variable] = 1; break;
    case STEP_UNLOCK: machine->variables[step->variable] = 0; break;
    }
    machine->next_step[thread] = next;
}

/* Adds one finished (or stuck) schedule to the tally of outcomes. */
static int count_outcome(const struct program *program, const struct machine *machine,
                         bool deadlocked, const struct schedule *schedule,
                         struct exploration *result)
{
    result->schedules++;
    size_t size = (size_t)program->variable_count * sizeof machine->variables[0];
    for (int i = 0; i < result->outcome_count; i++) {
        struct outcome *seen = &result->outcomes[i];
        if (seen->deadlocked == deadlocked && memcmp(seen->values, machine->variables, size) == 0) {
            seen->schedules++;
            return 0;
        }
    }
    if (result->outcome_count == MAX_OUTCOMES) {
        fprintf(stderr, "explore: %s has more than %d outcomes\n", program->name, MAX_OUTCOMES);
        return -1;
    }
    struct outcome *new = &result->outcomes[result->outcome_count++];
    memset(new, 0, sizeof *new);
    memcpy(new->values, machine->variables, size);
    new->deadlocked = deadlocked;
    new->schedules = 1;
    new->first = *schedule;
    return 0;
}

/* Explores every schedule that continues from `machine`, whose turns so far are `schedule`. */
static int explore_from(const struct program *program, const struct machine *machine,
                        struct schedule *schedule, struct exploration *result)
{
    bool anyone_moved = false, everyone_finished = true;
    for (int thread = 0; thread < program->thread_count; thread++) {
        everyone_finished = everyone_finished && finished(program, machine, thread);
        if (!can_move(program, machine, thread))
            continue;
        anyone_moved = true;
        struct machine next = *machine;
        take_step(program, &next, thread);
        schedule->turns[schedule->length++] = thread;
        int status = explore_from(program, &next, schedule, result);
        schedule->length--;
        if (status != 0)
            return status;
    }
    if (anyone_moved)
        return 0;
    /* Nobody can move: either all are done, or everyone left is waiting for a lock. */
    return count_outcome(program, machine, !everyone_finished, schedule, result);
}

/* Checks what the search relies on: sizes in range, variables that exist, skips that land
 * inside the thread. */
static int check_program(const struct program *program)
{
    if (program->thread_count < 1 || program->thread_count > MAX_THREADS ||
        program->variable_count < 1 || program->variable_count > MAX_VARIABLES) {
        fprintf(stderr, "explore: %s: needs 1 to %d threads and 1 to %d variables\n",
                program->name, MAX_THREADS, MAX_VARIABLES);
        return -1;
    }
    for (int t = 0; t < program->thread_count; t++) {
        const struct thread_model *thread = &program->threads[t];
        if (thread->step_count < 0 || thread->step_count > MAX_STEPS) {
            fprintf(stderr, "explore: %s: %s has %d steps (at most %d)\n", program->name,
                    thread->name, thread->step_count, MAX_STEPS);
            return -1;
        }
        for (int s = 0; s < thread->step_count; s++) {
            const struct step *step = &thread->steps[s];
            bool uses_variable = step->kind != STEP_ADD && step->kind != STEP_SKIP_IF_LESS;
            if ((uses_variable && (step->variable < 0 || step->variable >= program->variable_count))
                || (step->kind == STEP_SKIP_IF_LESS &&
                    (step->skip < 0 || s + 1 + step->skip > thread->step_count))) {
                fprintf(stderr, "explore: %s: step %d of %s makes no sense\n", program->name,
                        s + 1, thread->name);
                return -1;
            }
        }
    }
    return 0;
}

int explore(const struct program *program, struct exploration *result)
{
    memset(result, 0, sizeof *result);
    if (check_program(program) != 0)
        return -1;
    struct machine start = { .next_step = { 0 } };
    memcpy(start.variables, program->initial_values, sizeof start.variables);
    struct schedule schedule = { .length = 0 };
    return explore_from(program, &start, &schedule, result);
}

/* ---- Printing ------------------------------------------------------------------------- */

static void print_step(FILE *out, const struct program *program, const struct step *step)
{
    const char *variable = program->variable_names[step->variable];
    switch (step->kind) {
    case STEP_LOAD: fprintf(out, "load %s", variable); break;
    case STEP_STORE: fprintf(out, "store %s", variable); break;
    case STEP_ADD: fprintf(out, "add %ld", step->value); break;
    case STEP_SKIP_IF_LESS:
        fprintf(out, "if < %ld skip %d", step->value, step->skip);
        break;
    case STEP_LOCK: fprintf(out, "lock %s", variable); break;
    case STEP_UNLOCK: fprintf(out, "unlock %s", variable); break;
    }
}

void print_program(FILE *out, const struct program *program)
{
    fprintf(out, "%s: %s\n", program->name, program->description);
    fprintf(out, "  starts with");
    for (int v = 0; v < program->variable_count; v++)
        fprintf(out, "%s %s = %ld", v ? "," : "", program->variable_names[v],
                program->initial_values[v]);
    fprintf(out, "\n");
    for (int t = 0; t < program->thread_count; t++) {
        const struct thread_model *thread = &program->threads[t];
        fprintf(out, "  %s:", thread->name);
        for (int s = 0; s < thread->step_count; s++) {
            fprintf(out, s ? "; " : " ");
            print_step(out, program, &thread->steps[s]);
        }
        fprintf(out, "\n");
    }
}

void print_schedule(FILE *out, const struct program *program, const struct schedule *schedule)
{
    for (int i = 0; i < schedule->length; i++)
        fprintf(out, "%s%s", i ? " " : "", program->threads[schedule->turns[i]].name);
}

void print_outcome(FILE *out, const struct program *program, const struct outcome *outcome)
{
    for (int v = 0; v < program->variable_count; v++)
        fprintf(out, "%s%s = %ld", v ? ", " : "", program->variable_names[v], outcome->values[v]);
    if (outcome->deadlocked)
        fprintf(out, ", DEADLOCK");
}

void print_exploration(FILE *out, const struct program *program,
                       const struct exploration *result)
{
    fprintf(out, "%ld schedules, %d outcome%s:\n", result->schedules, result->outcome_count,
            result->outcome_count == 1 ? "" : "s");
    /* Most frequent first; outcome_count is tiny, so a simple selection will do. */
    bool printed[MAX_OUTCOMES] = { false };
    for (int round = 0; round < result->outcome_count; round++) {
        int best = -1;
        for (int i = 0; i < result->outcome_count; i++)
            if (!printed[i] && (best < 0 ||
                                result->outcomes[i].schedules > result->outcomes[best].schedules))
                best = i;
        printed[best] = true;
        const struct outcome *outcome = &result->outcomes[best];
        fprintf(out, "  %6ld schedules (%5.1f%%)  ", outcome->schedules,
                100.0 * (double)outcome->schedules / (double)result->schedules);
        print_outcome(out, program, outcome);
        fprintf(out, "\n      first: ");
        print_schedule(out, program, &outcome->first);
        fprintf(out, "\n");
    }
}

/* ---- The diagram of one schedule ------------------------------------------------------- */

/* Quotes nothing: every label the explorer writes is made of names and numbers, and program
 * names come from models.c. */
int write_schedule_dot(FILE *out, const struct program *program,
                       const struct schedule *schedule)
{
    struct machine machine = { .next_step = { 0 } };
    memcpy(machine.variables, program->initial_values, sizeof machine.variables);
    /* For each variable, the event that last stored it; -1 for its initial value. */
    int last_store[MAX_VARIABLES];
    for (int v = 0; v < MAX_VARIABLES; v++)
        last_store[v] = -1;

    fprintf(out, "digraph schedule {\n"
                 "  rankdir=TB; newrank=true; nodesep=0.35; ranksep=0.25;\n"
                 "  node [shape=box, style=\"rounded,filled\", fillcolor=white, "
                 "fontname=\"Helvetica\", fontsize=12];\n"
                 "  edge [arrowsize=0.7];\n");
    /* The header row: the initial values, then one column per thread. */
    fprintf(out, "  start [label=\"start\\n");
    for (int v = 0; v < program->variable_count; v++)
        fprintf(out, "%s = %ld\\n", program->variable_names[v], program->initial_values[v]);
    fprintf(out, "\", fillcolor=\"#fff2cc\", group=memory];\n");
    fprintf(out, "  { rank=same; time [label=\"time\", shape=plaintext, style=\"\"]; start;");
    for (int t = 0; t < program->thread_count; t++)
        fprintf(out, " head%d [label=\"%s\", shape=plaintext, style=\"\", fontsize=14, "
                     "group=t%d];", t, program->threads[t].name, t);
    fprintf(out, " }\n  time -> start [style=invis]; start -> head0 [style=invis];\n");
    for (int t = 1; t < program->thread_count; t++)
        fprintf(out, "  head%d -> head%d [style=invis];\n", t - 1, t);

    int previous_event[MAX_THREADS];
    for (int t = 0; t < program->thread_count; t++)
        previous_event[t] = -1;
    for (int i = 0; i < schedule->length; i++) {
        int thread = schedule->turns[i];
        if (thread < 0 || thread >= program->thread_count || !can_move(program, &machine, thread))
            return -1;
        const struct step *step = &program->threads[thread].steps[machine.next_step[thread]];
        long before = machine.registers[thread];
        take_step(program, &machine, thread);
        long after = machine.registers[thread];
        const char *variable = program->variable_names[step->variable];

        fprintf(out, "  e%d [group=t%d, label=\"", i, thread);
        const char *fill = "white";
        switch (step->kind) {
        case STEP_LOAD: fprintf(out, "load %s: %ld", variable, after); fill = "\"#cfe2f3\""; break;
        case STEP_STORE:
            fprintf(out, "store %s: %ld", variable, after);
            fill = "\"#f4cccc\"";
            break;
        case STEP_ADD: fprintf(out, "add %ld: %ld -> %ld", step->value, before, after); break;
        case STEP_SKIP_IF_LESS:
            fprintf(out, "%ld < %ld? %s", after, step->value,
                    after < step->value ? "yes: skip" : "no: go on");
            break;
        case STEP_LOCK: fprintf(out, "lock %s", variable); fill = "\"#d9d2e9\""; break;
        case STEP_UNLOCK: fprintf(out, "unlock %s", variable); fill = "\"#d9d2e9\""; break;
        }
        fprintf(out, "\", fillcolor=%s];\n", fill);
        /* Time runs down: a row per turn, numbered on the left. */
        fprintf(out, "  { rank=same; step%d [label=\"%d\", shape=plaintext, style=\"\"]; e%d; }\n",
                i, i + 1, i);
        if (i == 0)
            fprintf(out, "  time -> step0 [style=invis];\n");
        else
            fprintf(out, "  step%d -> step%d [style=invis];\n", i - 1, i);
        /* Program order: this thread's previous step, or its name at the top. */
        if (previous_event[thread] < 0)
            fprintf(out, "  head%d -> e%d [weight=100, color=gray60, arrowhead=none];\n",
                    thread, i);
        else
            fprintf(out, "  e%d -> e%d [weight=100, color=gray40];\n", previous_event[thread], i);
        previous_event[thread] = i;
        /* Reads-from: which store (or initial value) this load saw. */
        if (step->kind == STEP_LOAD) {
            int source = last_store[step->variable];
            if (source < 0)
                fprintf(out, "  start -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                             "label=\" reads %s\", fontsize=10, fontcolor=\"#3d85c6\"];\n",
                        i, variable);
            else
                fprintf(out, "  e%d -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                             "label=\" reads\", fontsize=10, fontcolor=\"#3d85c6\"];\n",
                        source, i);
        } else if (step->kind == STEP_STORE) {
            last_store[step->variable] = i;
        }
    }
    fprintf(out, "  label=\"%s, schedule ", program->name);
    print_schedule(out, program, schedule);
    fprintf(out, "\\nends with ");
    struct outcome outcome = { .deadlocked = false };
    memcpy(outcome.values, machine.variables, sizeof outcome.values);
    for (int t = 0; t < program->thread_count; t++)
        outcome.deadlocked = outcome.deadlocked || !finished(program, &machine, t);
    print_outcome(out, program, &outcome);
    fprintf(out, "\"; labelloc=b; fontname=\"Helvetica\"; fontsize=13;\n}\n");
    return 0;
}
