/* peterson_tso.c - your Peterson lock on a simulated x86, under every schedule (see
 * peterson_tso.h for what and why).
 *
 * The code under test is peterson.c itself, included below with the <stdatomic.h> operations
 * replaced by the hooks of this file and its functions renamed (the real ones are linked too).
 * The simulation is single-threaded and deterministic: the same code gives the same report on
 * every run, on every machine.
 */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS */
#include "peterson_tso.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "peterson.h"

/* ---- What the simulation knows ----------------------------------------------------------- */

enum { FLAG0, FLAG1, TURN, VARIABLES };
#define THREADS 2
#define ROUNDS 2          /* each thread takes the lock this many times */
#define MAX_OPS 48        /* atomic operations of one thread in one execution */
#define BUFFER_SIZE 8     /* stores one thread's buffer holds */
#define SPIN_LIMIT 16     /* loads in a row, with nothing changed, after which a thread waits
                             even if they do not repeat (a wait loop with a state of its own) */
#define MAX_PERIOD 4      /* the most loads in one turn of a wait loop that are recognised */
#define MAX_PATH (THREADS * (MAX_OPS + BUFFER_SIZE * ROUNDS * 4))

enum op_kind {
    OP_LOAD, OP_STORE, OP_RMW, OP_FENCE,          /* the lock's atomic operations */
    OP_ENTER, OP_LEAVE, OP_DONE,                  /* the thread around it */
    OP_FAILED,                                    /* peterson_lock returned an error */
    OP_PLAIN,                                     /* an access without <stdatomic.h> */
    OP_ELSEWHERE,                                 /* an atomic access to something else */
    OP_TOO_MANY,                                  /* more than MAX_OPS operations */
    OP_CHANGED,                                   /* the code did something else on a rerun */
};

enum rmw_kind { RMW_EXCHANGE, RMW_CAS, RMW_ADD, RMW_SUB, RMW_OR, RMW_XOR, RMW_AND };
enum in_function { IN_LOCK, IN_UNLOCK, IN_NEITHER };

struct op {
    unsigned char kind, variable, order, rmw, function;
    int value;        /* STORE: what; RMW: the operand (CAS: the desired value); FAILED: errno */
    int expected;     /* CAS: the expected value */
    int result;       /* LOAD, RMW: the value read, once the operation has been taken */
    bool from_buffer; /* LOAD: it read its own buffered store */
};

struct thread_state {
    struct op history[MAX_OPS];
    int length;
    int loads_unchanged;   /* loads in a row since memory or the thread itself last changed */
    bool waiting;          /* it spins, and nothing it reads has changed since */
    bool done, inside;
};

struct state {
    int memory[VARIABLES];
    int buffered[THREADS];
    unsigned char buffer_variable[THREADS][BUFFER_SIZE];
    int buffer_value[THREADS][BUFFER_SIZE];
    struct thread_state thread[THREADS];
};

/* One move of a schedule, for the report. */
struct move {
    int thread;
    bool flush;
    int variable, value;   /* flush: what reached memory */
    struct op op;          /* otherwise: the operation, as taken */
};

static struct peterson *sim_lock;        /* the real lock: on a page nobody may touch */
static size_t sim_page_size;

/* The rerun of one thread: the operations it has already done, which the hooks replay, and
 * the place to jump back to with the next one. */
static struct {
    bool active;
    int thread;
    int position;
    const struct op *history;
    int length;
    enum in_function function;
    struct op next;
    sigjmp_buf back;
} replay;

static const char *variable_names[VARIABLES + 1] = { "flag[0]", "flag[1]", "turn", "?" };

static const char *order_name(int order)
{
    switch (order) {
    case memory_order_relaxed: return "relaxed";
    case memory_order_consume: return "consume";
    case memory_order_acquire: return "acquire";
    case memory_order_release: return "release";
    case memory_order_acq_rel: return "acq_rel";
    case memory_order_seq_cst: return "seq_cst";
    default: return "(not an order)";
    }
}

/* ---- The hooks that replace <stdatomic.h> -------------------------------------------------- */

static int variable_of(const volatile void *object)
{
    if (object == &sim_lock->flag[0])
        return FLAG0;
    if (object == &sim_lock->flag[1])
        return FLAG1;
    if (object == &sim_lock->turn)
        return TURN;
    return VARIABLES;
}

/* Every hooked operation comes here: replayed (its result as before) or, if it is the first
 * new one, recorded as the thread's next operation, and the rerun ends. */
static int hook(struct op op)
{
    op.function = (unsigned char)replay.function;
    if (op.kind <= OP_FENCE && op.variable == VARIABLES && op.kind != OP_FENCE)
        op.kind = OP_ELSEWHERE;
    if (replay.position < replay.length) {
        const struct op *before = &replay.history[replay.position++];
        if (before->kind != op.kind || before->variable != op.variable) {
            replay.next = (struct op){ .kind = OP_CHANGED };
            siglongjmp(replay.back, 1);
        }
        return before->result;
    }
    replay.next = replay.length == MAX_OPS ? (struct op){ .kind = OP_TOO_MANY } : op;
    siglongjmp(replay.back, 1);
}

__attribute__((unused)) static int sim_load(const volatile atomic_int *object, memory_order order)
{
    return hook((struct op){ .kind = OP_LOAD, .variable = (unsigned char)variable_of(object),
                             .order = (unsigned char)order });
}

__attribute__((unused)) static void sim_store(volatile atomic_int *object, int value, memory_order order)
{
    hook((struct op){ .kind = OP_STORE, .variable = (unsigned char)variable_of(object),
                      .order = (unsigned char)order, .value = value });
}

__attribute__((unused)) static int sim_rmw(volatile atomic_int *object, enum rmw_kind rmw, int value, memory_order order)
{
    return hook((struct op){ .kind = OP_RMW, .variable = (unsigned char)variable_of(object),
                             .order = (unsigned char)order, .rmw = (unsigned char)rmw,
                             .value = value });
}

__attribute__((unused)) static bool sim_compare_exchange(volatile atomic_int *object, int *expected, int desired,
                                 memory_order success, memory_order failure)
{
    (void)failure;
    int old = hook((struct op){ .kind = OP_RMW, .variable = (unsigned char)variable_of(object),
                                .order = (unsigned char)success, .rmw = RMW_CAS,
                                .value = desired, .expected = *expected });
    if (old == *expected)
        return true;
    *expected = old;
    return false;
}

__attribute__((unused)) static void sim_fence(memory_order order)
{
    hook((struct op){ .kind = OP_FENCE, .variable = VARIABLES, .order = (unsigned char)order });
}

__attribute__((unused)) static void sim_event(enum op_kind kind, int value)
{
    hook((struct op){ .kind = (unsigned char)kind, .variable = VARIABLES, .value = value });
}

/* ---- peterson.c, on the simulated machine ------------------------------------------------- */

#undef atomic_load
#undef atomic_load_explicit
#undef atomic_store
#undef atomic_store_explicit
#undef atomic_exchange
#undef atomic_exchange_explicit
#undef atomic_compare_exchange_strong
#undef atomic_compare_exchange_strong_explicit
#undef atomic_compare_exchange_weak
#undef atomic_compare_exchange_weak_explicit
#undef atomic_fetch_add
#undef atomic_fetch_add_explicit
#undef atomic_fetch_sub
#undef atomic_fetch_sub_explicit
#undef atomic_fetch_or
#undef atomic_fetch_or_explicit
#undef atomic_fetch_xor
#undef atomic_fetch_xor_explicit
#undef atomic_fetch_and
#undef atomic_fetch_and_explicit
#undef atomic_thread_fence
#undef atomic_signal_fence
#define atomic_load_explicit(object, order) sim_load((object), (order))
#define atomic_load(object) sim_load((object), memory_order_seq_cst)
#define atomic_store_explicit(object, value, order) sim_store((object), (value), (order))
#define atomic_store(object, value) sim_store((object), (value), memory_order_seq_cst)
#define atomic_exchange_explicit(object, value, order) \
    sim_rmw((object), RMW_EXCHANGE, (value), (order))
#define atomic_exchange(object, value) sim_rmw((object), RMW_EXCHANGE, (value), memory_order_seq_cst)
#define atomic_compare_exchange_strong_explicit(object, expected, desired, success, failure) \
    sim_compare_exchange((object), (expected), (desired), (success), (failure))
#define atomic_compare_exchange_strong(object, expected, desired) \
    sim_compare_exchange((object), (expected), (desired), memory_order_seq_cst, memory_order_seq_cst)
#define atomic_compare_exchange_weak_explicit atomic_compare_exchange_strong_explicit
#define atomic_compare_exchange_weak atomic_compare_exchange_strong
#define atomic_fetch_add_explicit(object, value, order) sim_rmw((object), RMW_ADD, (value), (order))
#define atomic_fetch_add(object, value) sim_rmw((object), RMW_ADD, (value), memory_order_seq_cst)
#define atomic_fetch_sub_explicit(object, value, order) sim_rmw((object), RMW_SUB, (value), (order))
#define atomic_fetch_sub(object, value) sim_rmw((object), RMW_SUB, (value), memory_order_seq_cst)
#define atomic_fetch_or_explicit(object, value, order) sim_rmw((object), RMW_OR, (value), (order))
#define atomic_fetch_or(object, value) sim_rmw((object), RMW_OR, (value), memory_order_seq_cst)
#define atomic_fetch_xor_explicit(object, value, order) sim_rmw((object), RMW_XOR, (value), (order))
#define atomic_fetch_xor(object, value) sim_rmw((object), RMW_XOR, (value), memory_order_seq_cst)
#define atomic_fetch_and_explicit(object, value, order) sim_rmw((object), RMW_AND, (value), (order))
#define atomic_fetch_and(object, value) sim_rmw((object), RMW_AND, (value), memory_order_seq_cst)
#define atomic_thread_fence(order) sim_fence(order)
#define atomic_signal_fence(order) ((void)(order))   /* the compiler's business, not x86's */

#define peterson_lock simulated_peterson_lock
#define peterson_unlock simulated_peterson_unlock
#define peterson_init simulated_peterson_init
#define peterson_lock_relaxed simulated_peterson_lock_relaxed
#define peterson_unlock_relaxed simulated_peterson_unlock_relaxed
#define peterson_lock_fenced simulated_peterson_lock_fenced
#define peterson_unlock_fenced simulated_peterson_unlock_fenced

/* With angle brackets: the -I folders in order (the solutions', or a student's copy, before the
 * lesson's own), not this file's folder first. */
#include <peterson.c>

#undef peterson_lock
#undef peterson_unlock

/* One simulated thread, from the start: it takes the lock ROUNDS times. It never returns: the
 * hook of its first new operation jumps back out. */
static void thread_body(int me)
{
    for (int round = 0; round < ROUNDS; round++) {
        replay.function = IN_LOCK;
        errno = 0;
        int status = simulated_peterson_lock(sim_lock, me);
        replay.function = IN_NEITHER;
        if (status != 0)
            sim_event(OP_FAILED, errno);
        sim_event(OP_ENTER, 0);
        sim_event(OP_LEAVE, 0);
        replay.function = IN_UNLOCK;
        simulated_peterson_unlock(sim_lock, me);
        replay.function = IN_NEITHER;
    }
    sim_event(OP_DONE, 0);
}

/* What thread `me` does next, after the operations of its history. */
static struct op next_op(int me, const struct thread_state *thread)
{
    replay.thread = me;
    replay.position = 0;
    replay.history = thread->history;
    replay.length = thread->length;
    replay.active = true;
    /* Without saving the signal mask (a system call each time): the fault handler runs with
     * SA_NODEFER, so jumping out of it leaves no signal blocked. */
    if (sigsetjmp(replay.back, 0) == 0)
        thread_body(me);
    replay.active = false;
    return replay.next;
}

/* An access to the real lock's page (plain C on an atomic_int, not a <stdatomic.h> call): the
 * rerun ends with that as the thread's next operation. Any other fault is a crash. */
static struct sigaction previous_segv, previous_bus;

static void plain_access(int signal, siginfo_t *info, void *context)
{
    (void)context;
    uintptr_t address = (uintptr_t)info->si_addr, start = (uintptr_t)sim_lock;
    if (replay.active && info->si_code > 0 && address - start < sim_page_size) {
        replay.next = (struct op){ .kind = OP_PLAIN, .function = (unsigned char)replay.function };
        siglongjmp(replay.back, 1);
    }
    sigaction(SIGSEGV, &previous_segv, NULL);
    sigaction(SIGBUS, &previous_bus, NULL);
    if (info->si_code <= 0)
        raise(signal);
}

/* ---- The search ------------------------------------------------------------------------------ */

/* An order the lock uses: in which function, for which kind of operation, on which variable. */
struct order_seen {
    unsigned char function, kind, variable, order;   /* variable: its role, ROLE_... */
};

struct search {
    struct peterson_tso_report *report;
    struct move path[MAX_PATH];
    int path_length;
    bool stop;                 /* a problem was found: the report has it */
    /* The states seen: their bytes in one arena, an open-addressing table of their places. */
    unsigned char *arena;
    size_t arena_used, arena_size;
    size_t *slots, slot_count, used;
    bool out_of_memory;
    int bound;                 /* the longest schedule this pass follows */
    /* The orders seen, for the report: one entry per (function, kind, variable). */
    struct order_seen orders[32];
    int order_count;
    bool call_failed;          /* peterson_lock returned an error */
};

static void append(char *text, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *text, size_t size, const char *fmt, ...)
{
    size_t used = strlen(text);
    if (used + 1 >= size)
        return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(text + used, size - used, fmt, args);
    va_end(args);
}

static void describe_move(char *text, size_t size, const struct move *move)
{
    int t = move->thread;
    const struct op *op = &move->op;
    if (move->flush) {
        append(text, size, "P%d's %s = %d reaches memory", t, variable_names[move->variable],
               move->value);
        return;
    }
    const char *name = variable_names[op->variable];
    switch (op->kind) {
    case OP_LOAD:
        append(text, size, "P%d loads %s: %d (%s%s)", t, name, op->result, order_name(op->order),
               op->from_buffer ? ", from its own buffer" : "");
        break;
    case OP_STORE:
        append(text, size, "P%d stores %s = %d (%s%s)", t, name, op->value, order_name(op->order),
               op->order == memory_order_seq_cst ? ": straight to memory" : ": into its buffer");
        break;
    case OP_RMW:
        append(text, size, "P%d read-modify-writes %s: read %d (%s)", t, name, op->result,
               order_name(op->order));
        break;
    case OP_FENCE:
        append(text, size, "P%d fence (%s)", t, order_name(op->order));
        break;
    case OP_ENTER: append(text, size, "P%d is inside", t); break;
    case OP_LEAVE: append(text, size, "P%d leaves", t); break;
    case OP_DONE: append(text, size, "P%d is done", t); break;
    default: append(text, size, "P%d ?", t); break;
    }
}

/* The schedule so far, as text: its last 24 moves at most. */
static void describe_path(struct search *search, char *text, size_t size)
{
    int first = search->path_length > 24 ? search->path_length - 24 : 0;
    if (first > 0)
        append(text, size, "(%d moves before) ", first);
    for (int i = first; i < search->path_length; i++) {
        if (i > first)
            append(text, size, "; ");
        describe_move(text, size, &search->path[i]);
    }
}

static void found(struct search *search, const char *what)
{
    struct peterson_tso_report *report = search->report;
    snprintf(report->problem, sizeof report->problem, "%s", what);
    describe_path(search, report->problem, sizeof report->problem);
    search->stop = true;
}

/* Which variable, as the thread sees it: its own flag, the other's, or turn. */
enum { ROLE_MINE, ROLE_OTHERS, ROLE_TURN, ROLE_NONE };
static const char *const role_names[] = { "flag[me]", "flag[other]", "turn", "" };

static void note_order(struct search *search, const struct op *op, int thread)
{
    int role = op->variable == TURN ? ROLE_TURN : op->variable == FLAG0 + thread ? ROLE_MINE
             : op->variable < TURN ? ROLE_OTHERS : ROLE_NONE;
    if (op->kind != OP_LOAD && op->kind != OP_STORE && op->kind != OP_RMW && op->kind != OP_FENCE)
        return;
    if (op->kind != OP_FENCE && op->order != memory_order_seq_cst)
        search->report->all_seq_cst = false;
    for (int i = 0; i < search->order_count; i++)
        if (search->orders[i].function == op->function && search->orders[i].kind == op->kind &&
            search->orders[i].variable == role && search->orders[i].order == op->order)
            return;
    if (search->order_count < (int)(sizeof search->orders / sizeof search->orders[0]))
        search->orders[search->order_count++] = (struct order_seen){
            op->function, op->kind, (unsigned char)role, op->order };
}

/* The state as bytes: memory, buffers, and for each thread what decides its future: how far it
 * is, what its loads returned, whether it waits, is inside, is done. */
static size_t encode(const struct state *state, unsigned char *bytes)
{
    size_t n = 0;
#define PUT(value) do { memcpy(bytes + n, &(value), sizeof(value)); n += sizeof(value); } while (0)
    PUT(state->memory);
    for (int t = 0; t < THREADS; t++) {
        const struct thread_state *thread = &state->thread[t];
        unsigned char small[6] = { (unsigned char)state->buffered[t], (unsigned char)thread->length,
                                   (unsigned char)thread->loads_unchanged, thread->waiting,
                                   thread->done, thread->inside };
        PUT(small);
        for (int i = 0; i < state->buffered[t]; i++) {
            PUT(state->buffer_variable[t][i]);
            PUT(state->buffer_value[t][i]);
        }
        for (int i = 0; i < thread->length; i++)
            PUT(thread->history[i].result);
    }
#undef PUT
    return n;
}

static uint64_t hash_bytes(const unsigned char *bytes, size_t size)
{
    uint64_t hash = 1469598103934665603u;
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ bytes[i]) * 1099511628211u;
    return hash;
}

/* Keys are stored as a 4-byte length, the 4-byte depth (moves from the start) at which the
 * state was last explored, then the bytes. */
static size_t *find_slot(struct search *search, const unsigned char *bytes, uint32_t size)
{
    size_t mask = search->slot_count - 1;
    for (size_t i = hash_bytes(bytes, size) & mask;; i = (i + 1) & mask) {
        size_t *slot = &search->slots[i];
        if (*slot == 0)
            return slot;
        uint32_t stored_size;
        memcpy(&stored_size, search->arena + *slot - 1, sizeof stored_size);
        if (stored_size == size && memcmp(search->arena + *slot - 1 + 8, bytes, size) == 0)
            return slot;
    }
}

/* 1 if the state is new (and now remembered), 2 if it was seen before but further from the
 * start (so that a pass with a bound must explore it again), 0 if seen before, -1 without
 * memory. */
static int remember(struct search *search, const struct state *state, uint32_t depth)
{
    unsigned char bytes[sizeof(struct state)];
    uint32_t size = (uint32_t)encode(state, bytes);
    if (2 * (search->used + 1) > search->slot_count) {
        size_t count = search->slot_count ? 2 * search->slot_count : 4096;
        size_t *slots = calloc(count, sizeof *slots);
        if (slots == NULL)
            return -1;
        size_t *old = search->slots, old_count = search->slot_count;
        search->slots = slots;
        search->slot_count = count;
        for (size_t i = 0; i < old_count; i++)
            if (old[i] != 0) {
                uint32_t stored_size;
                memcpy(&stored_size, search->arena + old[i] - 1, sizeof stored_size);
                *find_slot(search, search->arena + old[i] - 1 + 8, stored_size) = old[i];
            }
        free(old);
    }
    size_t *slot = find_slot(search, bytes, size);
    if (*slot != 0) {
        uint32_t stored_depth;
        memcpy(&stored_depth, search->arena + *slot - 1 + 4, sizeof stored_depth);
        if (depth >= stored_depth)
            return 0;
        memcpy(search->arena + *slot - 1 + 4, &depth, sizeof depth);
        return 2;
    }
    if (search->arena_used + 8 + size > search->arena_size) {
        size_t grown = search->arena_size ? 2 * search->arena_size : 1 << 20;
        unsigned char *arena = realloc(search->arena, grown);
        if (arena == NULL)
            return -1;
        search->arena = arena;
        search->arena_size = grown;
    }
    memcpy(search->arena + search->arena_used, &size, 4);
    memcpy(search->arena + search->arena_used + 4, &depth, 4);
    memcpy(search->arena + search->arena_used + 8, bytes, size);
    *slot = search->arena_used + 1;
    search->arena_used += 8 + size;
    search->used++;
    return 1;
}

static int read_memory(const struct state *state, int thread, int variable, bool *from_buffer)
{
    for (int i = state->buffered[thread] - 1; i >= 0; i--)
        if (state->buffer_variable[thread][i] == variable) {
            *from_buffer = true;
            return state->buffer_value[thread][i];
        }
    *from_buffer = false;
    return state->memory[variable];
}

static void memory_changed(struct state *state)
{
    for (int t = 0; t < THREADS; t++) {
        state->thread[t].loads_unchanged = 0;
        state->thread[t].waiting = false;
    }
}

static bool same_op(const struct op *a, const struct op *b)
{
    return a->kind == b->kind && a->variable == b->variable && a->order == b->order &&
           a->result == b->result;
}

/* A wait loop: the thread's last `period` loads repeat the `period` loads before them, with the
 * same results, with nothing changed in memory meanwhile, and its next operation is the first
 * of them again. Such a turn of the loop
 * changed nothing (a wait loop keeps no state of its own: the loop condition is all it reads),
 * so the thread is back where it was one turn before: the second turn is dropped from its
 * history, and the thread waits until something it can read changes. Without this, a thread
 * could spin any number of turns at every point of the other's progress, each a state of its
 * own. Returns true if it dropped a turn. */
static bool drop_repeated_turn(struct thread_state *thread, int me)
{
    for (int period = 1; period <= MAX_PERIOD && 2 * period <= thread->loads_unchanged;
         period++) {
        const struct op *last = &thread->history[thread->length - period];
        const struct op *before = last - period;
        bool repeats = true;
        for (int i = 0; repeats && i < period; i++)
            repeats = last[i].kind == OP_LOAD && same_op(&last[i], &before[i]);
        if (!repeats)
            continue;
        struct op after = next_op(me, thread);
        if (after.kind != last[0].kind || after.variable != last[0].variable)
            continue;   /* straight-line loads that happen to repeat, not a loop */
        thread->length -= period;
        thread->waiting = true;
        return true;
    }
    return false;
}

static void write_memory(struct state *state, int variable, int value)
{
    if (state->memory[variable] != value)
        memory_changed(state);
    state->memory[variable] = value;
}

static int apply_rmw(const struct op *op, int old)
{
    switch (op->rmw) {
    case RMW_EXCHANGE: return op->value;
    case RMW_CAS: return old == op->expected ? op->value : old;
    case RMW_ADD: return (int)((unsigned)old + (unsigned)op->value);
    case RMW_SUB: return (int)((unsigned)old - (unsigned)op->value);
    case RMW_OR: return old | op->value;
    case RMW_XOR: return old ^ op->value;
    default: return old & op->value;
    }
}

static void search_from(struct search *search, const struct state *state);

/* Takes `move` from `state` into a copy, and searches on from there. */
static void go_on(struct search *search, const struct state *next, const struct move *move)
{
    if (search->path_length == MAX_PATH) {
        found(search, "the schedules are longer than the simulator can follow: ");
        return;
    }
    search->path[search->path_length++] = *move;
    search_from(search, next);
    if (!search->stop)
        search->path_length--;
}

/* Thread t's next operation, taken (if it can be) from `state`. */
static void step_thread(struct search *search, const struct state *state, int t,
                        bool *anyone_moved)
{
    const struct thread_state *thread = &state->thread[t];
    struct op op = next_op(t, thread);
    struct state next = *state;
    struct thread_state *me = &next.thread[t];
    bool drained = state->buffered[t] == 0;
    switch (op.kind) {
    case OP_LOAD:
        if (thread->waiting || thread->loads_unchanged >= SPIN_LIMIT)
            return;   /* waiting: nothing it can read has changed */
        op.result = read_memory(state, t, op.variable, &op.from_buffer);
        me->loads_unchanged++;
        break;
    case OP_STORE:
        if (op.order == memory_order_seq_cst) {
            if (!drained)
                return;
            write_memory(&next, op.variable, op.value);
        } else {
            if (next.buffered[t] == BUFFER_SIZE) {
                found(search, "a thread has more stores waiting in its buffer than the "
                      "simulator holds: ");
                return;
            }
            next.buffer_variable[t][next.buffered[t]] = op.variable;
            next.buffer_value[t][next.buffered[t]++] = op.value;
        }
        me->loads_unchanged = 0;
        break;
    case OP_RMW:
        if (!drained)
            return;
        op.result = state->memory[op.variable];
        write_memory(&next, op.variable, apply_rmw(&op, op.result));
        me->loads_unchanged = 0;
        break;
    case OP_FENCE:
        if (op.order == memory_order_seq_cst && !drained)
            return;
        me->loads_unchanged = 0;
        break;
    case OP_ENTER:
        me->inside = true;
        me->loads_unchanged = 0;
        break;
    case OP_LEAVE:
        me->inside = false;
        me->loads_unchanged = 0;
        break;
    case OP_DONE:
        me->done = true;
        break;
    case OP_FAILED: {
        search->call_failed = true;
        char what[160];
        snprintf(what, sizeof what, "peterson_lock returned an error (errno %d: %s)%s", op.value,
                 strerror(op.value), op.value == ENOSYS ? ": exercise 1 is not written yet" : "");
        snprintf(search->report->problem, sizeof search->report->problem, "%s", what);
        search->stop = true;
        return;
    }
    case OP_PLAIN:
        snprintf(search->report->problem, sizeof search->report->problem,
                 "%s touches the lock without a <stdatomic.h> function (plain C such as "
                 "`lock->turn = other` or `if (lock->flag[other])`): write every access as "
                 "atomic_load_explicit / atomic_store_explicit (or atomic_load / atomic_store), "
                 "which the simulated x86 can see",
                 op.function == IN_UNLOCK ? "peterson_unlock" : "peterson_lock");
        search->stop = true;
        return;
    case OP_ELSEWHERE:
        snprintf(search->report->problem, sizeof search->report->problem,
                 "the lock makes an atomic access to something other than flag[0], flag[1] and "
                 "turn: Peterson's lock needs those three only");
        search->stop = true;
        return;
    case OP_TOO_MANY:
        found(search, "a thread made more atomic operations than the simulator follows (taking "
              "the lock twice should take a handful); the schedule so far: ");
        return;
    default:
        snprintf(search->report->problem, sizeof search->report->problem,
                 "the lock did something different when run again with the same values: does "
                 "it keep a static variable, or read something other than the lock?");
        search->stop = true;
        return;
    }
    note_order(search, &op, t);
    me->history[me->length++] = op;
    if (op.kind == OP_LOAD)
        drop_repeated_turn(me, t);
    *anyone_moved = true;
    struct move move = { .thread = t, .op = op };
    if (op.kind == OP_ENTER && state->thread[1 - t].inside) {
        if (search->path_length < MAX_PATH)
            search->path[search->path_length++] = move;
        found(search, "both threads are inside at once, on this schedule: ");
        return;
    }
    go_on(search, &next, &move);
}

/* Whether no thread can move in `state` for want of anything to read: a quick look, for the
 * bound (a state where everything waits is judged at once, however deep). */
static bool stuck(const struct state *state)
{
    for (int t = 0; t < THREADS; t++)
        if (state->buffered[t] > 0 || (!state->thread[t].done && !state->thread[t].waiting))
            return false;
    return true;
}

static void search_from(struct search *search, const struct state *state)
{
    if (search->stop)
        return;
    int fresh = remember(search, state, (uint32_t)search->path_length);
    if (fresh < 0) {
        search->out_of_memory = true;
        search->stop = true;
        return;
    }
    if (fresh == 0)
        return;
    search->report->states += fresh == 1;
    if (search->path_length >= search->bound && !stuck(state))
        return;   /* this pass looks no further; a later one does */
    bool anyone_moved = false, all_done = true;
    for (int t = 0; t < THREADS && !search->stop; t++) {
        all_done = all_done && state->thread[t].done && state->buffered[t] == 0;
        if (!state->thread[t].done)
            step_thread(search, state, t, &anyone_moved);
        if (state->buffered[t] > 0 && !search->stop) {
            anyone_moved = true;
            struct state next = *state;
            struct move move = { .thread = t, .flush = true,
                                 .variable = state->buffer_variable[t][0],
                                 .value = state->buffer_value[t][0] };
            write_memory(&next, move.variable, move.value);
            next.buffered[t]--;
            memmove(next.buffer_variable[t], next.buffer_variable[t] + 1,
                    (size_t)next.buffered[t] * sizeof next.buffer_variable[t][0]);
            memmove(next.buffer_value[t], next.buffer_value[t] + 1,
                    (size_t)next.buffered[t] * sizeof next.buffer_value[t][0]);
            go_on(search, &next, &move);
        }
    }
    if (!anyone_moved && !all_done && !search->stop)
        found(search, "a thread waits for ever (it spins, and nothing it reads can change any "
              "more), on this schedule: ");
}

static void describe_orders(struct search *search)
{
    struct peterson_tso_report *report = search->report;
    static const char *const kinds[] = { "load", "store", "read-modify-write", "fence" };
    for (int function = IN_LOCK; function <= IN_UNLOCK; function++) {
        bool any = false;
        for (int i = 0; i < search->order_count; i++) {
            const struct order_seen *seen = &search->orders[i];
            if (seen->function != function)
                continue;
            if (!any)
                append(report->orders, sizeof report->orders, "%s%s: ",
                       function == IN_LOCK ? "" : "; ",
                       function == IN_LOCK ? "peterson_lock" : "peterson_unlock");
            else
                append(report->orders, sizeof report->orders, ", ");
            if (seen->kind == OP_FENCE)
                append(report->orders, sizeof report->orders, "fence %s", order_name(seen->order));
            else
                append(report->orders, sizeof report->orders, "%s %s %s", kinds[seen->kind],
                       role_names[seen->variable], order_name(seen->order));
            any = true;
        }
    }
}

int check_peterson_on_tso(struct peterson_tso_report *report)
{
    memset(report, 0, sizeof *report);
    report->all_seq_cst = true;
    sim_page_size = (size_t)sysconf(_SC_PAGESIZE);
    void *page = mmap(NULL, sim_page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        perror("check_peterson_on_tso: mmap");
        return -1;
    }
    sim_lock = page;
    struct sigaction action = { .sa_sigaction = plain_access,
                                .sa_flags = SA_SIGINFO | SA_NODEFER };
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, &previous_segv) != 0 ||
        sigaction(SIGBUS, &action, &previous_bus) != 0) {
        perror("check_peterson_on_tso: sigaction");
        munmap(page, sim_page_size);
        return -1;
    }

    /* Passes with longer and longer schedules, so that a problem is shown on one of the
     * shortest schedules that make it; the last pass has no bound, and sees every state. */
    static const int bounds[] = { 10, 16, 24, 36, MAX_PATH + 1 };
    static struct search search;   /* large: not on the stack */
    for (size_t pass = 0; pass < sizeof bounds / sizeof bounds[0]; pass++) {
        free(search.arena);
        free(search.slots);
        memset(&search, 0, sizeof search);
        search.report = report;
        search.bound = bounds[pass];
        report->states = 0;
        report->problem[0] = '\0';
        report->all_seq_cst = true;
        struct state start;
        memset(&start, 0, sizeof start);
        search_from(&search, &start);
        if (search.stop)
            break;
    }

    sigaction(SIGSEGV, &previous_segv, NULL);
    sigaction(SIGBUS, &previous_bus, NULL);
    munmap(page, sim_page_size);
    free(search.arena);
    free(search.slots);
    if (search.out_of_memory) {
        fprintf(stderr, "check_peterson_on_tso: out of memory\n");
        return -1;
    }
    describe_orders(&search);
    bool made_accesses = search.order_count > 0;
    report->ran = made_accesses && !search.call_failed;
    if (!made_accesses && report->problem[0] == '\0')
        snprintf(report->problem, sizeof report->problem,
                 "the lock makes no atomic access at all: it cannot keep anyone out");
    report->correct_on_tso = report->problem[0] == '\0';
    if (!made_accesses)
        report->all_seq_cst = false;
    return 0;
}

int print_peterson_on_tso(FILE *out)
{
    struct peterson_tso_report report;
    if (check_peterson_on_tso(&report) != 0)
        return 1;
    fprintf(out, "Your Peterson lock (peterson.c) on a simulated x86: two threads, each taking "
                 "the lock %d times, under every schedule.\n", ROUNDS);
    fprintf(out, "  %ld states\n", report.states);
    if (report.orders[0] != '\0')
        fprintf(out, "  orders: %s\n", report.orders);
    if (report.correct_on_tso)
        fprintf(out, "  on TSO: correct (never both inside, never a thread waiting for ever)\n");
    else
        fprintf(out, "  on TSO: WRONG: %s\n", report.problem);
    if (report.ran)
        fprintf(out, "  C11: %s\n", report.all_seq_cst
                    ? "every access is seq_cst: one total order, so Peterson's proof holds"
                    : "not every access to flag[] and turn is seq_cst, so C11 does not promise "
                      "this lock (exercise 1 asks for seq_cst throughout)");
    return report.correct_on_tso && report.all_seq_cst ? 0 : 1;
}
