/* explorer.c - runs a small threaded program under every schedule (see explorer.h).
 *
 * The search is a walk over machine states. A state is the shared variables plus, for each
 * thread, its position in its steps and its register (and, under TSO, its store buffer). From a
 * state, every thread that can move takes its next step in its own copy of the state, and the
 * walk goes on from there; a state where every thread has finished is one complete schedule.
 *
 * On sequentially consistent memory the walk is depth first and counts every schedule, as
 * lesson 02 shows them. Two threads of three steps each give 6! / (3! 3!) = 20 schedules; three
 * threads of three steps, 1680. Under TSO a store waits in a buffer and reaches memory whenever
 * the schedule says, so there are many more ways through: the walk is breadth first and
 * remembers every state it has been in (a hash set of the states, written out as bytes), going
 * on from each only once. Every outcome still shows up, since a state's future does not depend
 * on how the walk got there, and the execution kept for each is one of the shortest.
 */
#include "explorer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct machine {
    long variables[MAX_VARIABLES];
    int next_step[MAX_THREADS];    /* index of each thread's next step */
    long registers[MAX_THREADS];
    int buffered[MAX_THREADS];     /* TSO: stores waiting in each thread's buffer, oldest first */
    int buffer_variable[MAX_THREADS][MAX_STEPS];
    long buffer_value[MAX_THREADS][MAX_STEPS];
};

static bool finished(const struct program *program, const struct machine *machine, int thread)
{
    return machine->next_step[thread] >= program->threads[thread].step_count;
}

/* What `thread` reads from `variable`: under TSO the newest store to it still in the thread's
 * own buffer, if there is one; otherwise memory. */
static long read_variable(const struct machine *machine, enum memory_model memory, int thread,
                          int variable)
{
    if (memory == MEMORY_TSO)
        for (int i = machine->buffered[thread] - 1; i >= 0; i--)
            if (machine->buffer_variable[thread][i] == variable)
                return machine->buffer_value[thread][i];
    return machine->variables[variable];
}

/* A store: into memory at once (SC, or a result register), or into the thread's buffer. */
static void write_variable(const struct program *program, struct machine *machine,
                           enum memory_model memory, int thread, int variable, long value)
{
    if (memory == MEMORY_SC || program->is_register[variable]) {
        machine->variables[variable] = value;
        return;
    }
    int slot = machine->buffered[thread]++;
    machine->buffer_variable[thread][slot] = variable;
    machine->buffer_value[thread][slot] = value;
}

/* TSO: the oldest store in the thread's buffer reaches memory. */
static void flush_oldest(struct machine *machine, int thread)
{
    machine->variables[machine->buffer_variable[thread][0]] = machine->buffer_value[thread][0];
    machine->buffered[thread]--;
    memmove(machine->buffer_variable[thread], machine->buffer_variable[thread] + 1,
            (size_t)machine->buffered[thread] * sizeof machine->buffer_variable[thread][0]);
    memmove(machine->buffer_value[thread], machine->buffer_value[thread] + 1,
            (size_t)machine->buffered[thread] * sizeof machine->buffer_value[thread][0]);
}

static bool awaited(const struct machine *machine, enum memory_model memory, int thread,
                    const struct step *step)
{
    return read_variable(machine, memory, thread, step->variable) == step->value ||
           (step->either &&
            read_variable(machine, memory, thread, step->variable2) == step->value2);
}

/* A thread can move unless it has finished or its next step must wait: a lock held by another,
 * an awaited condition that does not hold yet, or (TSO) a fence or locked instruction whose
 * thread still has stores in its buffer. */
static bool can_move(const struct program *program, const struct machine *machine,
                     enum memory_model memory, int thread)
{
    if (finished(program, machine, thread))
        return false;
    const struct step *step = &program->threads[thread].steps[machine->next_step[thread]];
    bool drained = memory == MEMORY_SC || machine->buffered[thread] == 0;
    switch (step->kind) {
    case STEP_LOCK: return drained && machine->variables[step->variable] == 0;
    case STEP_FENCE: return drained;
    case STEP_AWAIT: return awaited(machine, memory, thread, step);
    default: return true;
    }
}

/* Carries out `thread`'s next step. */
static void take_step(const struct program *program, struct machine *machine,
                      enum memory_model memory, int thread)
{
    const struct step *step = &program->threads[thread].steps[machine->next_step[thread]];
    long *reg = &machine->registers[thread];
    int next = machine->next_step[thread] + 1;
    switch (step->kind) {
    case STEP_LOAD: *reg = read_variable(machine, memory, thread, step->variable); break;
    case STEP_STORE: write_variable(program, machine, memory, thread, step->variable, *reg); break;
    case STEP_ADD: *reg += step->value; break;
    case STEP_SKIP_IF_LESS: if (*reg < step->value) next += step->skip; break;
    case STEP_LOCK: machine->variables[step->variable] = 1; break;
    case STEP_UNLOCK: write_variable(program, machine, memory, thread, step->variable, 0); break;
    case STEP_WRITE:
        write_variable(program, machine, memory, thread, step->variable, step->value);
        break;
    case STEP_READ:
        machine->variables[step->target] = read_variable(machine, memory, thread, step->variable);
        break;
    case STEP_FENCE: break;
    case STEP_AWAIT: break;
    }
    machine->next_step[thread] = next;
}

/* Adds one finished (or stuck) schedule to the tally of outcomes. */
static int count_outcome(const struct program *program, const struct machine *machine,
                         bool deadlocked, const struct schedule *schedule,
                         struct exploration *result)
{
    size_t size = (size_t)program->variable_count * sizeof machine->variables[0];
    for (int i = 0; i < result->outcome_count; i++) {
        struct outcome *seen = &result->outcomes[i];
        if (seen->deadlocked == deadlocked && memcmp(seen->values, machine->variables, size) == 0) {
            seen->schedules += result->states == 0;
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
    new->schedules = result->states == 0;
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
        if (!can_move(program, machine, MEMORY_SC, thread))
            continue;
        anyone_moved = true;
        struct machine next = *machine;
        take_step(program, &next, MEMORY_SC, thread);
        schedule->turns[schedule->length++] = thread;
        int status = explore_from(program, &next, schedule, result);
        schedule->length--;
        if (status != 0)
            return status;
    }
    if (anyone_moved)
        return 0;
    /* Nobody can move: either all are done, or everyone left is waiting for a lock. */
    result->schedules++;
    return count_outcome(program, machine, !everyone_finished, schedule, result);
}

/* ---- TSO: every state once -------------------------------------------------------------- */

/* The states seen so far: each written out as bytes into one growing arena; an open-addressing
 * table of their places in it (0: empty slot). */
struct state_set {
    unsigned char *arena;
    size_t arena_used, arena_size;
    size_t *slots;
    size_t slot_count, used;
};

#define MAX_STATE_BYTES (2 + MAX_VARIABLES * 8 + MAX_THREADS * (2 + 8 + MAX_STEPS * 9))

/* The state as bytes, with only what the program uses: two bytes of length, then the values. */
static size_t encode_state(const struct program *program, const struct machine *machine,
                           unsigned char *bytes)
{
    size_t n = 2;
#define PUT(value) do { memcpy(bytes + n, &(value), sizeof(value)); n += sizeof(value); } while (0)
    for (int v = 0; v < program->variable_count; v++)
        PUT(machine->variables[v]);
    for (int t = 0; t < program->thread_count; t++) {
        unsigned char position = (unsigned char)machine->next_step[t];
        unsigned char buffered = (unsigned char)machine->buffered[t];
        PUT(position);
        PUT(machine->registers[t]);
        PUT(buffered);
        for (int i = 0; i < machine->buffered[t]; i++) {
            unsigned char variable = (unsigned char)machine->buffer_variable[t][i];
            PUT(variable);
            PUT(machine->buffer_value[t][i]);
        }
    }
#undef PUT
    bytes[0] = (unsigned char)(n & 0xff);
    bytes[1] = (unsigned char)(n >> 8);
    return n;
}

static uint64_t hash_bytes(const unsigned char *bytes, size_t size)
{
    uint64_t hash = 1469598103934665603u;   /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ bytes[i]) * 1099511628211u;
    return hash;
}

static size_t *find_slot(struct state_set *set, const unsigned char *bytes, size_t size)
{
    size_t mask = set->slot_count - 1;
    for (size_t i = hash_bytes(bytes, size) & mask;; i = (i + 1) & mask) {
        size_t *slot = &set->slots[i];
        if (*slot == 0)
            return slot;
        const unsigned char *stored = set->arena + *slot - 1;
        if ((size_t)(stored[0] | stored[1] << 8) == size && memcmp(stored, bytes, size) == 0)
            return slot;
    }
}

/* Adds the state; returns 1 if it is new, 0 if it was there already, -1 without memory. */
static int remember_state(struct state_set *set, const struct program *program,
                          const struct machine *machine)
{
    unsigned char bytes[MAX_STATE_BYTES];
    size_t size = encode_state(program, machine, bytes);
    if (2 * (set->used + 1) > set->slot_count) {
        size_t count = set->slot_count ? 2 * set->slot_count : 1024;
        size_t *slots = calloc(count, sizeof *slots);
        if (slots == NULL)
            return -1;
        size_t *old = set->slots, old_count = set->slot_count;
        set->slots = slots;
        set->slot_count = count;
        for (size_t i = 0; i < old_count; i++)
            if (old[i] != 0) {
                const unsigned char *stored = set->arena + old[i] - 1;
                *find_slot(set, stored, (size_t)(stored[0] | stored[1] << 8)) = old[i];
            }
        free(old);
    }
    size_t *slot = find_slot(set, bytes, size);
    if (*slot != 0)
        return 0;
    if (set->arena_used + size > set->arena_size) {
        size_t grown = set->arena_size ? 2 * set->arena_size : 65536;
        while (grown < set->arena_used + size)
            grown *= 2;
        unsigned char *arena = realloc(set->arena, grown);
        if (arena == NULL)
            return -1;
        set->arena = arena;
        set->arena_size = grown;
    }
    memcpy(set->arena + set->arena_used, bytes, size);
    *slot = set->arena_used + 1;
    set->arena_used += size;
    set->used++;
    return 1;
}

/* The walk under TSO is breadth first: every state is kept, with the move that first reached
 * it and the state it came from, so the execution shown for each outcome is one of the
 * shortest that reach it. */
struct tso_node {
    struct machine machine;
    int parent;   /* index of the state it was reached from; -1 for the start */
    int turn;     /* the move that reached it */
};

static void path_to(const struct tso_node *nodes, int node, struct schedule *schedule)
{
    int length = 0;
    for (int i = node; nodes[i].parent >= 0; i = nodes[i].parent)
        length++;
    schedule->length = length;
    for (int i = node; nodes[i].parent >= 0; i = nodes[i].parent)
        schedule->turns[--length] = nodes[i].turn;
}

static int explore_tso(const struct program *program, const struct machine *start,
                       struct state_set *seen, struct exploration *result)
{
    size_t capacity = 1024, count = 0;
    struct tso_node *nodes = malloc(capacity * sizeof *nodes);
    bool out_of_memory = nodes == NULL || remember_state(seen, program, start) < 0;
    int status = out_of_memory ? -1 : 0;
    if (status == 0)
        nodes[count++] = (struct tso_node){ *start, -1, -1 };
    for (size_t head = 0; status == 0 && head < count; head++) {
        bool anyone_moved = false, all_done = true;
        for (int thread = 0; status == 0 && thread < program->thread_count; thread++) {
            const struct machine *machine = &nodes[head].machine;
            all_done = all_done && finished(program, machine, thread) &&
                       machine->buffered[thread] == 0;
            for (int flush = 0; status == 0 && flush < 2; flush++) {
                machine = &nodes[head].machine;   /* nodes may have moved */
                if (flush ? machine->buffered[thread] == 0
                          : !can_move(program, machine, MEMORY_TSO, thread))
                    continue;
                anyone_moved = true;
                struct machine next = *machine;
                if (flush)
                    flush_oldest(&next, thread);
                else
                    take_step(program, &next, MEMORY_TSO, thread);
                int fresh = remember_state(seen, program, &next);
                if (fresh < 0) {
                    out_of_memory = true;
                    status = -1;
                    break;
                }
                if (fresh == 0)
                    continue;
                if (count == capacity) {
                    struct tso_node *grown = realloc(nodes, 2 * capacity * sizeof *nodes);
                    if (grown == NULL) {
                        out_of_memory = true;
                        status = -1;
                        break;
                    }
                    nodes = grown;
                    capacity *= 2;
                }
                nodes[count++] = (struct tso_node){ next, (int)head,
                                                    flush ? FLUSH_TURN(thread) : thread };
            }
        }
        if (status == 0 && !anyone_moved) {
            /* Nobody can move and no buffer holds a store: all done, or all waiting. */
            struct schedule schedule;
            path_to(nodes, (int)head, &schedule);
            status = count_outcome(program, &nodes[head].machine, !all_done, &schedule, result);
        }
    }
    if (out_of_memory)
        fprintf(stderr, "explore: %s: out of memory\n", program->name);
    result->states = (long)count;
    free(nodes);
    return status;
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
            bool uses_variable = step->kind != STEP_ADD && step->kind != STEP_SKIP_IF_LESS &&
                                 step->kind != STEP_FENCE;
            int count = program->variable_count;
            if ((uses_variable && (step->variable < 0 || step->variable >= count))
                || (step->kind == STEP_SKIP_IF_LESS &&
                    (step->skip < 0 || s + 1 + step->skip > thread->step_count))
                || (step->kind == STEP_READ &&
                    (step->target < 0 || step->target >= count || !program->is_register[step->target]))
                || (step->kind == STEP_AWAIT && step->either &&
                    (step->variable2 < 0 || step->variable2 >= count))) {
                fprintf(stderr, "explore: %s: step %d of %s makes no sense\n", program->name,
                        s + 1, thread->name);
                return -1;
            }
        }
    }
    return 0;
}

static void start_machine(const struct program *program, struct machine *machine)
{
    memset(machine, 0, sizeof *machine);
    memcpy(machine->variables, program->initial_values, sizeof machine->variables);
}

/* ---- TSO: an execution worth drawing ------------------------------------------------------- */

struct finding {
    const struct program *program;
    const struct outcome *target;
    struct state_set seen;
    struct schedule path;
    bool found, failed;
};

static int steps_taken(const struct machine *machine, int thread)
{
    return machine->next_step[thread];
}

/* Depth first, trying moves in this order: a step of the thread that has taken the fewest
 * steps so far (the threads take turns), and a flush only when no thread can step. */
static void find_from(struct finding *finding, const struct machine *machine)
{
    const struct program *program = finding->program;
    int fresh = remember_state(&finding->seen, program, machine);
    if (fresh < 0)
        finding->failed = true;
    if (fresh <= 0 || finding->found || finding->failed)
        return;
    bool anyone_moved = false, all_done = true;
    bool tried[MAX_THREADS] = { false };
    for (int round = 0; round < program->thread_count; round++) {
        int thread = -1;
        for (int t = 0; t < program->thread_count; t++)
            if (!tried[t] && (thread < 0 || steps_taken(machine, t) < steps_taken(machine, thread)))
                thread = t;
        tried[thread] = true;
        if (!can_move(program, machine, MEMORY_TSO, thread))
            continue;
        anyone_moved = true;
        struct machine next = *machine;
        take_step(program, &next, MEMORY_TSO, thread);
        finding->path.turns[finding->path.length++] = thread;
        find_from(finding, &next);
        if (finding->found || finding->failed)
            return;
        finding->path.length--;
    }
    for (int thread = 0; thread < program->thread_count; thread++) {
        all_done = all_done && finished(program, machine, thread) && machine->buffered[thread] == 0;
        if (machine->buffered[thread] == 0)
            continue;
        anyone_moved = true;
        struct machine next = *machine;
        flush_oldest(&next, thread);
        finding->path.turns[finding->path.length++] = FLUSH_TURN(thread);
        find_from(finding, &next);
        if (finding->found || finding->failed)
            return;
        finding->path.length--;
    }
    if (anyone_moved)
        return;
    bool same = finding->target->deadlocked == !all_done;
    for (int v = 0; same && v < program->variable_count; v++)
        same = machine->variables[v] == finding->target->values[v];
    finding->found = same;
}

int find_tso_execution(const struct program *program, const struct outcome *target,
                       struct schedule *schedule)
{
    if (check_program(program) != 0)
        return -1;
    static struct finding finding;   /* large: not on the stack */
    memset(&finding, 0, sizeof finding);
    finding.program = program;
    finding.target = target;
    struct machine start;
    start_machine(program, &start);
    find_from(&finding, &start);
    free(finding.seen.arena);
    free(finding.seen.slots);
    if (finding.failed)
        fprintf(stderr, "explore: %s: out of memory\n", program->name);
    if (!finding.found)
        return -1;
    *schedule = finding.path;
    return 0;
}

int explore(const struct program *program, struct exploration *result)
{
    return explore_memory(program, MEMORY_SC, result);
}

int explore_memory(const struct program *program, enum memory_model memory,
                   struct exploration *result)
{
    memset(result, 0, sizeof *result);
    if (check_program(program) != 0)
        return -1;
    struct machine start;
    start_machine(program, &start);
    if (memory == MEMORY_SC) {
        struct schedule schedule = { .length = 0 };
        return explore_from(program, &start, &schedule, result);
    }
    struct state_set seen = { .arena = NULL };
    result->states = 1;   /* counted as states under TSO, not as schedules */
    int status = explore_tso(program, &start, &seen, result);
    free(seen.arena);
    free(seen.slots);
    return status;
}

const struct outcome *find_same_outcome(const struct program *program,
                                        const struct exploration *result,
                                        const struct outcome *outcome, bool registers_only)
{
    for (int i = 0; i < result->outcome_count; i++) {
        const struct outcome *candidate = &result->outcomes[i];
        bool same = candidate->deadlocked == outcome->deadlocked;
        for (int v = 0; same && v < program->variable_count; v++)
            if (!registers_only || program->is_register[v])
                same = candidate->values[v] == outcome->values[v];
        if (same)
            return candidate;
    }
    return NULL;
}

/* ---- Writing programs ------------------------------------------------------------------ */

void program_begin(struct program *program, const char *name, const char *description,
                   int threads, const char *const thread_names[])
{
    memset(program, 0, sizeof *program);
    program->name = name;
    program->description = description;
    program->thread_count = threads;
    for (int t = 0; t < threads && t < MAX_THREADS; t++)
        program->threads[t].name = thread_names[t];
}

int program_variable(struct program *program, const char *name, long initial_value)
{
    int v = program->variable_count;
    if (v == MAX_VARIABLES)
        return -1;   /* check_program then rejects the steps that use it */
    program->variable_names[v] = name;
    program->initial_values[v] = initial_value;
    program->variable_count++;
    return v;
}

int program_register(struct program *program, const char *name)
{
    int v = program_variable(program, name, 0);
    if (v >= 0)
        program->is_register[v] = true;
    return v;
}

bool program_step(struct program *program, int thread, struct step step)
{
    struct thread_model *model = &program->threads[thread];
    if (model->step_count == MAX_STEPS)
        return false;
    model->steps[model->step_count++] = step;
    return true;
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
    case STEP_WRITE: fprintf(out, "%s = %ld", variable, step->value); break;
    case STEP_READ: fprintf(out, "%s = %s", program->variable_names[step->target], variable); break;
    case STEP_FENCE: fprintf(out, "fence"); break;
    case STEP_AWAIT:
        fprintf(out, "await %s == %ld", variable, step->value);
        if (step->either)
            fprintf(out, " || %s == %ld", program->variable_names[step->variable2], step->value2);
        break;
    }
}

void print_program(FILE *out, const struct program *program)
{
    fprintf(out, "%s: %s\n", program->name, program->description);
    fprintf(out, "  starts with");
    for (int v = 0, shown = 0; v < program->variable_count; v++)
        if (!program->is_register[v])
            fprintf(out, "%s %s = %ld", shown++ ? "," : "", program->variable_names[v],
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
    for (int i = 0; i < schedule->length; i++) {
        int turn = schedule->turns[i];
        if (turn >= MAX_THREADS)
            fprintf(out, "%sF(%s)", i ? " " : "", program->threads[turn - MAX_THREADS].name);
        else
            fprintf(out, "%s%s", i ? " " : "", program->threads[turn].name);
    }
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
    if (result->states > 0) {
        /* TSO: every state once; no schedule counts, one execution per outcome. */
        fprintf(out, "%ld states, %d outcome%s:\n", result->states, result->outcome_count,
                result->outcome_count == 1 ? "" : "s");
        for (int i = 0; i < result->outcome_count; i++) {
            fprintf(out, "  ");
            print_outcome(out, program, &result->outcomes[i]);
            fprintf(out, "\n      e.g.: ");
            print_schedule(out, program, &result->outcomes[i].first);
            fprintf(out, "\n");
        }
        return;
    }
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
    struct machine machine;
    start_machine(program, &machine);
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
        if (thread < 0 || thread >= program->thread_count ||
            !can_move(program, &machine, MEMORY_SC, thread))
            return -1;
        const struct step *step = &program->threads[thread].steps[machine.next_step[thread]];
        long before = machine.registers[thread];
        take_step(program, &machine, MEMORY_SC, thread);
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
        case STEP_WRITE:
            fprintf(out, "%s = %ld", variable, step->value);
            fill = "\"#f4cccc\"";
            break;
        case STEP_READ:
            fprintf(out, "%s = %s: %ld", program->variable_names[step->target], variable,
                    machine.variables[step->target]);
            fill = "\"#cfe2f3\"";
            break;
        case STEP_FENCE: fprintf(out, "fence"); fill = "\"#d9d2e9\""; break;
        case STEP_AWAIT: fprintf(out, "await: done"); fill = "\"#d9d2e9\""; break;
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
        if (step->kind == STEP_LOAD || step->kind == STEP_READ) {
            int source = last_store[step->variable];
            if (source < 0)
                fprintf(out, "  start -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                             "label=\" reads %s\", fontsize=10, fontcolor=\"#3d85c6\"];\n",
                        i, variable);
            else
                fprintf(out, "  e%d -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                             "label=\" reads\", fontsize=10, fontcolor=\"#3d85c6\"];\n",
                        source, i);
        } else if (step->kind == STEP_STORE || step->kind == STEP_WRITE) {
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

/* ---- The diagram of one execution under TSO -------------------------------------------- */

/* The node of a thread's step under TSO: what it did, with the value it saw or wrote. */
static const char *tso_step_label(FILE *out, const struct program *program,
                                  const struct machine *machine, const struct step *step,
                                  int thread, long before)
{
    const char *variable = program->variable_names[step->variable];
    const char *buffered = program->is_register[step->variable] ? "" : "\\n(into the buffer)";
    switch (step->kind) {
    case STEP_LOAD:
        fprintf(out, "load %s: %ld", variable, machine->registers[thread]);
        return "\"#cfe2f3\"";
    case STEP_READ:
        fprintf(out, "%s = %s: %ld", program->variable_names[step->target], variable,
                machine->variables[step->target]);
        return "\"#cfe2f3\"";
    case STEP_STORE:
        fprintf(out, "store %s = %ld%s", variable, machine->registers[thread], buffered);
        return "\"#f4cccc\"";
    case STEP_WRITE:
        fprintf(out, "%s = %ld%s", variable, step->value, buffered);
        return "\"#f4cccc\"";
    case STEP_UNLOCK:
        fprintf(out, "unlock %s%s", variable, buffered);
        return "\"#f4cccc\"";
    case STEP_ADD:
        fprintf(out, "add %ld: %ld -> %ld", step->value, before, machine->registers[thread]);
        return "white";
    case STEP_SKIP_IF_LESS:
        fprintf(out, "%ld < %ld? %s", before, step->value,
                before < step->value ? "yes: skip" : "no: go on");
        return "white";
    case STEP_LOCK:
        fprintf(out, "lock %s\\n(buffer empty: locked)", variable);
        return "\"#d9d2e9\"";
    case STEP_FENCE:
        fprintf(out, "fence\\n(buffer empty: go on)");
        return "\"#d9d2e9\"";
    case STEP_AWAIT:
        fprintf(out, "await %s == %ld", variable, step->value);
        if (step->either)
            fprintf(out, "\\n|| %s == %ld", program->variable_names[step->variable2],
                    step->value2);
        return "\"#d9d2e9\"";
    }
    return "white";
}

/* A reads-from arrow into event `event` for a read of `variable` by `thread`: from the newest
 * store to it in the thread's own buffer, else from the flush that put memory's value there,
 * else from the start. */
static void tso_reads_from(FILE *out, const struct program *program,
                           const struct machine *machine, int thread, int variable,
                           const int buffer_event[MAX_THREADS][MAX_STEPS],
                           const int last_flush[MAX_VARIABLES], int event)
{
    const char *name = program->variable_names[variable];
    for (int i = machine->buffered[thread] - 1; i >= 0; i--)
        if (machine->buffer_variable[thread][i] == variable) {
            fprintf(out, "  e%d -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                         "label=\" reads %s from\\n its own buffer\", fontsize=10, "
                         "fontcolor=\"#3d85c6\", constraint=false];\n",
                    buffer_event[thread][i], event, name);
            return;
        }
    if (last_flush[variable] < 0)
        fprintf(out, "  start -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                     "label=\" reads %s\", fontsize=10, fontcolor=\"#3d85c6\"];\n", event, name);
    else
        fprintf(out, "  e%d -> e%d [weight=0, color=\"#3d85c6\", style=dashed, "
                     "label=\" reads %s\", fontsize=10, fontcolor=\"#3d85c6\"];\n",
                last_flush[variable], event, name);
}

int write_tso_execution_dot(FILE *out, const struct program *program,
                            const struct schedule *schedule, const char *note)
{
    struct machine machine;
    start_machine(program, &machine);
    int last_flush[MAX_VARIABLES];            /* the flush that last wrote each variable */
    int buffer_event[MAX_THREADS][MAX_STEPS]; /* the store event of each buffered store */
    for (int v = 0; v < MAX_VARIABLES; v++)
        last_flush[v] = -1;

    /* Lanes: the threads, with memory in the middle (after the first half of them). */
    int memory_lane = (program->thread_count + 1) / 2;
    fprintf(out, "digraph execution {\n"
                 "  rankdir=TB; newrank=true; nodesep=0.3; ranksep=0.22;\n"
                 "  node [shape=box, style=\"rounded,filled\", fillcolor=white, "
                 "fontname=\"Helvetica\", fontsize=12];\n"
                 "  edge [arrowsize=0.7, fontname=\"Helvetica\"];\n");
    fprintf(out, "  start [label=\"memory at the start\\n");
    for (int v = 0; v < program->variable_count; v++)
        if (!program->is_register[v])
            fprintf(out, "%s = %ld\\n", program->variable_names[v], program->initial_values[v]);
    fprintf(out, "\", fillcolor=\"#fff2cc\", group=memory];\n");
    fprintf(out, "  { rank=same; time [label=\"time\", shape=plaintext, style=\"\"];");
    for (int lane = 0; lane <= program->thread_count; lane++) {
        if (lane == memory_lane) {
            fprintf(out, " start;");
            continue;
        }
        int t = lane < memory_lane ? lane : lane - 1;
        fprintf(out, " head%d [label=\"%s\", shape=plaintext, style=\"\", fontsize=14, "
                     "group=t%d];", t, program->threads[t].name, t);
    }
    fprintf(out, " }\n  time -> %s [style=invis];\n", memory_lane == 0 ? "start" : "head0");
    for (int lane = 1; lane <= program->thread_count; lane++) {
        int left = lane - 1, right = lane;
        char a[16], b[16];
        if (left == memory_lane)
            snprintf(a, sizeof a, "start");
        else
            snprintf(a, sizeof a, "head%d", left < memory_lane ? left : left - 1);
        if (right == memory_lane)
            snprintf(b, sizeof b, "start");
        else
            snprintf(b, sizeof b, "head%d", right < memory_lane ? right : right - 1);
        fprintf(out, "  %s -> %s [style=invis];\n", a, b);
    }

    int previous_event[MAX_THREADS];
    int previous_flush = -1;
    for (int t = 0; t < program->thread_count; t++)
        previous_event[t] = -1;
    for (int i = 0; i < schedule->length; i++) {
        int turn = schedule->turns[i];
        bool flush = turn >= MAX_THREADS;
        int thread = flush ? turn - MAX_THREADS : turn;
        if (thread < 0 || thread >= program->thread_count)
            return -1;
        fprintf(out, "  { rank=same; step%d [label=\"%d\", shape=plaintext, style=\"\"]; e%d; }\n",
                i, i + 1, i);
        if (i == 0)
            fprintf(out, "  time -> step0 [style=invis];\n");
        else
            fprintf(out, "  step%d -> step%d [style=invis];\n", i - 1, i);
        if (flush) {
            if (machine.buffered[thread] == 0)
                return -1;
            int variable = machine.buffer_variable[thread][0];
            fprintf(out, "  e%d [group=memory, label=\"%s = %ld\\nreaches memory\", "
                         "fillcolor=\"#fff2cc\"];\n",
                    i, program->variable_names[variable], machine.buffer_value[thread][0]);
            fprintf(out, "  e%d -> e%d [weight=0, style=dotted, color=\"#cc0000\", "
                         "label=\" leaves %s's\\n buffer\", fontsize=10, fontcolor=\"#cc0000\"];\n",
                    buffer_event[thread][0], i, program->threads[thread].name);
            if (previous_flush < 0)
                fprintf(out, "  start -> e%d [weight=50, style=invis];\n", i);
            else
                fprintf(out, "  e%d -> e%d [weight=50, style=invis];\n", previous_flush, i);
            previous_flush = i;
            last_flush[variable] = i;
            flush_oldest(&machine, thread);
            memmove(buffer_event[thread], buffer_event[thread] + 1,
                    (size_t)machine.buffered[thread] * sizeof buffer_event[thread][0]);
            continue;
        }
        if (!can_move(program, &machine, MEMORY_TSO, thread))
            return -1;
        const struct step *step = &program->threads[thread].steps[machine.next_step[thread]];
        /* Reads-from is decided before the step, from the buffer as it is now; an await shows
         * the read that let it go on. */
        int read = -1;
        if (step->kind == STEP_LOAD || step->kind == STEP_READ)
            read = step->variable;
        else if (step->kind == STEP_AWAIT)
            read = read_variable(&machine, MEMORY_TSO, thread, step->variable) == step->value
                       ? step->variable : step->variable2;
        if (read >= 0)
            tso_reads_from(out, program, &machine, thread, read,
                           (const int (*)[MAX_STEPS])buffer_event, last_flush, i);
        long before = machine.registers[thread];
        int buffered_before = machine.buffered[thread];
        take_step(program, &machine, MEMORY_TSO, thread);
        if (machine.buffered[thread] > buffered_before)
            buffer_event[thread][machine.buffered[thread] - 1] = i;
        bool writes = step->kind == STEP_WRITE || step->kind == STEP_STORE ||
                      step->kind == STEP_UNLOCK;
        if (step->kind == STEP_LOCK || (writes && machine.buffered[thread] == buffered_before))
            last_flush[step->variable] = i;   /* written to memory at once (a lock, a register) */
        fprintf(out, "  e%d [group=t%d, label=\"", i, thread);
        const char *fill = tso_step_label(out, program, &machine, step, thread, before);
        fprintf(out, "\", fillcolor=%s];\n", fill);
        if (previous_event[thread] < 0)
            fprintf(out, "  head%d -> e%d [weight=100, color=gray60, arrowhead=none];\n",
                    thread, i);
        else
            fprintf(out, "  e%d -> e%d [weight=100, color=gray40];\n", previous_event[thread], i);
        previous_event[thread] = i;
    }
    fprintf(out, "  label=\"%s under TSO: ", program->name);
    struct outcome outcome = { .deadlocked = false };
    memcpy(outcome.values, machine.variables, sizeof outcome.values);
    for (int t = 0; t < program->thread_count; t++)
        outcome.deadlocked = outcome.deadlocked || !finished(program, &machine, t);
    print_outcome(out, program, &outcome);
    if (note != NULL)
        fprintf(out, "\\n%s", note);
    fprintf(out, "\\nsolid: program order; dashed: what a read saw; dotted: a store leaving "
                 "its buffer for memory\"; labelloc=b; fontname=\"Helvetica\"; fontsize=13;\n}\n");
    return 0;
}
