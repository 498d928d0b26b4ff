/* lockfree.c - lesson 11: lock-free code, run, broken on purpose, checked and measured.
 *
 * Part 1: the compare-and-swap loop (exercise 1): a counter and a maximum, from 4 threads.
 * Part 2: Treiber's stack (exercise 2): 4 threads push fresh nodes and pop, every node once.
 * Part 3: ABA, forced on every run: a pop paused between its read of top->next and its
 *         compare-and-swap, while a rival pops two nodes and pushes the first back; on the
 *         plain stack (exercise 2) and on the tagged one (exercise 3), each run's history
 *         checked for linearizability.
 * Part 4: epoch-based reclamation: the stack of exercise 2 with nodes freed as they are
 *         popped, from 4 threads.
 * Part 5: histories of 3 threads on the tagged stack, each checked for linearizability.
 * Part 6: the tagged stack against a mutex and a spinlock, at 1, 2 and 4 threads.
 *
 * With --trace PREFIX it instead traces three threads taking nodes from the tagged stack and
 * putting them back: which push fed which pop.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cas.h"
#include "epoch.h"
#include "history.h"
#include "linearizable.h"
#include "locked_stack.h"
#include "rival.h"
#include "rival_stacks.h"
#include "sync.h"
#include "tagged.h"
#include "timing.h"
#include "trace.h"
#include "treiber.h"

static const char usage_text[] =
    "[--operations N] [--histories N] [--repeat N] [--trace PREFIX]";

struct options {
    long operations;   /* per thread, in parts 1, 2, 4 and the bench */
    long histories;    /* histories checked in part 5 */
    long repeat;       /* each bench measurement this many times; the median is shown */
    const char *trace_prefix;
};

#define THREADS 4

/* The threads of a part wait here until all are made, so that they start together. */
struct start_line {
    atomic_int arrived;
    int expected;
};

static void wait_for_the_others(struct start_line *line)
{
    atomic_fetch_add(&line->arrived, 1);
    while (atomic_load(&line->arrived) < line->expected)
        sched_yield();
}

static void *allocate(size_t count, size_t size)
{
    void *memory = calloc(count, size);
    if (memory == NULL) {
        fprintf(stderr, "lockfree: out of memory\n");
        exit(1);
    }
    return memory;
}

/* Whether the exercise's functions say "not written yet" (errno ENOSYS). */
static bool cas_written(void)
{
    atomic_long probe = 1;
    errno = 0;
    cas_add(&probe, 1);
    return errno != ENOSYS;
}

static bool treiber_written(void)
{
    struct treiber_stack stack;
    struct treiber_node node;
    treiber_init(&stack);
    errno = 0;
    return treiber_push(&stack, &node) == 0 && treiber_pop(&stack) == &node;
}

static bool tagged_written(void)
{
    struct tagged_node node;
    struct tagged_stack stack;
    tagged_init(&stack, &node, 1);
    uint32_t index = TAGGED_NONE;
    errno = 0;
    return tagged_push(&stack, 0) == 0 && tagged_pop(&stack, &index) && index == 0;
}

/* ---- Part 1: the compare-and-swap loop --------------------------------------------------- */

struct cas_run {
    atomic_long counter;
    atomic_long maximum;
    long operations;
    struct start_line start;
};

static void *add_and_raise(void *arg)
{
    struct cas_run *run = arg;
    wait_for_the_others(&run->start);
    unsigned long long random = (unsigned long long)(uintptr_t)&random;
    for (long i = 0; i < run->operations; i++) {
        cas_add(&run->counter, 1);
        random = random * 6364136223846793005u + 1442695040888963407u;
        cas_max(&run->maximum, (long)(random >> 44));   /* below 2^20 */
    }
    return NULL;
}

static void compare_and_swap_loops(const struct options *options)
{
    printf("Part 1: the compare-and-swap loop (exercise 1), %d threads x %ld adds and %ld "
           "maximums\n", THREADS, options->operations, options->operations);
    if (!cas_written()) {
        printf("  (exercise 1 is not done yet)\n\n");
        return;
    }
    struct cas_run run = { .operations = options->operations, .start = { 0, THREADS } };
    atomic_init(&run.counter, 0);
    atomic_init(&run.maximum, -1);
    pthread_t threads[THREADS];
    double started = now_seconds();
    for (int t = 0; t < THREADS; t++)
        thread_create(&threads[t], add_and_raise, &run);
    for (int t = 0; t < THREADS; t++)
        thread_join(threads[t]);
    double seconds = now_seconds() - started;
    long expected = THREADS * options->operations;
    long counter = atomic_load(&run.counter), maximum = atomic_load(&run.maximum);
    printf("  counter: %ld of %ld   %s\n", counter, expected, counter == expected ? "OK" : "LOST");
    printf("  maximum: %ld (every value drawn is below %d)   %s\n", maximum, 1 << 20,
           maximum >= 0 && maximum < (1 << 20) ? "OK" : "WRONG");
    printf("  %.1f ns per add-and-maximum, all threads together\n\n",
           seconds * 1e9 / (double)expected);
}

/* ---- Part 2: Treiber's stack ------------------------------------------------------------- */

struct treiber_run {
    struct treiber_stack stack;
    struct treiber_node *nodes;     /* THREADS x operations, each pushed once */
    atomic_int *taken;              /* how many times each node came off */
    long operations;
    atomic_long empty_pops;         /* pops that found the stack empty and tried again */
    struct start_line start;
};

struct treiber_worker {
    struct treiber_run *run;
    int number;
};

/* Pushes a fresh node, then pops one (not always its own), operations times. No node is
 * pushed twice: so no ABA, even on the plain stack. */
static void *push_fresh_and_pop(void *arg)
{
    struct treiber_worker *worker = arg;
    struct treiber_run *run = worker->run;
    wait_for_the_others(&run->start);
    for (long i = 0; i < run->operations; i++) {
        long index = worker->number * run->operations + i;
        run->nodes[index].value = index;
        treiber_push(&run->stack, &run->nodes[index]);
        struct treiber_node *node;
        while ((node = treiber_pop(&run->stack)) == NULL)
            atomic_fetch_add(&run->empty_pops, 1);
        atomic_fetch_add_explicit(&run->taken[node->value], 1, memory_order_relaxed);
    }
    return NULL;
}

static void treiber_stacks(const struct options *options)
{
    printf("Part 2: Treiber's stack (exercise 2), %d threads, each pushing %ld fresh nodes "
           "and popping as many\n", THREADS, options->operations);
    if (!treiber_written()) {
        printf("  (exercise 2 is not done yet)\n\n");
        return;
    }
    long total = THREADS * options->operations;
    struct treiber_run run = { .operations = options->operations, .start = { 0, THREADS } };
    treiber_init(&run.stack);
    run.nodes = allocate((size_t)total, sizeof *run.nodes);
    run.taken = allocate((size_t)total, sizeof *run.taken);
    struct treiber_worker workers[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (struct treiber_worker){ &run, t };
        thread_create(&threads[t], push_fresh_and_pop, &workers[t]);
    }
    for (int t = 0; t < THREADS; t++)
        thread_join(threads[t]);
    long once = 0;
    for (long i = 0; i < total; i++)
        once += atomic_load(&run.taken[i]) == 1;
    printf("  %ld of %ld nodes came off exactly once; the stack is %s at the end   %s\n\n",
           once, total, treiber_pop(&run.stack) == NULL ? "empty" : "NOT empty",
           once == total ? "OK" : "BROKEN");
    free(run.nodes);
    free(run.taken);
}

/* ---- Part 3: ABA, forced ------------------------------------------------------------------- */

/* The rival's three steps, in the fault handler of the paused pop's compare-and-swap: pop,
 * pop, push the first back. It runs inside an atomic operation of ThreadSanitizer's (under
 * make tsan), so it calls only what is compiled without it: the rival_ copies of the stacks
 * (rival_stacks.h), and the atomic_fetch_add of its own clock ticks, done here. The steps are
 * added to the history, as thread 2's, once the paused pop has returned. */
static struct history aba_history;
static struct treiber_stack *aba_plain;
static struct tagged_stack *aba_tagged;

struct rival_step {
    enum stack_operation kind;
    long value;
    long call, ret;
};
static struct rival_step rival_steps[3];

__attribute__((no_sanitize("thread")))
static long tick(void)
{
    return atomic_fetch_add(&aba_history.clock, 1);
}

/* A value for the history: a pop that found nothing returned "empty". */
__attribute__((no_sanitize("thread")))
static long value_of(const struct treiber_node *node)
{
    return node == NULL ? HISTORY_EMPTY : node->value;
}

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_pops_two_and_pushes_one_back(void)
{
    long call = tick();
    if (aba_plain != NULL) {
        struct treiber_node *a = rival_treiber_pop(aba_plain);
        rival_steps[0] = (struct rival_step){ POP, value_of(a), call, tick() };
        call = tick();
        struct treiber_node *b = rival_treiber_pop(aba_plain);
        rival_steps[1] = (struct rival_step){ POP, value_of(b), call, tick() };
        call = tick();
        if (a != NULL)
            rival_treiber_push(aba_plain, a);
        rival_steps[2] = (struct rival_step){ PUSH, value_of(a), call, tick() };
    } else {
        uint32_t a = TAGGED_NONE, b = TAGGED_NONE;
        bool got_a = rival_tagged_pop(aba_tagged, &a);
        rival_steps[0] = (struct rival_step){ POP, got_a ? aba_tagged->nodes[a].value
                                                         : HISTORY_EMPTY, call, tick() };
        call = tick();
        bool got_b = rival_tagged_pop(aba_tagged, &b);
        rival_steps[1] = (struct rival_step){ POP, got_b ? aba_tagged->nodes[b].value
                                                         : HISTORY_EMPTY, call, tick() };
        call = tick();
        if (got_a)
            rival_tagged_push(aba_tagged, a);
        rival_steps[2] = (struct rival_step){ PUSH, rival_steps[0].value, call, tick() };
    }
}

static void add_rival_steps(void)
{
    for (int i = 0; i < 3; i++)
        history_add(&aba_history, 2, rival_steps[i].kind, rival_steps[i].value,
                    rival_steps[i].call, rival_steps[i].ret);
}

/* Thread 1's pops of the plain stack, recorded. */
static long recorded_plain_pop(struct treiber_stack *stack)
{
    int slot = history_call(&aba_history, 1, POP, 0);
    struct treiber_node *node = treiber_pop(stack);
    long value = node == NULL ? HISTORY_EMPTY : node->value;
    history_return(&aba_history, slot, value);
    return value;
}

static long recorded_tagged_pop(struct tagged_stack *stack)
{
    int slot = history_call(&aba_history, 1, POP, 0);
    uint32_t index;
    long value = tagged_pop(stack, &index) ? stack->nodes[index].value : HISTORY_EMPTY;
    history_return(&aba_history, slot, value);
    return value;
}

static void report_aba(const char *which, long paused_got, const long rest[], int rest_count)
{
    long rival_holds = rival_steps[1].value;   /* it popped 1 and 2, and pushed 1 back */
    add_rival_steps();
    printf("  %s: the paused pop returned %ld; the rival kept %ld; the stack then held:",
           which, paused_got, rival_holds);
    for (int i = 0; i < rest_count; i++)
        printf(" %ld", rest[i]);
    printf("%s\n", rest_count == 0 ? " nothing" : "");
    long twice = HISTORY_EMPTY;
    for (int i = 0; i < rest_count; i++)
        if (rest[i] == rival_holds || rest[i] == paused_got)
            twice = rest[i];
    struct linearization result;
    if (check_linearizable(&aba_history, &result) != 0)
        exit(1);
    if (twice != HISTORY_EMPTY)
        printf("    node %ld came off the stack twice, and was pushed once: CORRUPTED\n", twice);
    printf("    its history is %slinearizable (%ld pairs tried)%s\n",
           result.linearizable ? "" : "NOT ", result.tried, result.linearizable ? "" : ":");
    if (!result.linearizable) {
        history_print(&aba_history, stdout, "      ");
        explain_not_linearizable(&aba_history, &result, stdout, "    ");
    }
}

/* Pushes 3, 2, 1 (node A holds 1, B 2, C 3), pauses a pop at its compare-and-swap while the
 * rival pops A and B and pushes A back, then pops until the stack is empty. */
static void force_aba_on_the_plain_stack(void)
{
    struct treiber_node nodes[3];
    struct treiber_stack *stack = rival_memory(sizeof *stack);
    treiber_init(stack);
    history_init(&aba_history);
    for (int i = 2; i >= 0; i--) {
        nodes[i].value = i + 1;
        int slot = history_call(&aba_history, 1, PUSH, nodes[i].value);
        treiber_push(stack, &nodes[i]);
        history_return(&aba_history, slot, 0);
    }
    aba_plain = stack;
    aba_tagged = NULL;
    rival_arm(stack, sizeof *stack, rival_pops_two_and_pushes_one_back);
    long paused_got = recorded_plain_pop(stack);
    long rest[4];
    int count = 0;
    while (count < 4 && (rest[count] = recorded_plain_pop(stack)) != HISTORY_EMPTY)
        count++;
    rival_release(stack, sizeof *stack);
    report_aba("plain stack (exercise 2)", paused_got, rest, count);
}

static void force_aba_on_the_tagged_stack(void)
{
    static struct tagged_node nodes[3];
    struct tagged_stack *stack = rival_memory(sizeof *stack);
    tagged_init(stack, nodes, 3);
    history_init(&aba_history);
    for (int i = 2; i >= 0; i--) {
        nodes[i].value = i + 1;
        int slot = history_call(&aba_history, 1, PUSH, nodes[i].value);
        tagged_push(stack, (uint32_t)i);
        history_return(&aba_history, slot, 0);
    }
    aba_plain = NULL;
    aba_tagged = stack;
    rival_arm(stack, sizeof *stack, rival_pops_two_and_pushes_one_back);
    long paused_got = recorded_tagged_pop(stack);
    long rest[4];
    int count = 0;
    while (count < 4 && (rest[count] = recorded_tagged_pop(stack)) != HISTORY_EMPTY)
        count++;
    rival_release(stack, sizeof *stack);
    report_aba("tagged stack (exercise 3)", paused_got, rest, count);
}

/* Why the tagged top is an index and a tag in 8 bytes, not a pointer and a tag in 16. */
struct pointer_and_tag {
    struct tagged_node *pointer;
    uintptr_t tag;
};

static void which_words_are_lock_free(void)
{
    static struct tagged_stack stack;
    static _Atomic struct pointer_and_tag pointer_and_tag;
    printf("  the tagged top: %zu bytes, atomic_is_lock_free: %s; a pointer and a tag: %zu "
           "bytes, atomic_is_lock_free: %s\n", sizeof stack.top,
           atomic_is_lock_free(&stack.top) ? "yes" : "no", sizeof pointer_and_tag,
           atomic_is_lock_free(&pointer_and_tag) ? "yes" : "no");
}

static void forced_aba(void)
{
    printf("Part 3: ABA, forced: a pop paused between reading top->next and its "
           "compare-and-swap,\n  while a rival pops 1 and 2 and pushes 1 back (the stack "
           "held 1 2 3, top first)\n");
    if (treiber_written())
        force_aba_on_the_plain_stack();
    else
        printf("  plain stack: (exercise 2 is not done yet)\n");
    if (tagged_written())
        force_aba_on_the_tagged_stack();
    else
        printf("  tagged stack: (exercise 3 is not done yet)\n");
    which_words_are_lock_free();
    printf("\n");
}

/* ---- Part 4: epoch-based reclamation ----------------------------------------------------- */

struct reclaiming_run {
    struct treiber_stack stack;
    struct epoch_domain epochs;
    long operations;
    atomic_long allocated;
    atomic_long wrong_values;      /* a popped node whose value is not one ever pushed */
    struct start_line start;
};

static void free_node(void *node)
{
    free(node);
}

/* Each round: a new node pushed, a node popped, its value read, the node retired. Nothing is
 * freed while a thread that may still read it is inside. */
static void *push_pop_and_retire(void *arg)
{
    struct reclaiming_run *run = arg;
    struct epoch_thread *me = epoch_join(&run->epochs);
    wait_for_the_others(&run->start);
    for (long i = 0; i < run->operations; i++) {
        struct treiber_node *node = malloc(sizeof *node);
        if (node == NULL) {
            fprintf(stderr, "lockfree: out of memory\n");
            exit(1);
        }
        node->value = 1000 + i;
        atomic_fetch_add_explicit(&run->allocated, 1, memory_order_relaxed);
        epoch_enter(me);
        treiber_push(&run->stack, node);
        struct treiber_node *popped;
        while ((popped = treiber_pop(&run->stack)) == NULL) {
        }
        long value = popped->value;
        epoch_exit(me);
        if (value < 1000 || value >= 1000 + run->operations)
            atomic_fetch_add(&run->wrong_values, 1);
        epoch_retire(me, popped);
    }
    epoch_leave(me);
    return NULL;
}

static void epoch_reclamation(const struct options *options)
{
    printf("Part 4: epoch-based reclamation: exercise 2's stack, %d threads x %ld rounds of "
           "push a new node, pop one, free it safely\n", THREADS, options->operations);
    if (!treiber_written()) {
        printf("  (exercise 2 is not done yet)\n\n");
        return;
    }
    static struct reclaiming_run run;
    memset(&run, 0, sizeof run);
    run.operations = options->operations;
    run.start = (struct start_line){ 0, THREADS };
    treiber_init(&run.stack);
    epoch_init(&run.epochs, free_node);
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        thread_create(&threads[t], push_pop_and_retire, &run);
    for (int t = 0; t < THREADS; t++)
        thread_join(threads[t]);
    long during = atomic_load(&run.epochs.freed);
    unsigned long epoch = atomic_load(&run.epochs.epoch);
    epoch_destroy(&run.epochs);
    long allocated = atomic_load(&run.allocated), freed = atomic_load(&run.epochs.freed);
    printf("  %ld nodes allocated; %ld freed while the threads ran (the epoch reached %lu), "
           "%ld at the end\n", allocated, during, epoch, freed - during);
    printf("  every node freed once, no wrong value read: %s\n\n",
           freed == allocated && atomic_load(&run.wrong_values) == 0 ? "OK" : "BROKEN");
}

/* ---- Part 5: linearizability of real runs ------------------------------------------------ */

#define HISTORY_THREADS 3
#define HISTORY_OPERATIONS 6   /* per thread */

struct history_run {
    struct history history;
    struct tagged_stack stack;
    struct tagged_node nodes[HISTORY_THREADS * HISTORY_OPERATIONS];
    struct start_line start;
};

struct history_worker {
    struct history_run *run;
    int number;
    unsigned seed;
};

/* A moment of nothing, of random length (up to ten microseconds or so), inside an operation's
 * recorded stretch: the stretches of different threads then overlap often, and the checker has
 * orders to search, while the stack operation itself happens at any point inside. */
static void dawdle(unsigned *random)
{
    *random = *random * 1103515245u + 12345u;
    for (volatile unsigned spin = *random >> 19; spin > 0; spin--) {
    }
}

/* A random mix of pushes (each of a node of its own, with a value of its own) and pops. */
static void *random_operations(void *arg)
{
    struct history_worker *worker = arg;
    struct history_run *run = worker->run;
    wait_for_the_others(&run->start);
    unsigned random = worker->seed;
    for (int i = 0; i < HISTORY_OPERATIONS; i++) {
        random = random * 1103515245u + 12345u;
        if (random >> 16 & 1) {
            uint32_t index = (uint32_t)(worker->number * HISTORY_OPERATIONS + i);
            run->nodes[index].value = index + 1;
            int slot = history_call(&run->history, worker->number + 1, PUSH, index + 1);
            dawdle(&random);
            tagged_push(&run->stack, index);
            dawdle(&random);
            history_return(&run->history, slot, 0);
        } else {
            int slot = history_call(&run->history, worker->number + 1, POP, 0);
            dawdle(&random);
            uint32_t index;
            bool got = tagged_pop(&run->stack, &index);
            long value = got ? run->stack.nodes[index].value : HISTORY_EMPTY;
            dawdle(&random);
            history_return(&run->history, slot, value);
        }
    }
    return NULL;
}

/* How many of the history's operations overlap an operation of another thread: the ones whose
 * order the checker has to find, rather than read off the clock. */
static int overlapping(struct history *history)
{
    int count = history_length(history), overlaps = 0;
    for (int i = 0; i < count; i++) {
        const struct operation *a = &history->operations[i];
        for (int j = 0; j < count; j++) {
            const struct operation *b = &history->operations[j];
            if (a->thread != b->thread && a->call < b->ret && b->call < a->ret) {
                overlaps++;
                break;
            }
        }
    }
    return overlaps;
}

static void checked_histories(const struct options *options)
{
    printf("Part 5: %ld histories of %d threads x %d random pushes and pops on the tagged "
           "stack (exercise 3), each checked\n", options->histories, HISTORY_THREADS,
           HISTORY_OPERATIONS);
    if (!tagged_written()) {
        printf("  (exercise 3 is not done yet)\n\n");
        return;
    }
    long linearizable = 0, tried = 0, most = 0, overlaps = 0;
    static struct history_run run;
    for (long h = 0; h < options->histories; h++) {
        memset(&run, 0, sizeof run);
        history_init(&run.history);
        tagged_init(&run.stack, run.nodes, HISTORY_THREADS * HISTORY_OPERATIONS);
        run.start = (struct start_line){ 0, HISTORY_THREADS };
        struct history_worker workers[HISTORY_THREADS];
        pthread_t threads[HISTORY_THREADS];
        for (int t = 0; t < HISTORY_THREADS; t++) {
            workers[t] = (struct history_worker){ &run, t, (unsigned)(h * 7919 + t * 104729) };
            thread_create(&threads[t], random_operations, &workers[t]);
        }
        for (int t = 0; t < HISTORY_THREADS; t++)
            thread_join(threads[t]);
        struct linearization result;
        if (check_linearizable(&run.history, &result) != 0)
            exit(1);
        linearizable += result.linearizable;
        overlaps += overlapping(&run.history);
        tried += result.tried;
        most = result.tried > most ? result.tried : most;
        if (!result.linearizable && linearizable == h) {
            printf("  history %ld is NOT linearizable:\n", h + 1);
            history_print(&run.history, stdout, "    ");
            explain_not_linearizable(&run.history, &result, stdout, "  ");
        }
    }
    long operations = options->histories * HISTORY_THREADS * HISTORY_OPERATIONS;
    printf("  %.0f%% of the operations overlapped one of another thread\n",
           100.0 * (double)overlaps / (double)operations);
    printf("  %ld of %ld linearizable; the search tried %.1f pairs per history on average, "
           "%ld at most   %s\n\n", linearizable, options->histories,
           (double)tried / (double)options->histories, most,
           linearizable == options->histories ? "OK" : "BROKEN");
}

/* ---- Part 6: the bench ------------------------------------------------------------------- */

#define POOL_NODES 1024

enum stack_kind { LOCK_FREE, MUTEX, SPINLOCK, KINDS };
static const char *const kind_names[KINDS] = { "lock-free", "mutex", "spinlock" };

struct bench_run {
    enum stack_kind kind;
    struct tagged_stack tagged;
    struct locked_stack locked;
    struct tagged_node nodes[POOL_NODES];
    long operations;
    atomic_long empty;     /* pops that found the stack empty (none should) */
    struct start_line start;
};

/* Pop a node, push it back: two operations a round. */
static void *pop_and_push_back(void *arg)
{
    struct bench_run *run = arg;
    wait_for_the_others(&run->start);
    for (long i = 0; i < run->operations / 2; i++) {
        uint32_t index;
        if (run->kind == LOCK_FREE) {
            if (!tagged_pop(&run->tagged, &index)) {
                atomic_fetch_add(&run->empty, 1);
                continue;
            }
            tagged_push(&run->tagged, index);
        } else {
            if (!locked_pop(&run->locked, &index)) {
                atomic_fetch_add(&run->empty, 1);
                continue;
            }
            locked_push(&run->locked, index);
        }
    }
    return NULL;
}

/* Operations per second of all threads together. */
static double measure(enum stack_kind kind, int thread_count, long operations)
{
    static struct bench_run run;
    memset(&run, 0, sizeof run);
    run.kind = kind;
    run.operations = operations;
    run.start = (struct start_line){ 0, thread_count + 1 };
    tagged_init(&run.tagged, run.nodes, POOL_NODES);
    locked_init(&run.locked, kind == SPINLOCK ? STACK_SPINLOCK : STACK_MUTEX, run.nodes);
    for (uint32_t i = 0; i < POOL_NODES; i++) {
        if (kind == LOCK_FREE)
            tagged_push(&run.tagged, i);
        else
            locked_push(&run.locked, i);
    }
    pthread_t threads[THREADS];
    for (int t = 0; t < thread_count; t++)
        thread_create(&threads[t], pop_and_push_back, &run);
    double started = now_seconds();
    wait_for_the_others(&run.start);
    for (int t = 0; t < thread_count; t++)
        thread_join(threads[t]);
    double seconds = now_seconds() - started;
    locked_destroy(&run.locked);
    if (atomic_load(&run.empty) != 0) {
        fprintf(stderr, "lockfree: the %s stack ran empty in the bench\n", kind_names[kind]);
        exit(1);
    }
    return (double)thread_count * (double)(operations / 2 * 2) / seconds;
}

static void bench(const struct options *options)
{
    static const int thread_counts[] = { 1, 2, 4 };
    printf("Part 6: the stacks compared: each thread pops a node and pushes it back, %ld "
           "operations per thread%s\n", options->operations,
           options->repeat > 1 ? ", median of the repeats" : "");
    if (!tagged_written()) {
        printf("  (exercise 3 is not done yet)\n\n");
        return;
    }
    printf("  %-8s %14s %14s %14s %16s %16s\n", "threads", "lock-free", "mutex", "spinlock",
           "lock-free/mutex", "lock-free/spin");
    for (size_t c = 0; c < sizeof thread_counts / sizeof thread_counts[0]; c++) {
        double medians[KINDS];
        for (int kind = 0; kind < KINDS; kind++) {
            double rates[64];
            for (long r = 0; r < options->repeat; r++)
                rates[r] = measure(kind, thread_counts[c], options->operations);
            medians[kind] = median(rates, (size_t)options->repeat);
        }
        printf("  %-8d %12.1f M %12.1f M %12.1f M %15.2fx %15.2fx\n", thread_counts[c],
               medians[LOCK_FREE] / 1e6, medians[MUTEX] / 1e6, medians[SPINLOCK] / 1e6,
               medians[LOCK_FREE] / medians[MUTEX], medians[LOCK_FREE] / medians[SPINLOCK]);
        fflush(stdout);
    }
    printf("  (millions of operations per second, all threads together)\n\n");
}

/* ---- The traced run ---------------------------------------------------------------------- */

#define TRACED_THREADS 3
#define TRACED_ROUNDS 2

static struct tagged_stack traced_stack;
static struct tagged_node traced_nodes[TRACED_THREADS];

/* Takes a node (waiting while there is none), uses it, puts it back, then does other work for
 * a while: so the node goes to whoever is waiting. The tracer draws an arrow from each push to
 * the pop that took the same node. */
static void *take_and_give_back(void *arg)
{
    struct start_line *start = arg;
    wait_for_the_others(start);
    for (int round = 0; round < TRACED_ROUNDS; round++) {
        uint32_t index;
        if (!tagged_pop(&traced_stack, &index)) {
            trace_begin_waiting("stack empty");
            while (!tagged_pop(&traced_stack, &index))
                sleep_ms(1);
            trace_end();
        }
        trace_event(TRACE_GET, &traced_stack, index);
        trace_begin("use node %u", index);
        sleep_ms(2);
        trace_end();
        tagged_push(&traced_stack, index);
        trace_event(TRACE_PUT, &traced_stack, index);
        sleep_ms(3);   /* other work (not drawn, to keep the diagram narrow) */
    }
    return NULL;
}

static int traced_run(const struct options *options)
{
    if (!tagged_written())
        return trace_skipped(options->trace_prefix,
                             "the tagged stack (exercise 3) is not done yet: nothing to trace")
                       == 0 ? 0 : 1;
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    tagged_init(&traced_stack, traced_nodes, TRACED_THREADS);
    for (uint32_t i = 0; i < 2; i++) {
        tagged_push(&traced_stack, i);
        trace_event(TRACE_PUT, &traced_stack, i);
    }
    struct start_line start = { 0, TRACED_THREADS };
    pthread_t threads[TRACED_THREADS];
    for (int t = 0; t < TRACED_THREADS; t++)
        thread_create(&threads[t], take_and_give_back, &start);
    for (int t = 0; t < TRACED_THREADS; t++)
        thread_join(threads[t]);
    if (trace_close() != 0)
        return 1;
    printf("traced: %d threads taking nodes from the tagged stack and giving them back; "
           "written %s-hb.dot, %s-timeline.dot, %s.json\n", TRACED_THREADS,
           options->trace_prefix, options->trace_prefix, options->trace_prefix);
    return 0;
}

/* ---- Command line ------------------------------------------------------------------------ */

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .operations = 100000, .histories = 100, .repeat = 1 };
    static const struct option long_options[] = {
        { "operations", required_argument, NULL, 'o' },
        { "histories", required_argument, NULL, 'H' },
        { "repeat", required_argument, NULL, 'R' },
        { "trace", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'o':
            options.operations = number_argument("lockfree", usage_text, "--operations", optarg,
                                                 2, 100000000);
            break;
        case 'H':
            options.histories = number_argument("lockfree", usage_text, "--histories", optarg,
                                                1, 1000000);
            break;
        case 'R':
            options.repeat = number_argument("lockfree", usage_text, "--repeat", optarg, 1, 64);
            break;
        case 'T': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: lockfree %s\n", usage_text);
            exit(0);
        default:
            usage_error("lockfree", usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error("lockfree", usage_text, "unexpected argument");
    return options;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    if (options.trace_prefix != NULL)
        return traced_run(&options);
    printf("Lesson 11: lock-free\n\n");
    compare_and_swap_loops(&options);
    treiber_stacks(&options);
    forced_aba();
    epoch_reclamation(&options);
    checked_histories(&options);
    bench(&options);
    return 0;
}
