/* test_lock_free.c - the tests of lesson 11's exercises, and of its checker and reclamation.
 *
 * A lock-free bug lives in the gap between a thread's read and its compare-and-swap: a few
 * nanoseconds, in which another thread must act. No test waits for that. Every interleaving
 * that matters is forced on every run with the kit's rival (common/rival.h): the variable the
 * compare-and-swap writes is alone on a read-only page, so the compare-and-swap, the first
 * write there, stops with a fault, and the rival's step (another thread's add, push, pop, or
 * ABA's pop, pop, push) runs in the fault handler before the compare-and-swap goes on:
 *
 * - Exercise 1: a rival add, or a rival raise of the maximum (above or below the value being
 *   written), between the load and the compare-and-swap. A load followed by a store loses the
 *   rival's update; a compare-and-swap whose failure is ignored loses its own; a maximum that
 *   does not decide again after a failure overwrites a bigger value.
 * - Exercise 2: a rival push during a push, a rival pop during a pop, and a rival pop while a
 *   push links its node (the node alone on the page): a push that publishes its node before
 *   linking it hands the rival a node whose next is not yet written.
 * - Exercise 3: ABA itself: a pop paused at its compare-and-swap while the rival pops A, pops
 *   B and pushes A back. The rival runs your own tagged_pop and tagged_push (compiled a second
 *   time without ThreadSanitizer, rival_stacks.h), so a tag that does not change lets the
 *   paused swing through, and the stack is corrupted: a node comes off twice. The run's
 *   history is checked for linearizability, and a failure shows it.
 *
 * What x86 forgives, ThreadSanitizer does not: a push that publishes with a relaxed swing, or
 * a pop that reads top relaxed, leaves the node's value, written before the push and read
 * after the pop, a data race, reported in grading's second run (built with -fsanitize=thread).
 *
 * Tests with real threads record histories and check them with the lesson's linearizability
 * checker: a correct stack always passes (the recorded stretch of each operation contains the
 * operation), so they never flake, and nothing here reads a clock to decide anything. Worker
 * threads only record; the test's own thread asserts.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas.h"
#include "epoch.h"
#include "history.h"
#include "kit_check.h"
#include "linearizable.h"
#include "locked_stack.h"
#include "rival.h"
#include "rival_stacks.h"
#include "sync.h"
#include "tagged.h"
#include "treiber.h"

/* ---- Helpers -------------------------------------------------------------------------------- */

/* A history in one line, operations in the order of their calls: "T1 push 3 [1,2], ...". */
static void history_line(struct history *history, char *text, size_t size)
{
    int count = history_length(history);
    bool used[HISTORY_MAX] = { false };
    size_t length = 0;
    text[0] = '\0';
    for (int n = 0; n < count; n++) {
        int first = -1;
        for (int i = 0; i < count; i++)
            if (!used[i] && (first < 0 || history->operations[i].call <
                                              history->operations[first].call))
                first = i;
        used[first] = true;
        char operation[64];
        operation_text(&history->operations[first], operation, sizeof operation);
        if (length < size)
            length += (size_t)snprintf(text + length, size - length, "%s%s [%ld,%ld]",
                                       n > 0 ? ", " : "", operation,
                                       history->operations[first].call,
                                       history->operations[first].ret);
    }
}

/* Whether the history is linearizable. If not, `verdict` gets it in one line with the checker's
 * reason, and the test's output (its log) the history drawn as a table. */
static bool judge_history(struct history *history, const char *what, char *verdict,
                          size_t size)
{
    struct linearization result;
    ck_assert_msg(check_linearizable(history, &result) == 0, "the checker ran out of memory");
    verdict[0] = '\0';
    if (result.linearizable)
        return true;
    static char operations[8192], why[8192];
    history_line(history, operations, sizeof operations);
    FILE *out = fmemopen(why, sizeof why, "w");
    ck_assert_msg(out != NULL, "fmemopen failed");
    explain_not_linearizable(history, &result, out, "");
    fclose(out);
    printf("%s: a history that no sequential stack could give:\n", what);
    history_print(history, stdout, "  ");
    printf("%s", why);
    snprintf(verdict, size, "the history is not linearizable: %s. The checker: %s", operations,
             why);
    return false;
}

/* Fails the test if the history is not linearizable, with the history and why. */
static void check_history(struct history *history, const char *what)
{
    static char verdict[16384];
    if (!judge_history(history, what, verdict, sizeof verdict))
        ck_abort_msg("%s: %s", what, verdict);
}

static void add(struct history *history, int thread, enum stack_operation kind, long value,
                long call, long ret)
{
    history_add(history, thread, kind, value, call, ret);
}

/* ---- given: the linearizability checker ---------------------------------------------------- */

static bool linearizable(struct history *history)
{
    struct linearization result;
    ck_assert_int_eq(check_linearizable(history, &result), 0);
    return result.linearizable;
}

/* Two pushes overlap, and a pop after both returns 1: so push 2 took effect first, although
 * push 1 was called first; the order push 2, push 1, pop -> 1, pop -> 2 works. */
START_TEST(checker_accepts_a_linearizable_history)
{
    static struct history history;
    history_init(&history);
    add(&history, 1, PUSH, 1, 1, 4);
    add(&history, 2, PUSH, 2, 2, 5);
    add(&history, 3, POP, 1, 6, 7);
    add(&history, 1, POP, 2, 8, 9);
    add(&history, 2, POP, HISTORY_EMPTY, 10, 11);
    struct linearization result;
    ck_assert_int_eq(check_linearizable(&history, &result), 0);
    ck_assert_msg(result.linearizable, "the checker rejected a linearizable history");
    ck_assert_int_eq(result.placed, 5);
    /* The order it found: push 2 first. */
    ck_assert_int_eq(history.operations[result.order[0]].value, 2);
}
END_TEST

/* Push 1 returned before push 2 was called, and a later pop returns 1: no sequential stack
 * does that. */
START_TEST(checker_rejects_a_non_linearizable_history)
{
    static struct history history;
    history_init(&history);
    add(&history, 1, PUSH, 1, 1, 2);
    add(&history, 1, PUSH, 2, 3, 4);
    add(&history, 2, POP, 1, 5, 6);
    struct linearization result;
    ck_assert_int_eq(check_linearizable(&history, &result), 0);
    ck_assert_msg(!result.linearizable, "the checker accepted a pop that skipped the top");
    ck_assert_int_eq(result.placed, 2);
    static char why[4096];
    FILE *out = fmemopen(why, sizeof why, "w");
    ck_assert(out != NULL);
    explain_not_linearizable(&history, &result, out, "");
    fclose(out);
    ck_assert_msg(strstr(why, "T2 pop -> 1: the stack would give 2") != NULL,
                  "the explanation does not say why: %s", why);
}
END_TEST

/* The other ways a history goes wrong: a value popped twice; a pop of an empty stack after a
 * push had returned; a pop of a value never pushed. And the right ones: a pop of an empty
 * stack that overlaps the push, which may come first. */
START_TEST(checker_judges_pops_by_their_times)
{
    static struct history history;
    history_init(&history);
    add(&history, 1, PUSH, 1, 1, 2);
    add(&history, 1, POP, 1, 3, 6);
    add(&history, 2, POP, 1, 4, 5);
    ck_assert_msg(!linearizable(&history), "accepted a value popped twice");

    history_init(&history);
    add(&history, 1, PUSH, 1, 1, 2);
    add(&history, 2, POP, HISTORY_EMPTY, 3, 4);
    ck_assert_msg(!linearizable(&history), "accepted an empty pop after a finished push");

    history_init(&history);
    add(&history, 1, PUSH, 1, 1, 4);
    add(&history, 2, POP, HISTORY_EMPTY, 2, 3);
    ck_assert_msg(linearizable(&history), "rejected an empty pop that overlaps the push");

    history_init(&history);
    add(&history, 1, PUSH, 1, 1, 2);
    add(&history, 2, POP, 7, 3, 4);
    ck_assert_msg(!linearizable(&history), "accepted a pop of a value never pushed");
}
END_TEST

/* Every operation overlapping every other, so that any order keeps the times: eight pushes
 * and eight pops that give them back, found at once; and six and six in which 2 comes off
 * twice and 1 never, which the search must try every order of to reject. Lowe's memo keeps
 * that to the (set placed, stack) pairs, a few thousand, not the orders, millions. */
START_TEST(checker_prunes_with_its_memo)
{
    static struct history history;
    history_init(&history);
    for (int t = 0; t < 8; t++) {
        add(&history, t + 1, PUSH, t + 1, 1 + t, 100 + t);
        add(&history, t + 1, POP, 8 - t, 50 + t, 200 + t);
    }
    struct linearization result;
    ck_assert_int_eq(check_linearizable(&history, &result), 0);
    ck_assert(result.linearizable);
    history_init(&history);
    for (int t = 0; t < 6; t++) {
        add(&history, t + 1, PUSH, t + 1, 1 + t, 100 + t);
        add(&history, t + 1, POP, t < 5 ? 6 - t : 2, 50 + t, 200 + t);
    }
    ck_assert_int_eq(check_linearizable(&history, &result), 0);
    ck_assert_msg(!result.linearizable, "accepted 2 popped twice and 1 never");
    ck_assert_msg(result.tried < 100000, "the search tried %ld pairs", result.tried);
}
END_TEST

/* ---- given: epoch-based reclamation ---------------------------------------------------------- */

static atomic_long objects_freed;

static void count_and_free(void *object)
{
    atomic_fetch_add(&objects_freed, 1);
    free(object);
}

/* One record stands for a reader, inside; another for a thread that retires an object. Not
 * until the reader leaves may the object be freed, however often the other collects. */
START_TEST(epoch_frees_nothing_while_a_reader_is_inside)
{
    static struct epoch_domain domain;
    atomic_store(&objects_freed, 0);
    epoch_init(&domain, count_and_free);
    struct epoch_thread *reader = epoch_join(&domain);
    struct epoch_thread *writer = epoch_join(&domain);
    epoch_enter(reader);
    void *object = malloc(16);
    ck_assert(object != NULL);
    epoch_retire(writer, object);
    for (int i = 0; i < 10; i++)
        epoch_collect(writer);
    ck_assert_msg(atomic_load(&objects_freed) == 0, "an object was freed while a thread that "
                  "entered before it was retired was still inside");
    ck_assert_msg(atomic_load(&domain.epoch) <= 1, "the epoch moved on past a thread inside");
    epoch_exit(reader);
    for (int i = 0; i < 3; i++)
        epoch_collect(writer);
    ck_assert_msg(atomic_load(&objects_freed) == 1, "the object was not freed once the reader "
                  "had left and the epoch had moved on twice");
    epoch_leave(reader);
    epoch_leave(writer);
    epoch_destroy(&domain);
    ck_assert_int_eq(atomic_load(&objects_freed), 1);
}
END_TEST

START_TEST(epoch_frees_everything_in_the_end)
{
    static struct epoch_domain domain;
    atomic_store(&objects_freed, 0);
    epoch_init(&domain, count_and_free);
    struct epoch_thread *me = epoch_join(&domain);
    for (int i = 0; i < 1000; i++) {
        void *object = malloc(16);
        ck_assert(object != NULL);
        epoch_enter(me);
        epoch_exit(me);
        epoch_retire(me, object);
    }
    ck_assert_msg(atomic_load(&objects_freed) > 0, "nothing was freed along the way");
    epoch_leave(me);
    epoch_destroy(&domain);
    ck_assert_int_eq(atomic_load(&objects_freed), 1000);
}
END_TEST

/* Readers follow a shared pointer and read what it points to; a writer replaces it again and
 * again and retires the old object, whose free function first spoils it. A reader that ever
 * sees a spoiled object read freed memory (AddressSanitizer, in make test, says so at once). */
#define SHARED_WORDS 8
#define GOOD 0x600d

struct shared_object {
    long words[SHARED_WORDS];
};

#define REPLACEMENTS 5000

struct sharing {
    struct epoch_domain domain;
    _Atomic(struct shared_object *) current;
    atomic_int writer_done;
    atomic_long spoiled_reads;
    atomic_long allocated;
};

static void spoil_and_free(void *object)
{
    struct shared_object *shared = object;
    for (int w = 0; w < SHARED_WORDS; w++)
        shared->words[w] = 0;
    atomic_fetch_add(&objects_freed, 1);
    free(shared);
}

static struct shared_object *new_shared(struct sharing *sharing)
{
    struct shared_object *shared = malloc(sizeof *shared);
    if (shared == NULL)
        abort();   /* out of memory, in a worker thread, which may not assert */
    for (int w = 0; w < SHARED_WORDS; w++)
        shared->words[w] = GOOD;
    atomic_fetch_add(&sharing->allocated, 1);
    return shared;
}

static void *read_shared(void *arg)
{
    struct sharing *sharing = arg;
    struct epoch_thread *me = epoch_join(&sharing->domain);
    for (long i = 0; i < 500 || !atomic_load(&sharing->writer_done); i++) {
        epoch_enter(me);
        struct shared_object *shared = atomic_load_explicit(&sharing->current,
                                                            memory_order_acquire);
        for (int w = 0; w < SHARED_WORDS; w++)
            if (shared->words[w] != GOOD)
                atomic_fetch_add(&sharing->spoiled_reads, 1);
        epoch_exit(me);
    }
    epoch_leave(me);
    return NULL;
}

static void *replace_shared(void *arg)
{
    struct sharing *sharing = arg;
    struct epoch_thread *me = epoch_join(&sharing->domain);
    for (int i = 0; i < REPLACEMENTS; i++) {
        struct shared_object *old = atomic_exchange_explicit(&sharing->current,
                                                             new_shared(sharing),
                                                             memory_order_acq_rel);
        epoch_retire(me, old);
    }
    epoch_leave(me);
    atomic_store(&sharing->writer_done, 1);
    return NULL;
}

START_TEST(epoch_keeps_readers_off_freed_memory)
{
    static struct sharing sharing;
    memset(&sharing, 0, sizeof sharing);
    atomic_store(&objects_freed, 0);
    epoch_init(&sharing.domain, spoil_and_free);
    atomic_store(&sharing.current, new_shared(&sharing));
    pthread_t threads[4];
    for (int t = 0; t < 3; t++)
        thread_create(&threads[t], read_shared, &sharing);
    thread_create(&threads[3], replace_shared, &sharing);
    for (int t = 0; t < 4; t++)
        thread_join(threads[t]);
    spoil_and_free(atomic_load(&sharing.current));
    epoch_destroy(&sharing.domain);
    ck_assert_msg(atomic_load(&sharing.spoiled_reads) == 0, "readers read %ld words of freed "
                  "objects", atomic_load(&sharing.spoiled_reads));
    ck_assert_int_eq(atomic_load(&objects_freed), atomic_load(&sharing.allocated));
}
END_TEST

/* ---- given: the locked stacks of the bench ------------------------------------------------- */

START_TEST(locked_stacks_are_stacks)
{
    for (int kind = STACK_MUTEX; kind <= STACK_SPINLOCK; kind++) {
        struct tagged_node nodes[3];
        struct locked_stack stack;
        locked_init(&stack, kind, nodes);
        for (uint32_t i = 0; i < 3; i++)
            locked_push(&stack, i);
        for (uint32_t i = 3; i-- > 0;) {
            uint32_t index = TAGGED_NONE;
            ck_assert(locked_pop(&stack, &index));
            ck_assert_uint_eq(index, i);
        }
        uint32_t index;
        ck_assert(!locked_pop(&stack, &index));
        locked_destroy(&stack);
    }
}
END_TEST

/* ---- exercise 1: the compare-and-swap loop --------------------------------------------------- */

static void check_written(const char *function)
{
    ck_assert_msg(errno != ENOSYS, "%s is not written yet (exercise 1)", function);
}

START_TEST(cas_add_adds_and_returns_what_it_replaced)
{
    atomic_long counter = 40;
    errno = 0;
    long before = cas_add(&counter, 2);
    check_written("cas_add");
    ck_assert_msg(before == 40 && atomic_load(&counter) == 42, "cas_add(40, 2) returned %ld and "
                  "left %ld, not 40 and 42", before, atomic_load(&counter));
    before = cas_add(&counter, -50);
    ck_assert_msg(before == 42 && atomic_load(&counter) == -8, "cas_add(42, -50) returned %ld "
                  "and left %ld, not 42 and -8", before, atomic_load(&counter));
}
END_TEST

/* The rival's step, in the fault of the first write to the armed variable. */
static atomic_long *rival_variable;
static long rival_amount;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_adds(void)
{
    atomic_fetch_add(rival_variable, rival_amount);
}

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_writes(void)
{
    atomic_store(rival_variable, rival_amount);
}

/* Another thread adds 100 between cas_add's load and its compare-and-swap. */
START_TEST(cas_add_retries_after_another_thread_adds)
{
    rival_variable = rival_memory(sizeof *rival_variable);
    atomic_init(rival_variable, 40);
    rival_amount = 100;
    rival_arm(rival_variable, sizeof *rival_variable, rival_adds);
    errno = 0;
    long before = cas_add(rival_variable, 2);
    int error = errno;
    bool wrote = rival_has_run();
    long after = atomic_load(rival_variable);
    rival_release(rival_variable, sizeof *rival_variable);
    ck_assert_msg(error != ENOSYS, "cas_add is not written yet (exercise 1)");
    ck_assert_msg(wrote, "cas_add never wrote the counter");
    ck_assert_msg(after == 142, "the counter was 40; another thread added 100 after your "
                  "cas_add(counter, 2) read it and before it wrote; the counter ends at %ld, "
                  "not 142: %s", after,
                  after == 42 ? "the other thread's add is lost: write with a compare-and-swap "
                                "that fails when the counter changed, and compute again from "
                                "the value it found"
                  : after == 140 ? "your own add is lost: when the compare-and-swap fails, try "
                                   "again" : "wrong");
    ck_assert_msg(before == 140, "cas_add returned %ld; the value it replaced was 140", before);
}
END_TEST

/* Four threads add 1, 5000 times each: the counter ends at 20000, and the values the adds
 * replaced are 0 to 19999, each once (each add its own step). */
#define ADDERS 4
#define ADDS 5000

struct adding {
    atomic_long counter;
    long replaced[ADDERS][ADDS];
};

struct adder {
    struct adding *adding;
    int number;
};

static void *add_ones(void *arg)
{
    struct adder *adder = arg;
    for (int i = 0; i < ADDS; i++)
        adder->adding->replaced[adder->number][i] = cas_add(&adder->adding->counter, 1);
    return NULL;
}

START_TEST(cas_add_counts_every_add_from_four_threads)
{
    static struct adding adding;
    memset(&adding, 0, sizeof adding);
    struct adder adders[ADDERS];
    pthread_t threads[ADDERS];
    for (int t = 0; t < ADDERS; t++) {
        adders[t] = (struct adder){ &adding, t };
        thread_create(&threads[t], add_ones, &adders[t]);
    }
    for (int t = 0; t < ADDERS; t++)
        thread_join(threads[t]);
    ck_assert_msg(atomic_load(&adding.counter) == ADDERS * ADDS, "%d threads added 1 %d times "
                  "each: the counter is %ld", ADDERS, ADDS, atomic_load(&adding.counter));
    static bool seen[ADDERS * ADDS];
    memset(seen, 0, sizeof seen);
    for (int t = 0; t < ADDERS; t++)
        for (int i = 0; i < ADDS; i++) {
            long value = adding.replaced[t][i];
            if (value < 0 || value >= ADDERS * ADDS || seen[value])
                ck_abort_msg("two adds both replaced %ld (or it is out of range): each add "
                             "must replace the value it read, in one step", value);
            seen[value] = true;
        }
}
END_TEST

START_TEST(cas_max_raises_and_returns_the_maximum_before)
{
    atomic_long maximum = 10;
    errno = 0;
    long before = cas_max(&maximum, 25);
    check_written("cas_max");
    ck_assert_msg(before == 10 && atomic_load(&maximum) == 25, "cas_max(10, 25) returned %ld "
                  "and left %ld, not 10 and 25", before, atomic_load(&maximum));
    before = cas_max(&maximum, 7);
    ck_assert_msg(before == 25 && atomic_load(&maximum) == 25, "cas_max(25, 7) returned %ld "
                  "and left %ld, not 25 and 25", before, atomic_load(&maximum));
    before = cas_max(&maximum, -3);
    ck_assert_int_eq(atomic_load(&maximum), 25);
}
END_TEST

/* cas_max(maximum 10, value 20), and another thread writes `rival` between its load and its
 * compare-and-swap. */
static void check_max_against_a_rival(long rival, long expected)
{
    rival_variable = rival_memory(sizeof *rival_variable);
    atomic_init(rival_variable, 10);
    rival_amount = rival;
    rival_arm(rival_variable, sizeof *rival_variable, rival_writes);
    errno = 0;
    long before = cas_max(rival_variable, 20);
    int error = errno;
    bool wrote = rival_has_run();
    long after = atomic_load(rival_variable);
    rival_release(rival_variable, sizeof *rival_variable);
    ck_assert_msg(error != ENOSYS, "cas_max is not written yet (exercise 1)");
    ck_assert_msg(wrote, "cas_max(10, 20) never wrote the maximum");
    ck_assert_msg(after == expected, "the maximum was 10; another thread raised it to %ld after "
                  "your cas_max(maximum, 20) read it and before it wrote; it ends at %ld, not "
                  "%ld: %s", rival, after, expected,
                  expected == rival ? "a bigger value was overwritten: after a failed "
                                      "compare-and-swap, decide again with the value it found"
                                    : "when the compare-and-swap fails, try again");
    ck_assert_msg(before == rival, "cas_max returned %ld; the maximum it found last, and "
                  "replaced or kept, was %ld", before, rival);
}

START_TEST(cas_max_keeps_a_bigger_value_written_meanwhile)
{
    check_max_against_a_rival(30, 30);
}
END_TEST

START_TEST(cas_max_retries_after_a_smaller_raise)
{
    check_max_against_a_rival(15, 20);
}
END_TEST

/* A value that is not bigger is no reason to write: not even the same maximum back, since
 * every write takes the cache line away from every other core. */
START_TEST(cas_max_writes_nothing_when_not_bigger)
{
    rival_variable = rival_memory(sizeof *rival_variable);
    atomic_init(rival_variable, 50);
    rival_amount = 50;
    rival_arm(rival_variable, sizeof *rival_variable, rival_writes);
    errno = 0;
    long before = cas_max(rival_variable, 20);
    int error = errno;
    bool wrote = rival_has_run();
    rival_release(rival_variable, sizeof *rival_variable);
    ck_assert_msg(error != ENOSYS, "cas_max is not written yet (exercise 1)");
    ck_assert_msg(before == 50, "cas_max(50, 20) returned %ld, not 50", before);
    ck_assert_msg(!wrote, "cas_max(50, 20) wrote to the maximum: when the value is not bigger, "
                  "write nothing");
}
END_TEST

/* ---- exercise 2: Treiber's stack ------------------------------------------------------------- */

static void check_push(int status, const char *function)
{
    ck_assert_msg(status == 0, "%s returned %d (errno %d: %s)%s", function, status, errno,
                  strerror(errno), errno == ENOSYS ? ": not written yet" : "");
}

/* Pops what is left into values[] (at most `most`); returns how many. */
static int drain_plain(struct treiber_stack *stack, long values[], int most)
{
    int count = 0;
    struct treiber_node *node;
    while (count < most && (node = treiber_pop(stack)) != NULL)
        values[count++] = node->value;
    return count;
}

static void values_text(const long values[], int count, char *text, size_t size)
{
    size_t length = 0;
    text[0] = '\0';
    for (int i = 0; i < count && length < size; i++)
        length += (size_t)snprintf(text + length, size - length, " %ld", values[i]);
    if (count == 0)
        snprintf(text, size, " nothing");
}

START_TEST(treiber_pops_in_the_reverse_order_of_pushes)
{
    struct treiber_stack stack;
    struct treiber_node nodes[3];
    treiber_init(&stack);
    errno = 0;
    for (int i = 0; i < 3; i++) {
        nodes[i].value = i + 1;
        check_push(treiber_push(&stack, &nodes[i]), "treiber_push");
    }
    for (int i = 2; i >= 0; i--) {
        struct treiber_node *node = treiber_pop(&stack);
        ck_assert_msg(node == &nodes[i], "pop %d returned the node of %ld, not of %d", 3 - i,
                      node == NULL ? 0 : node->value, i + 1);
    }
    errno = 0;
    ck_assert_msg(treiber_pop(&stack) == NULL && errno != ENOSYS,
                  "a pop of an empty stack must return NULL");
}
END_TEST

/* The rival's stacks and history, for exercises 2 and 3. */
static struct treiber_stack *rival_plain;
static struct treiber_node *rival_node;          /* what the rival pushes, or popped */
static struct tagged_stack *rival_tagged;
static uint32_t rival_index;
static struct history rival_history;

struct rival_step {
    enum stack_operation kind;
    long value;
    long call, ret;
};
static struct rival_step rival_steps[3];
static int rival_step_count;

__attribute__((no_sanitize("thread")))
static long tick(void)
{
    return atomic_fetch_add(&rival_history.clock, 1);
}

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_pushes(void)
{
    long call = tick();
    if (rival_plain != NULL)
        rival_treiber_push(rival_plain, rival_node);
    else
        rival_tagged_push(rival_tagged, rival_index);
    long value = rival_plain != NULL ? rival_node->value : rival_tagged->nodes[rival_index].value;
    rival_steps[rival_step_count++] = (struct rival_step){ PUSH, value, call, tick() };
}

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_pops(void)
{
    long call = tick();
    long value = HISTORY_EMPTY;
    if (rival_plain != NULL) {
        rival_node = rival_treiber_pop(rival_plain);
        if (rival_node != NULL)
            value = rival_node->value;
    } else if (rival_tagged_pop(rival_tagged, &rival_index)) {
        value = rival_tagged->nodes[rival_index].value;
    }
    rival_steps[rival_step_count++] = (struct rival_step){ POP, value, call, tick() };
}

/* ABA: pop A, pop B, push A back. */
__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_pops_two_and_pushes_the_first_back(void)
{
    rival_pops();
    uint32_t first = rival_index;
    if (rival_steps[rival_step_count - 1].value == HISTORY_EMPTY)
        return;   /* the stack was empty: a pop that is not written, or a broken one */
    rival_pops();
    long call = tick();
    rival_tagged_push(rival_tagged, first);
    rival_steps[rival_step_count++] =
        (struct rival_step){ PUSH, rival_tagged->nodes[first].value, call, tick() };
}

static void start_rival_history(void)
{
    history_init(&rival_history);
    rival_step_count = 0;
}

static void add_rival_steps(void)
{
    for (int i = 0; i < rival_step_count; i++)
        history_add(&rival_history, 2, rival_steps[i].kind, rival_steps[i].value,
                    rival_steps[i].call, rival_steps[i].ret);
}

/* A plain stack alone on a page of its own, holding 3 2 1 (top first): nodes[i] holds i + 1. */
static struct treiber_stack *plain_stack_of_three(struct treiber_node nodes[3])
{
    struct treiber_stack *stack = rival_memory(sizeof *stack);
    treiber_init(stack);
    errno = 0;
    for (int i = 0; i < 3; i++) {
        nodes[i].value = i + 1;
        check_push(treiber_push(stack, &nodes[i]), "treiber_push");
    }
    return stack;
}

/* Another thread pushes 9 between push's read of top and its compare-and-swap. */
START_TEST(treiber_push_retries_after_another_push)
{
    static struct treiber_node nodes[3], pushed = { .value = 4 }, rivals = { .value = 9 };
    struct treiber_stack *stack = plain_stack_of_three(nodes);
    rival_plain = stack;
    rival_node = &rivals;
    start_rival_history();
    rival_arm(stack, sizeof *stack, rival_pushes);
    int status = treiber_push(stack, &pushed);
    bool wrote = rival_has_run();
    long values[8];
    int count = drain_plain(stack, values, 8);
    rival_release(stack, sizeof *stack);
    check_push(status, "treiber_push");
    ck_assert_msg(wrote, "treiber_push never wrote top");
    char text[128];
    values_text(values, count, text, sizeof text);
    ck_assert_msg(count == 5 && values[0] == 4 && values[1] == 9 && values[2] == 3,
                  "the stack held 3 2 1; another thread pushed 9 while your push of 4 was "
                  "between its read of top and its compare-and-swap; the stack then held%s, not "
                  "4 9 3 2 1: %s", text,
                  count == 4 && values[0] == 4 ? "9 is lost: the compare-and-swap must fail "
                                                 "when top changed, and node->next must be "
                                                 "set again to the top it found"
                  : count == 4 && values[0] == 9 ? "4 is lost: when the compare-and-swap "
                                                   "fails, try again" : "wrong");
}
END_TEST

/* Another thread pops 3 between pop's read of top (and of its next) and its swing. */
START_TEST(treiber_pop_retries_after_another_pop)
{
    static struct treiber_node nodes[3];
    struct treiber_stack *stack = plain_stack_of_three(nodes);
    rival_plain = stack;
    rival_node = NULL;
    start_rival_history();
    rival_arm(stack, sizeof *stack, rival_pops);
    errno = 0;
    struct treiber_node *got = treiber_pop(stack);
    int error = errno;
    bool wrote = rival_has_run();
    long values[8];
    int count = drain_plain(stack, values, 8);
    rival_release(stack, sizeof *stack);
    ck_assert_msg(error != ENOSYS, "treiber_pop is not written yet (exercise 2)");
    ck_assert_msg(wrote, "treiber_pop never wrote top");
    char text[128];
    values_text(values, count, text, sizeof text);
    ck_assert_msg(got != NULL, "the stack held 3 2 1; another thread popped 3 while your pop was "
                  "between its read of top and its swing; your pop returned NULL, as if the "
                  "stack were empty: when the compare-and-swap fails, try again");
    ck_assert_msg(got->value == 2 && count == 1 && values[0] == 1, "the stack held 3 2 1; "
                  "another thread popped 3 while your pop was between its read of top and its "
                  "swing; your pop returned %ld and the stack then held%s, not 2 and 1: %s",
                  got->value, text,
                  got->value == 3 ? "3 came off twice: swing top with a compare-and-swap that "
                                    "fails when top changed"
                  : got->value == 2 && count == 2 ? "2 came off and stayed: after a failed "
                                                    "compare-and-swap, read the next of the "
                                                    "new top again"
                  : "wrong");
}
END_TEST

/* The node being pushed is alone on a read-only page, so push's first write into it (linking
 * it: node->next = top) runs the rival's pop first. A push that links the node before
 * publishing it loses nothing; one that publishes first hands the rival a node whose next is
 * not yet set. */
START_TEST(treiber_push_links_the_node_before_publishing_it)
{
    static struct treiber_node nodes[3];
    static struct treiber_stack stack;
    treiber_init(&stack);
    errno = 0;
    for (int i = 0; i < 3; i++) {
        nodes[i].value = i + 1;
        check_push(treiber_push(&stack, &nodes[i]), "treiber_push");
    }
    struct treiber_node *pushed = rival_memory(sizeof *pushed);
    pushed->value = 4;
    rival_plain = &stack;
    rival_node = NULL;
    start_rival_history();
    rival_arm(pushed, sizeof *pushed, rival_pops);
    int status = treiber_push(&stack, pushed);
    bool wrote = rival_has_run();
    long rival_got = rival_node == NULL ? HISTORY_EMPTY : rival_node->value;
    long values[8];
    int count = drain_plain(&stack, values, 8);
    rival_release(pushed, sizeof *pushed);
    check_push(status, "treiber_push");
    ck_assert_msg(wrote, "treiber_push never wrote node->next");
    char text[128];
    values_text(values, count, text, sizeof text);
    ck_assert_msg(rival_got == 3 && count == 3 && values[0] == 4 && values[1] == 2,
                  "the stack held 3 2 1; another thread popped while your push of 4 was writing "
                  "the node's next; it got %ld, and the stack then held%s, not 3, and 4 2 1%s",
                  rival_got, text,
                  rival_got == 4 ? ": your push put the node on top before linking it, so the "
                                   "other thread popped a node whose next was not yet set. "
                                   "Link it first, then publish it" : "");
}
END_TEST

/* A writer pushes fresh nodes whose values it wrote just before; a reader pops them and reads
 * the values. Only push's release and pop's acquire order those writes before those reads:
 * with a relaxed one, ThreadSanitizer reports a data race on the value. */
#define HANDED 300

struct handing {
    struct treiber_stack stack;
    struct treiber_node nodes[HANDED];
    long wrong;           /* written by the reader; read after joining it */
    atomic_int failed;
};

static void *push_handed(void *arg)
{
    struct handing *handing = arg;
    for (int i = 0; i < HANDED; i++) {
        handing->nodes[i].value = 1000 + i;
        if (treiber_push(&handing->stack, &handing->nodes[i]) != 0)
            atomic_store(&handing->failed, 1);
    }
    return NULL;
}

static void *pop_handed(void *arg)
{
    struct handing *handing = arg;
    for (int taken = 0; taken < HANDED && !atomic_load(&handing->failed);) {
        struct treiber_node *node = treiber_pop(&handing->stack);
        if (node == NULL) {
            sched_yield();
            continue;
        }
        long index = node - handing->nodes;
        handing->wrong += node->value != 1000 + index;
        taken++;
    }
    return NULL;
}

START_TEST(treiber_hands_nodes_to_another_thread)
{
    static struct handing handing;
    memset(&handing, 0, sizeof handing);
    treiber_init(&handing.stack);
    pthread_t reader, writer;
    thread_create(&reader, pop_handed, &handing);
    thread_create(&writer, push_handed, &handing);
    thread_join(writer);
    thread_join(reader);
    ck_assert_msg(!atomic_load(&handing.failed), "treiber_push returned an error: is exercise 2 "
                  "written?");
    ck_assert_msg(handing.wrong == 0, "%ld nodes came off with a value other than the one "
                  "written before they were pushed", handing.wrong);
}
END_TEST

/* A moment of nothing, of random length (up to ten microseconds or so), inside an operation's
 * recorded stretch: the stretches of different threads then overlap often, and the checker has
 * orders to search, while the stack operation itself happens at any point inside. */
static void dawdle(unsigned *random)
{
    *random = *random * 1103515245u + 12345u;
    for (volatile unsigned spin = *random >> 19; spin > 0; spin--) {
    }
}

/* Histories of three threads, random pushes (of fresh nodes: no node is pushed twice, so no
 * ABA) and pops, each checked for linearizability. */
#define HISTORY_THREADS 3
#define HISTORY_OPERATIONS 6
#define HISTORIES 40

struct recorded_run {
    struct history history;
    struct treiber_stack plain;
    struct treiber_node plain_nodes[HISTORY_THREADS * HISTORY_OPERATIONS];
    struct tagged_stack tagged;
    struct tagged_node tagged_nodes[HISTORY_THREADS * HISTORY_OPERATIONS];
    bool use_tagged;
    atomic_int ready;
};

struct recorder {
    struct recorded_run *run;
    int number;
    unsigned seed;
};

static void *record_operations(void *arg)
{
    struct recorder *recorder = arg;
    struct recorded_run *run = recorder->run;
    atomic_fetch_add(&run->ready, 1);
    while (atomic_load(&run->ready) < HISTORY_THREADS)
        sched_yield();
    unsigned random = recorder->seed;
    for (int i = 0; i < HISTORY_OPERATIONS; i++) {
        random = random * 1103515245u + 12345u;
        int index = recorder->number * HISTORY_OPERATIONS + i;
        if (random >> 16 & 1) {
            int slot = history_call(&run->history, recorder->number + 1, PUSH, index + 1);
            dawdle(&random);
            if (run->use_tagged) {
                run->tagged_nodes[index].value = index + 1;
                tagged_push(&run->tagged, (uint32_t)index);
            } else {
                run->plain_nodes[index].value = index + 1;
                treiber_push(&run->plain, &run->plain_nodes[index]);
            }
            dawdle(&random);
            history_return(&run->history, slot, 0);
        } else {
            int slot = history_call(&run->history, recorder->number + 1, POP, 0);
            dawdle(&random);
            long value = HISTORY_EMPTY;
            if (run->use_tagged) {
                uint32_t taken;
                if (tagged_pop(&run->tagged, &taken))
                    value = run->tagged_nodes[taken].value;
            } else {
                struct treiber_node *node = treiber_pop(&run->plain);
                if (node != NULL)
                    value = node->value;
            }
            dawdle(&random);
            history_return(&run->history, slot, value);
        }
    }
    return NULL;
}

static void check_recorded_histories(bool use_tagged)
{
    static struct recorded_run run;
    for (int h = 0; h < HISTORIES; h++) {
        memset(&run, 0, sizeof run);
        history_init(&run.history);
        treiber_init(&run.plain);
        tagged_init(&run.tagged, run.tagged_nodes, HISTORY_THREADS * HISTORY_OPERATIONS);
        run.use_tagged = use_tagged;
        struct recorder recorders[HISTORY_THREADS];
        pthread_t threads[HISTORY_THREADS];
        for (int t = 0; t < HISTORY_THREADS; t++) {
            recorders[t] = (struct recorder){ &run, t, (unsigned)(h * 7919 + t * 104729 + 1) };
            thread_create(&threads[t], record_operations, &recorders[t]);
        }
        for (int t = 0; t < HISTORY_THREADS; t++)
            thread_join(threads[t]);
        char what[64];
        snprintf(what, sizeof what, "history %d of 3 threads", h + 1);
        check_history(&run.history, what);
    }
}

START_TEST(treiber_histories_are_linearizable)
{
    struct treiber_stack probe;
    struct treiber_node node;
    treiber_init(&probe);
    errno = 0;
    ck_assert_msg(treiber_push(&probe, &node) == 0 && treiber_pop(&probe) == &node,
                  "a push and a pop do not give the node back%s",
                  errno == ENOSYS ? ": exercise 2 is not written yet" : "");
    check_recorded_histories(false);
}
END_TEST

/* Four threads push new nodes and pop, freeing what they pop through epoch reclamation (given,
 * epoch.h): no node is freed while a thread may still read it, and every one is freed in the
 * end. A use after free shows as a spoiled value here, or as AddressSanitizer's report. */
#define RECLAIMERS 4
#define RECLAIM_ROUNDS 2000

struct reclaiming {
    struct treiber_stack stack;
    struct epoch_domain domain;
    atomic_long spoiled;
    atomic_long allocated;
    atomic_int failed;
};

static void spoil_node(void *object)
{
    struct treiber_node *node = object;
    node->value = -1;
    atomic_fetch_add(&objects_freed, 1);
    free(node);
}

static void *push_pop_and_retire(void *arg)
{
    struct reclaiming *reclaiming = arg;
    struct epoch_thread *me = epoch_join(&reclaiming->domain);
    for (int i = 0; i < RECLAIM_ROUNDS && !atomic_load(&reclaiming->failed); i++) {
        struct treiber_node *node = malloc(sizeof *node);
        if (node == NULL)
            abort();   /* out of memory, in a worker thread, which may not assert */
        node->value = i;
        atomic_fetch_add(&reclaiming->allocated, 1);
        epoch_enter(me);
        if (treiber_push(&reclaiming->stack, node) != 0) {
            atomic_store(&reclaiming->failed, 1);
            epoch_exit(me);
            free(node);
            break;
        }
        struct treiber_node *popped;
        while ((popped = treiber_pop(&reclaiming->stack)) == NULL)
            sched_yield();
        if (popped->value < 0 || popped->value >= RECLAIM_ROUNDS)
            atomic_fetch_add(&reclaiming->spoiled, 1);
        epoch_exit(me);
        epoch_retire(me, popped);
    }
    epoch_leave(me);
    return NULL;
}

START_TEST(treiber_with_epochs_frees_popped_nodes_safely)
{
    static struct reclaiming reclaiming;
    memset(&reclaiming, 0, sizeof reclaiming);
    atomic_store(&objects_freed, 0);
    treiber_init(&reclaiming.stack);
    epoch_init(&reclaiming.domain, spoil_node);
    pthread_t threads[RECLAIMERS];
    for (int t = 0; t < RECLAIMERS; t++)
        thread_create(&threads[t], push_pop_and_retire, &reclaiming);
    for (int t = 0; t < RECLAIMERS; t++)
        thread_join(threads[t]);
    epoch_destroy(&reclaiming.domain);
    ck_assert_msg(!atomic_load(&reclaiming.failed), "treiber_push returned an error: is "
                  "exercise 2 written?");
    ck_assert_msg(atomic_load(&reclaiming.spoiled) == 0, "%ld pops returned a node that had "
                  "been freed", atomic_load(&reclaiming.spoiled));
    ck_assert_int_eq(atomic_load(&objects_freed), atomic_load(&reclaiming.allocated));
}
END_TEST

/* ---- exercise 3: the tagged stack ------------------------------------------------------------ */

static void check_tagged_pop(bool got, uint32_t index, uint32_t expected, int error)
{
    ck_assert_msg(error != ENOSYS, "tagged_pop is not written yet (exercise 3)");
    ck_assert_msg(got && index == expected, "tagged_pop %s node %u, not node %u",
                  got ? "took" : "found the stack empty instead of taking", index, expected);
}

START_TEST(tagged_pops_in_the_reverse_order_of_pushes)
{
    struct tagged_node nodes[3];
    struct tagged_stack stack;
    tagged_init(&stack, nodes, 3);
    errno = 0;
    for (uint32_t i = 0; i < 3; i++)
        check_push(tagged_push(&stack, i), "tagged_push");
    for (uint32_t i = 3; i-- > 0;) {
        uint32_t index = TAGGED_NONE;
        errno = 0;
        bool got = tagged_pop(&stack, &index);
        check_tagged_pop(got, index, i, errno);
    }
    uint32_t index;
    errno = 0;
    ck_assert_msg(!tagged_pop(&stack, &index) && errno != ENOSYS,
                  "a pop of an empty stack must return false");
}
END_TEST

/* The top word after pop, pop and a push of the first node back: the same node is on top as
 * before, and the word must still differ, or a pop that read the word before would succeed. */
START_TEST(tagged_top_differs_after_pop_pop_push)
{
    struct tagged_node nodes[3];
    struct tagged_stack stack;
    tagged_init(&stack, nodes, 3);
    errno = 0;
    for (uint32_t i = 0; i < 3; i++)
        check_push(tagged_push(&stack, i), "tagged_push");
    uint64_t before = atomic_load(&stack.top);
    uint32_t a = TAGGED_NONE, b = TAGGED_NONE;
    bool popped = tagged_pop(&stack, &a) && tagged_pop(&stack, &b);
    ck_assert_msg(popped && a == 2 && b == 1, "two pops of 3 nodes took %u and %u, not 2 and 1",
                  a, b);
    check_push(tagged_push(&stack, a), "tagged_push");
    uint64_t after = atomic_load(&stack.top);
    ck_assert_msg(tagged_index(after) == 2, "node 2 was pushed back, but the top word names "
                  "node %u", tagged_index(after));
    ck_assert_msg(after != before, "the top word was (node 2, tag %u) before pop, pop, push of "
                  "node 2, and is (node 2, tag %u) after: a pop paused in between would swing "
                  "top to node 1, which is no longer in the stack. Every swing must change the "
                  "tag", tagged_tag(before), tagged_tag(after));
}
END_TEST

/* A tagged stack alone on a page, holding nodes 2 1 0 (top first); node i holds i + 1. */
static struct tagged_stack *tagged_stack_of_three(struct tagged_node nodes[3], int thread)
{
    struct tagged_stack *stack = rival_memory(sizeof *stack);
    tagged_init(stack, nodes, 4);
    errno = 0;
    for (uint32_t i = 0; i < 3; i++) {
        nodes[i].value = i + 1;
        int slot = history_call(&rival_history, thread, PUSH, i + 1);
        check_push(tagged_push(stack, i), "tagged_push");
        history_return(&rival_history, slot, 0);
    }
    return stack;
}

/* Pops the rest of a tagged stack, recorded as thread 1's; values[] gets their values. */
static int drain_tagged(struct tagged_stack *stack, long values[], int most)
{
    int count = 0;
    for (;;) {
        int slot = history_call(&rival_history, 1, POP, 0);
        uint32_t index;
        bool got = count < most && tagged_pop(stack, &index);
        history_return(&rival_history, slot, got ? stack->nodes[index].value : HISTORY_EMPTY);
        if (!got)
            return count;
        values[count++] = stack->nodes[index].value;
    }
}

/* ABA itself: the stack holds 3 2 1; your pop reads top (3) and its next (2), and is paused at
 * its compare-and-swap while another thread pops 3, pops 2 and pushes 3 back: your own
 * tagged_pop and tagged_push, run in the fault handler. Top is node 3 again. A swing that
 * compares only the node succeeds and sets top to node 2, which the other thread holds. */
START_TEST(tagged_survives_aba)
{
    static struct tagged_node nodes[4];
    start_rival_history();
    struct tagged_stack *stack = tagged_stack_of_three(nodes, 1);
    rival_plain = NULL;
    rival_tagged = stack;
    rival_arm(stack, sizeof *stack, rival_pops_two_and_pushes_the_first_back);
    int slot = history_call(&rival_history, 1, POP, 0);
    uint32_t index = TAGGED_NONE;
    errno = 0;
    bool got = tagged_pop(stack, &index);
    int error = errno;
    history_return(&rival_history, slot, got ? nodes[index].value : HISTORY_EMPTY);
    bool wrote = rival_has_run();
    long values[8];
    int count = drain_tagged(stack, values, 8);
    rival_release(stack, sizeof *stack);
    add_rival_steps();
    ck_assert_msg(error != ENOSYS, "tagged_pop is not written yet (exercise 3)");
    ck_assert_msg(wrote, "tagged_pop never wrote the top word");
    ck_assert_msg(got, "tagged_pop found the stack empty while it held nodes");
    char text[128];
    values_text(values, count, text, sizeof text);
    long rival_kept = rival_steps[1].value;
    static char verdict[16384];
    bool linearizable = judge_history(&rival_history, "ABA", verdict, sizeof verdict);
    ck_assert_msg(!(count > 0 && values[0] == rival_kept),
                  "ABA: the stack held 3 2 1; your pop read top 3 and its next 2; meanwhile "
                  "another thread popped 3, popped 2 and pushed 3 back; your pop's "
                  "compare-and-swap then succeeded, and the stack held%s: node 2 is in the "
                  "stack and held by the other thread at once. The tag must change with every "
                  "swing, so that the paused compare-and-swap fails. In the run's history (T2 "
                  "is the other thread), %s", text, verdict);
    ck_assert_msg(nodes[index].value == 3 && count == 1 && values[0] == 1,
                  "after the other thread's pop, pop and push, your pop returned %ld and the "
                  "stack held%s, not 3 and 1", nodes[index].value, text);
    ck_assert_msg(linearizable, "ABA: %s", verdict);
}
END_TEST

START_TEST(tagged_pop_retries_after_another_pop)
{
    static struct tagged_node nodes[4];
    start_rival_history();
    struct tagged_stack *stack = tagged_stack_of_three(nodes, 1);
    rival_plain = NULL;
    rival_tagged = stack;
    rival_arm(stack, sizeof *stack, rival_pops);
    uint32_t index = TAGGED_NONE;
    errno = 0;
    bool got = tagged_pop(stack, &index);
    int error = errno;
    bool wrote = rival_has_run();
    long values[8];
    int count = drain_tagged(stack, values, 8);
    rival_release(stack, sizeof *stack);
    ck_assert_msg(error != ENOSYS, "tagged_pop is not written yet (exercise 3)");
    ck_assert_msg(wrote, "tagged_pop never wrote the top word");
    ck_assert_msg(got, "the stack held 3 2 1; another thread popped 3 while your pop was between "
                  "its read of the top word and its swing; your pop found the stack empty: "
                  "when the compare-and-swap fails, try again");
    char text[128];
    values_text(values, count, text, sizeof text);
    ck_assert_msg(nodes[index].value == 2 && count == 1 && values[0] == 1,
                  "the stack held 3 2 1; another thread popped 3 while your pop was between its "
                  "read of the top word and its swing; your pop returned %ld and the stack then "
                  "held%s, not 2 and 1: %s", nodes[index].value, text,
                  nodes[index].value == 3 ? "3 came off twice"
                  : count == 2 ? "2 came off and stayed: after a failed compare-and-swap, read "
                                 "the next of the new top again" : "wrong");
}
END_TEST

START_TEST(tagged_push_retries_after_another_push)
{
    static struct tagged_node nodes[5];
    start_rival_history();
    struct tagged_stack *stack = tagged_stack_of_three(nodes, 1);
    stack->capacity = 5;
    nodes[3].value = 4;
    nodes[4].value = 9;
    rival_plain = NULL;
    rival_tagged = stack;
    rival_index = 4;
    rival_arm(stack, sizeof *stack, rival_pushes);
    errno = 0;
    int status = tagged_push(stack, 3);
    bool wrote = rival_has_run();
    long values[8];
    int count = drain_tagged(stack, values, 8);
    rival_release(stack, sizeof *stack);
    check_push(status, "tagged_push");
    ck_assert_msg(wrote, "tagged_push never wrote the top word");
    char text[128];
    values_text(values, count, text, sizeof text);
    ck_assert_msg(count == 5 && values[0] == 4 && values[1] == 9 && values[2] == 3,
                  "the stack held 3 2 1; another thread pushed 9 while your push of 4 was "
                  "between its read of the top word and its compare-and-swap; the stack then "
                  "held%s, not 4 9 3 2 1", text);
}
END_TEST

/* Four threads take nodes from a pool of eight and put them back, again and again: ABA's
 * playground. Each writes into a node it holds, and checks what the thread before it wrote:
 * ThreadSanitizer sees push's release and pop's acquire. At the end every node is in the stack
 * exactly once. */
#define REUSERS 4
#define REUSE_NODES 8
#define REUSE_ROUNDS 5000

struct reusing {
    struct tagged_stack stack;
    struct tagged_node nodes[REUSE_NODES];
    atomic_long torn;    /* a node whose value was not what its last holder left */
    atomic_long empty;
    atomic_int failed;
};

static void *take_and_put_back(void *arg)
{
    struct reusing *reusing = arg;
    for (int i = 0; i < REUSE_ROUNDS && !atomic_load(&reusing->failed); i++) {
        uint32_t index;
        if (!tagged_pop(&reusing->stack, &index)) {
            atomic_fetch_add(&reusing->empty, 1);
            continue;
        }
        struct tagged_node *node = &reusing->nodes[index];
        if (node->value != 1000 * (long)index + 7)
            atomic_fetch_add(&reusing->torn, 1);
        node->value = 1000 * (long)index + 7;   /* written back before it is pushed */
        if (tagged_push(&reusing->stack, index) != 0)
            atomic_store(&reusing->failed, 1);
    }
    return NULL;
}

START_TEST(tagged_shares_a_pool_between_four_threads)
{
    static struct reusing reusing;
    memset(&reusing, 0, sizeof reusing);
    tagged_init(&reusing.stack, reusing.nodes, REUSE_NODES);
    errno = 0;
    for (uint32_t i = 0; i < REUSE_NODES; i++) {
        reusing.nodes[i].value = 1000 * (long)i + 7;
        check_push(tagged_push(&reusing.stack, i), "tagged_push");
    }
    pthread_t threads[REUSERS];
    for (int t = 0; t < REUSERS; t++)
        thread_create(&threads[t], take_and_put_back, &reusing);
    for (int t = 0; t < REUSERS; t++)
        thread_join(threads[t]);
    ck_assert(!atomic_load(&reusing.failed));
    bool seen[REUSE_NODES] = { false };
    int count = 0;
    uint32_t index;
    while (count <= REUSE_NODES && tagged_pop(&reusing.stack, &index)) {
        ck_assert_msg(index < REUSE_NODES && !seen[index], "node %u is in the stack twice", index);
        seen[index] = true;
        count++;
    }
    ck_assert_msg(count == REUSE_NODES, "%d of %d nodes are left in the stack", count,
                  REUSE_NODES);
    ck_assert_msg(atomic_load(&reusing.torn) == 0, "%ld times a thread found a node it had "
                  "just taken not as its last holder left it", atomic_load(&reusing.torn));
}
END_TEST

/* A writer pushes pool nodes whose values it wrote just before; a reader pops them and reads
 * the values: push's release and pop's acquire, watched by ThreadSanitizer, as for exercise 2. */
struct tagged_handing {
    struct tagged_stack stack;
    struct tagged_node nodes[HANDED];
    long wrong;           /* written by the reader; read after joining it */
    atomic_int failed;
};

static void *push_tagged_handed(void *arg)
{
    struct tagged_handing *handing = arg;
    for (uint32_t i = 0; i < HANDED; i++) {
        handing->nodes[i].value = 1000 + i;
        if (tagged_push(&handing->stack, i) != 0)
            atomic_store(&handing->failed, 1);
    }
    return NULL;
}

static void *pop_tagged_handed(void *arg)
{
    struct tagged_handing *handing = arg;
    for (int taken = 0; taken < HANDED && !atomic_load(&handing->failed);) {
        uint32_t index;
        if (!tagged_pop(&handing->stack, &index)) {
            sched_yield();
            continue;
        }
        handing->wrong += index >= HANDED || handing->nodes[index].value != 1000 + (long)index;
        taken++;
    }
    return NULL;
}

START_TEST(tagged_hands_nodes_to_another_thread)
{
    static struct tagged_handing handing;
    memset(&handing, 0, sizeof handing);
    tagged_init(&handing.stack, handing.nodes, HANDED);
    pthread_t reader, writer;
    thread_create(&reader, pop_tagged_handed, &handing);
    thread_create(&writer, push_tagged_handed, &handing);
    thread_join(writer);
    thread_join(reader);
    ck_assert_msg(!atomic_load(&handing.failed), "tagged_push returned an error: is exercise 3 "
                  "written?");
    ck_assert_msg(handing.wrong == 0, "%ld nodes came off with a value other than the one "
                  "written before they were pushed", handing.wrong);
}
END_TEST

START_TEST(tagged_histories_are_linearizable)
{
    struct tagged_node node;
    struct tagged_stack probe;
    tagged_init(&probe, &node, 1);
    uint32_t index;
    errno = 0;
    ck_assert_msg(tagged_push(&probe, 0) == 0 && tagged_pop(&probe, &index),
                  "a push and a pop do not give the node back%s",
                  errno == ENOSYS ? ": exercise 3 is not written yet" : "");
    check_recorded_histories(true);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("11-lock-free");

    TCase *checker = kit_tcase("given", 0);
    tcase_add_test(checker, checker_accepts_a_linearizable_history);
    tcase_add_test(checker, checker_rejects_a_non_linearizable_history);
    tcase_add_test(checker, checker_judges_pops_by_their_times);
    tcase_add_test(checker, checker_prunes_with_its_memo);
    tcase_add_test(checker, epoch_frees_nothing_while_a_reader_is_inside);
    tcase_add_test(checker, epoch_frees_everything_in_the_end);
    tcase_add_test(checker, epoch_keeps_readers_off_freed_memory);
    tcase_add_test(checker, locked_stacks_are_stacks);
    suite_add_tcase(suite, checker);

    TCase *cas = kit_tcase("exercise 1", 0);
    tcase_add_test(cas, cas_add_adds_and_returns_what_it_replaced);
    tcase_add_test(cas, cas_add_retries_after_another_thread_adds);
    tcase_add_test(cas, cas_add_counts_every_add_from_four_threads);
    tcase_add_test(cas, cas_max_raises_and_returns_the_maximum_before);
    tcase_add_test(cas, cas_max_keeps_a_bigger_value_written_meanwhile);
    tcase_add_test(cas, cas_max_retries_after_a_smaller_raise);
    tcase_add_test(cas, cas_max_writes_nothing_when_not_bigger);
    suite_add_tcase(suite, cas);

    TCase *treiber = kit_tcase("exercise 2", 0);
    tcase_add_test(treiber, treiber_pops_in_the_reverse_order_of_pushes);
    tcase_add_test(treiber, treiber_push_retries_after_another_push);
    tcase_add_test(treiber, treiber_pop_retries_after_another_pop);
    tcase_add_test(treiber, treiber_push_links_the_node_before_publishing_it);
    tcase_add_test(treiber, treiber_hands_nodes_to_another_thread);
    tcase_add_test(treiber, treiber_histories_are_linearizable);
    tcase_add_test(treiber, treiber_with_epochs_frees_popped_nodes_safely);
    suite_add_tcase(suite, treiber);

    TCase *tagged = kit_tcase("exercise 3", 0);
    tcase_add_test(tagged, tagged_pops_in_the_reverse_order_of_pushes);
    tcase_add_test(tagged, tagged_top_differs_after_pop_pop_push);
    tcase_add_test(tagged, tagged_survives_aba);
    tcase_add_test(tagged, tagged_pop_retries_after_another_pop);
    tcase_add_test(tagged, tagged_push_retries_after_another_push);
    tcase_add_test(tagged, tagged_shares_a_pool_between_four_threads);
    tcase_add_test(tagged, tagged_hands_nodes_to_another_thread);
    tcase_add_test(tagged, tagged_histories_are_linearizable);
    suite_add_tcase(suite, tagged);

    return suite;
}
