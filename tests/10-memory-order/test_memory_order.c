/* test_memory_order.c - the tests of lesson 10's exercises, and of its harness and explorer.
 *
 * A memory-order bug is the rarest of races: on the 2-core machine this lesson was written on,
 * the litmus harness showed x86 reordering a store and a load between about once in two
 * thousand and twice in a thousand tries, with two threads released together; the demo's
 * Peterson lock without its fence let two threads in thousands of times in two million rounds
 * when they did some work outside the lock, and not once when they did none. No test can wait
 * for that and never flake, so no test here waits for the hardware to show a bug. Each wrong
 * version is caught on every run another way:
 *
 * - Exercise 1 (Peterson's lock): the student's peterson_lock() and peterson_unlock() run on a
 *   simulated x86 (peterson_tso.c): the code itself, every atomic operation replaced by one on
 *   a simulated memory with a store buffer per thread, under every schedule of two threads
 *   taking the lock twice each, and every moment at which a buffered store can reach memory.
 *   The simulation is deterministic: a missing fence (or a release/acquire lock, or a wrong
 *   turn) lets both threads in on some schedule, found on every run, and the failure shows that
 *   schedule. It also records the order of every access: x86 forgives a relaxed lock with a
 *   fence, but C11 promises Peterson's lock only with seq_cst throughout (the README says why),
 *   and that is what the exercise asks for. A last test runs the real code on two real threads:
 *   few rounds, as a check that the compiled lock works, and so that ThreadSanitizer, in
 *   grading's second run, sees what the lock publishes.
 * - Exercise 2 (a message through a flag): that put marks the mailbox full only after the
 *   message is in is checked at the worst moment, made certain with rival.h: the message's
 *   memory is read-only, and the first write into it runs a take() first, which must find the
 *   mailbox empty. That the flag's orders are release and acquire is a question for C11, not
 *   for x86 (which compiles relaxed, release and acquire alike): ThreadSanitizer knows C11's
 *   orders, and in grading's second run (built with -fsanitize=thread) a relaxed flag makes the
 *   message's plain reads and writes a data race, reported on every run: the reader reads the
 *   message only once it has seen the flag, and nothing else orders the two threads. (make test
 *   checks that each such wrong version is caught in that run.)
 * - Exercise 3 (lazy initialisation): the interleaving that makes an object twice (two threads
 *   past the first check before either publishes) is forced: the test's make() does not finish
 *   until the other thread is waiting for the lock, or making too. A fast path that takes the
 *   lock is caught by the deadlock watchdog: the test holds the lock and joins a thread that
 *   asks for the made object. A relaxed pointer is, again, ThreadSanitizer's: the reader takes
 *   the fast path and reads the object that another thread made.
 *
 * The harness and the explorer (test case "given") are checked against each other: whatever
 * the harness saw this machine do must be an outcome that the explorer allows under TSO, and
 * store buffering's r1 = r2 = 0 must be allowed by TSO and forbidden by SC. Nothing here reads
 * a clock to decide anything. Worker threads only record what they saw; the test's own thread
 * asserts.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explorer.h"
#include "kit_check.h"
#include "lazy.h"
#include "litmus.h"
#include "litmus_models.h"
#include "mailbox.h"
#include "peterson.h"
#include "peterson_tso.h"
#include "rival.h"
#include "sync.h"
#include "timing.h"
#include "waits.h"

/* ---- given: the explorer ------------------------------------------------------------------ */

static void explore_model(const char *name, enum memory_model memory, struct program *program,
                          struct exploration *result)
{
    ck_assert_msg(build_litmus_model(name, program), "no model %s", name);
    ck_assert_msg(explore_memory(program, memory, result) == 0, "the explorer failed on %s",
                  name);
}

static int variable_named(const struct program *program, const char *name)
{
    for (int v = 0; v < program->variable_count; v++)
        if (strcmp(program->variable_names[v], name) == 0)
            return v;
    ck_abort_msg("the model %s has no variable %s", program->name, name);
    return -1;
}

/* Whether an outcome of `result` has the registers r1 ... (as many as `values` gives) equal to
 * `values`. */
static bool allows_registers(const struct program *program, const struct exploration *result,
                             const long values[], int count)
{
    for (int i = 0; i < result->outcome_count; i++) {
        bool same = !result->outcomes[i].deadlocked;
        for (int r = 0; same && r < count; r++) {
            char name[12];
            snprintf(name, sizeof name, "r%d", r + 1);
            same = result->outcomes[i].values[variable_named(program, name)] == values[r];
        }
        if (same)
            return true;
    }
    return false;
}

START_TEST(explorer_store_buffering_needs_a_store_buffer)
{
    struct program program;
    struct exploration sc, tso;
    explore_model("sb", MEMORY_SC, &program, &sc);
    explore_model("sb", MEMORY_TSO, &program, &tso);
    ck_assert_int_eq(sc.schedules, 6);          /* 4! / (2! 2!) */
    ck_assert_int_eq(sc.outcome_count, 3);
    ck_assert_int_eq(tso.outcome_count, 4);
    ck_assert_msg(!allows_registers(&program, &sc, (long[]){ 0, 0 }, 2),
                  "SC must forbid r1 = r2 = 0");
    ck_assert_msg(allows_registers(&program, &tso, (long[]){ 0, 0 }, 2),
                  "TSO must allow r1 = r2 = 0");
    explore_model("sb-fenced", MEMORY_TSO, &program, &tso);
    ck_assert_msg(!allows_registers(&program, &tso, (long[]){ 0, 0 }, 2),
                  "a fence between store and load must forbid r1 = r2 = 0 under TSO");
}
END_TEST

/* MP, LB and IRIW: x86 keeps stores in order, loads in order, and a store after a load; and a
 * store reaches all other threads at once. So TSO allows exactly what SC allows. */
START_TEST(explorer_tso_adds_nothing_to_mp_lb_and_iriw)
{
    static const char *const names[] = { "mp", "lb", "iriw" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct program program;
        struct exploration sc, tso;
        explore_model(names[i], MEMORY_SC, &program, &sc);
        explore_model(names[i], MEMORY_TSO, &program, &tso);
        ck_assert_msg(sc.outcome_count == tso.outcome_count, "%s: SC has %d outcomes, TSO %d",
                      names[i], sc.outcome_count, tso.outcome_count);
        for (int k = 0; k < tso.outcome_count; k++)
            ck_assert_msg(find_same_outcome(&program, &sc, &tso.outcomes[k], false) != NULL,
                          "%s: TSO allows an outcome SC does not", names[i]);
    }
    struct program program;
    struct exploration tso;
    explore_model("iriw", MEMORY_TSO, &program, &tso);
    ck_assert_int_eq(tso.outcome_count, 15);   /* all 16 but 1 0 1 0: the writes seen in opposite orders */
    ck_assert(!allows_registers(&program, &tso, (long[]){ 1, 0, 1, 0 }, 4));
}
END_TEST

START_TEST(explorer_peterson_needs_a_fence_on_tso)
{
    struct program program;
    struct exploration sc, tso;
    explore_model("peterson", MEMORY_SC, &program, &sc);
    int count = variable_named(&program, "count");
    for (int i = 0; i < sc.outcome_count; i++)
        ck_assert_msg(sc.outcomes[i].values[count] == 2 && !sc.outcomes[i].deadlocked,
                      "under SC Peterson's lock must always count to 2");
    explore_model("peterson", MEMORY_TSO, &program, &tso);
    bool lost = false;
    for (int i = 0; i < tso.outcome_count; i++)
        lost = lost || tso.outcomes[i].values[count] == 1;
    ck_assert_msg(lost, "under TSO, Peterson's lock without a fence must lose a count");
    explore_model("peterson-fenced", MEMORY_TSO, &program, &tso);
    for (int i = 0; i < tso.outcome_count; i++)
        ck_assert_msg(tso.outcomes[i].values[count] == 2 && !tso.outcomes[i].deadlocked,
                      "with the fence, Peterson's lock must count to 2 under TSO");
}
END_TEST

/* ---- given: the harness agrees with the explorer ------------------------------------------- */

/* Every outcome this machine showed, under every choice of orders, is one that the explorer
 * allows for what x86 runs (litmus_tso_model): so, in particular, never r1 = r2 = 0 with
 * seq_cst or a fence. A processor that broke x86-TSO, or a harness that counted wrong, would
 * fail this; luck cannot, since it only decides which allowed outcomes show up. */
START_TEST(harness_sees_only_what_tso_allows)
{
    for (int test = 0; test < LITMUS_TESTS; test++)
        for (int orders = 0; orders < ORDERS_COUNT; orders++) {
            if (!litmus_has(test, orders))
                continue;
            struct program program;
            struct exploration tso;
            explore_model(litmus_tso_model(test, orders), MEMORY_TSO, &program, &tso);
            long iterations = kit_rounds(test == LITMUS_IRIW ? 1000 : 10000);
            struct litmus_result result;
            ck_assert_int_eq(litmus_run(test, orders, iterations, &result), 0);
            long total = 0;
            for (int k = 0; k < LITMUS_OUTCOMES; k++) {
                total += result.counts[k];
                if (result.counts[k] == 0)
                    continue;
                long values[LITMUS_MAX_REGISTERS];
                for (int r = 0; r < litmus_registers(test); r++)
                    values[r] = (k >> r) & 1;
                char text[40];
                litmus_outcome_text(test, k, text, sizeof text);
                ck_assert_msg(allows_registers(&program, &tso, values, litmus_registers(test)),
                              "%s with %s orders: this machine showed %s %ld times, which the "
                              "explorer's TSO forbids", litmus_name(test),
                              litmus_orders_name(orders), text, result.counts[k]);
            }
            ck_assert_msg(total == result.iterations && total >= iterations,
                          "%s: %ld outcomes counted for %ld runs", litmus_name(test), total,
                          result.iterations);
        }
}
END_TEST

/* ---- exercise 1: Peterson's lock ---------------------------------------------------------- */

static void check_lock_call(int status, int me)
{
    ck_assert_msg(status == 0, "peterson_lock(lock, %d) returned %d (errno %d: %s)%s", me, status,
                  errno, strerror(errno), errno == ENOSYS ? ": exercise 1 is not written yet" : "");
}

/* One thread alone takes and leaves the lock, as 0 and as 1, three times: it must never wait. */
START_TEST(peterson_lets_a_thread_alone_in)
{
    struct peterson lock;
    peterson_init(&lock);
    for (int round = 0; round < 3; round++)
        for (int me = 0; me < 2; me++) {
            errno = 0;
            check_lock_call(peterson_lock(&lock, me), me);
            peterson_unlock(&lock, me);
        }
}
END_TEST

static struct peterson_tso_report tso_report;

static void check_on_tso(void)
{
    ck_assert_msg(check_peterson_on_tso(&tso_report) == 0, "the simulator itself failed");
    ck_assert_msg(tso_report.ran, "%s", tso_report.problem);
}

START_TEST(peterson_keeps_threads_apart_on_a_simulated_x86)
{
    check_on_tso();
    ck_assert_msg(tso_report.correct_on_tso, "your lock, run on a simulated x86 (a store buffer "
                  "per thread) under every schedule: %s", tso_report.problem);
}
END_TEST

START_TEST(peterson_uses_seq_cst_throughout)
{
    check_on_tso();
    ck_assert_msg(tso_report.all_seq_cst, "your lock's orders: %s. C11 promises Peterson's "
                  "lock only if every access to flag[] and turn is memory_order_seq_cst (one "
                  "total order S over all of them, in which neither thread's load of the other's "
                  "flag can come before its own store); relaxed accesses with a fence work on "
                  "x86, but C11 allows both threads in: see the README", tso_report.orders);
}
END_TEST

#define PETERSON_ROUNDS 300

struct peterson_check {
    struct peterson lock;
    atomic_int ready;
    atomic_int inside;       /* threads between lock and unlock right now */
    atomic_long overlaps;    /* times a thread came in and found the other inside */
    long count;              /* plain: guarded by the lock, as a lock's data is */
    atomic_int failed;
};

static void *take_turns(void *arg)
{
    struct peterson_check *check = arg;
    int me = atomic_fetch_add(&check->ready, 1);
    while (atomic_load(&check->ready) < 2)
        sched_yield();
    for (long i = 0; i < PETERSON_ROUNDS; i++) {
        if (peterson_lock(&check->lock, me) != 0) {
            atomic_store(&check->failed, 1);
            return NULL;
        }
        if (atomic_fetch_add_explicit(&check->inside, 1, memory_order_relaxed) != 0)
            atomic_fetch_add_explicit(&check->overlaps, 1, memory_order_relaxed);
        long seen = check->count;
        check->count = seen + 1;
        atomic_fetch_sub_explicit(&check->inside, 1, memory_order_relaxed);
        peterson_unlock(&check->lock, me);
    }
    return NULL;
}

/* The real lock on two real threads. Few rounds: Peterson's lock makes the two threads take
 * turns, and on a machine whose cores are busy each turn may wait for the other thread to be
 * scheduled. The count is a plain variable: under ThreadSanitizer, a lock whose unlock and lock
 * do not release and acquire makes it a data race. */
START_TEST(peterson_keeps_two_real_threads_apart)
{
    static struct peterson_check check;
    memset(&check, 0, sizeof check);
    peterson_init(&check.lock);
    pthread_t threads[2];
    for (int t = 0; t < 2; t++)
        thread_create(&threads[t], take_turns, &check);
    for (int t = 0; t < 2; t++)
        thread_join(threads[t]);
    ck_assert_msg(!atomic_load(&check.failed), "peterson_lock returned an error: is exercise 1 "
                  "written?");
    ck_assert_msg(atomic_load(&check.overlaps) == 0 && check.count == 2 * PETERSON_ROUNDS,
                  "two threads took the lock %d times each: %ld times one came in while the "
                  "other was inside, and the count they guarded is %ld, not %d",
                  PETERSON_ROUNDS, atomic_load(&check.overlaps), check.count,
                  2 * PETERSON_ROUNDS);
}
END_TEST

/* ---- exercise 2: the mailbox -------------------------------------------------------------- */

static void fill(struct message *message, long number)
{
    for (int w = 0; w < MESSAGE_WORDS; w++)
        message->words[w] = number * 100 + w + 1;
}

START_TEST(mailbox_hands_a_message_over)
{
    struct mailbox box;
    mailbox_init(&box);
    struct message sent, got, untouched;
    fill(&sent, 7);
    fill(&untouched, 9);
    got = untouched;
    errno = 0;
    ck_assert_msg(!mailbox_take(&box, &got) && errno != ENOSYS,
                  errno == ENOSYS ? "mailbox_take is not written yet (exercise 2)"
                                  : "mailbox_take took a message out of an empty mailbox");
    ck_assert_msg(memcmp(&got, &untouched, sizeof got) == 0, "mailbox_take wrote into *out "
                  "although the mailbox was empty: copy the message only once you have seen "
                  "the mailbox full");
    ck_assert_msg(mailbox_put(&box, &sent) == 0, "mailbox_put returned an error (errno %d: %s)",
                  errno, strerror(errno));
    ck_assert_msg(mailbox_take(&box, &got), "mailbox_take found the mailbox empty after a put");
    ck_assert_msg(memcmp(&got, &sent, sizeof got) == 0, "mailbox_take gave back words %ld %ld "
                  "... instead of %ld %ld ...", got.words[0], got.words[1], sent.words[0],
                  sent.words[1]);
    memset(&got, 0, sizeof got);
    ck_assert_msg(mailbox_take(&box, &got) && memcmp(&got, &sent, sizeof got) == 0,
                  "a second take must find the same message: it stays in the mailbox");
}
END_TEST

/* The worst moment for a reader: the writer is writing the message. The message's page is
 * read-only, so put's first write into it stops, and the fault handler runs a take() (rival.h)
 * before letting the write go ahead. The mailbox must still look empty then: a put that marks
 * it full first lets that take() walk off with a message not yet written. The mailbox sits so
 * that `full` is on the page before the message's, which is the one made read-only. */
static struct mailbox *rival_box;
static bool rival_took;
static struct message rival_got;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted write */
static void rival_takes(void)
{
    rival_took = mailbox_take(rival_box, &rival_got);
}

START_TEST(mailbox_is_empty_until_the_message_is_in)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *memory = rival_memory(2 * page);
    rival_box = (struct mailbox *)(memory + page - offsetof(struct mailbox, message));
    mailbox_init(rival_box);
    struct message sent;
    fill(&sent, 3);
    rival_took = false;
    rival_arm(memory + page, page, rival_takes);
    errno = 0;
    int status = mailbox_put(rival_box, &sent);
    int put_errno = errno;
    bool wrote = rival_has_run();
    struct message got;
    bool taken = mailbox_take(rival_box, &got);
    rival_release(memory, 2 * page);
    ck_assert_msg(status == 0, "mailbox_put returned an error (errno %d: %s)", put_errno,
                  strerror(put_errno));
    ck_assert_msg(wrote, "mailbox_put never wrote the message into the mailbox");
    ck_assert_msg(!rival_took, "another thread took a message out of the mailbox while put was "
                  "still writing it (it got words %ld %ld ..., not %ld %ld ...): mark the mailbox "
                  "full only once the whole message is in", rival_got.words[0],
                  rival_got.words[1], sent.words[0], sent.words[1]);
    ck_assert_msg(taken && memcmp(&got, &sent, sizeof got) == 0,
                  "after put, take must give back the message");
}
END_TEST

#define HANDED_OVER 200

struct handover {
    struct mailbox boxes[HANDED_OVER];
    long torn;   /* written by the reader; read by the test after joining it */
};

static void *take_them_all(void *arg)
{
    struct handover *handover = arg;
    for (long i = 0; i < HANDED_OVER; i++) {
        struct message got;
        for (long spins = 0; !mailbox_take(&handover->boxes[i], &got); spins++)
            if (spins > 100)
                sched_yield();
        struct message expected;
        fill(&expected, i);
        handover->torn += memcmp(&got, &expected, sizeof got) != 0;
    }
    return NULL;
}

static void *put_them_all(void *arg)
{
    struct handover *handover = arg;
    for (long i = 0; i < HANDED_OVER; i++) {
        struct message message;
        fill(&message, i);
        mailbox_put(&handover->boxes[i], &message);
    }
    return NULL;
}

/* A reader, made first, waits for each of 200 mailboxes in turn while a writer fills them: every
 * message must arrive whole. The flag is all that orders the writer's writes before the
 * reader's reads; with a relaxed store or load ThreadSanitizer reports their data race. */
START_TEST(mailbox_hands_messages_to_another_thread)
{
    struct mailbox probe;
    mailbox_init(&probe);
    struct message message;
    fill(&message, 1);
    errno = 0;
    ck_assert_msg(mailbox_put(&probe, &message) == 0 && mailbox_take(&probe, &message),
                  "a put followed by a take does not hand the message over%s",
                  errno == ENOSYS ? ": exercise 2 is not written yet" : "");
    static struct handover handover;
    memset(&handover, 0, sizeof handover);
    for (long i = 0; i < HANDED_OVER; i++)
        mailbox_init(&handover.boxes[i]);
    pthread_t reader, writer;
    thread_create(&reader, take_them_all, &handover);
    thread_create(&writer, put_them_all, &handover);
    thread_join(writer);
    thread_join(reader);
    ck_assert_msg(handover.torn == 0, "%ld of %d messages arrived with wrong words",
                  handover.torn, HANDED_OVER);
}
END_TEST

/* ---- exercise 3: lazy initialisation -------------------------------------------------------- */

#define OBJECT_WORDS 16

struct object {
    long words[OBJECT_WORDS];
};

static atomic_int makes_begun;
static struct lazy *watched_lazy;

/* Whether some thread the kit knows is waiting to lock `mutex` (waits.h). */
static bool someone_waits_for(const pthread_mutex_t *mutex)
{
    for (size_t slot = 0; slot < WAITS_MAX_THREADS; slot++) {
        struct waits_view view;
        if (waits_look(slot, &view) && view.state == WAITS_RUNNING &&
            view.kind == WAITS_MUTEX && view.object == mutex)
            return true;
    }
    return false;
}

/* Makes an object; with `watched_lazy` set, first waits until a second thread is past the first
 * check too: waiting for the lock, or making an object itself. */
static void *make_object(void *arg)
{
    (void)arg;
    atomic_fetch_add(&makes_begun, 1);
    if (watched_lazy != NULL)
        while (atomic_load(&makes_begun) < 2 && !someone_waits_for(&watched_lazy->lock))
            sleep_ms(1);
    struct object *object = malloc(sizeof *object);
    if (object == NULL)
        abort();   /* out of memory: this runs in a worker thread, which may not assert */
    for (int w = 0; w < OBJECT_WORDS; w++)
        object->words[w] = 1000 + w;
    return object;
}

static void check_object(const struct object *object)
{
    for (int w = 0; w < OBJECT_WORDS; w++)
        if (object->words[w] != 1000 + w)
            ck_abort_msg("word %d of the object is %ld, not %d", w, object->words[w], 1000 + w);
}

START_TEST(lazy_makes_the_object_once)
{
    struct lazy lazy;
    atomic_store(&makes_begun, 0);
    watched_lazy = NULL;
    lazy_init(&lazy, make_object, NULL);
    errno = 0;
    struct object *first = lazy_get(&lazy);
    ck_assert_msg(first != NULL, "lazy_get returned NULL%s",
                  errno == ENOSYS ? ": exercise 3 is not written yet" : "");
    struct object *second = lazy_get(&lazy);
    ck_assert_msg(second == first, "a second lazy_get returned another object");
    ck_assert_msg(atomic_load(&makes_begun) == 1, "make was called %d times, not once",
                  atomic_load(&makes_begun));
    check_object(first);
    free(first);
    lazy_destroy(&lazy);
}
END_TEST

struct getter {
    struct lazy *lazy;
    void *object;
};

static void *get_object(void *arg)
{
    struct getter *getter = arg;
    getter->object = lazy_get(getter->lazy);
    return NULL;
}

/* Two threads both find the object not made: the first to lock makes it, slowly (make_object
 * waits until the second is waiting for the lock, or making too), and the second, once it has
 * the lock, must find it made. */
START_TEST(lazy_makes_once_when_two_threads_find_it_missing)
{
    static struct lazy lazy;
    atomic_store(&makes_begun, 0);
    lazy_init(&lazy, make_object, NULL);
    watched_lazy = &lazy;
    struct getter getters[2] = { { &lazy, NULL }, { &lazy, NULL } };
    pthread_t threads[2];
    for (int t = 0; t < 2; t++)
        thread_create(&threads[t], get_object, &getters[t]);
    for (int t = 0; t < 2; t++)
        thread_join(threads[t]);
    watched_lazy = NULL;
    int made = atomic_load(&makes_begun);
    ck_assert_msg(getters[0].object != NULL && getters[1].object != NULL,
                  "lazy_get returned NULL: is exercise 3 written?");
    ck_assert_msg(made == 1, "two threads asked for the object at once and it was made %d times: "
                  "the thread that gets the lock second must check again, and find it made",
                  made);
    ck_assert_msg(getters[0].object == getters[1].object, "the two threads got two objects");
    free(getters[0].object);
    lazy_destroy(&lazy);
}
END_TEST

/* Once the object is made, lazy_get takes no lock: the test holds the lock and waits for a
 * thread that asks for the object. A lazy_get that locks every time waits for the test, which
 * waits for it: the deadlock watchdog fails the test at once, saying so. */
START_TEST(lazy_takes_no_lock_once_made)
{
    static struct lazy lazy;
    atomic_store(&makes_begun, 0);
    watched_lazy = NULL;
    lazy_init(&lazy, make_object, NULL);
    waits_name(&lazy.lock, "the lazy object's lock");
    void *made = lazy_get(&lazy);
    ck_assert_msg(made != NULL, "lazy_get returned NULL: is exercise 3 written?");
    struct getter getter = { &lazy, NULL };
    mutex_lock(&lazy.lock);
    pthread_t thread;
    thread_create(&thread, get_object, &getter);
    thread_join(thread);
    mutex_unlock(&lazy.lock);
    ck_assert_msg(getter.object == made, "lazy_get returned another object once it was made");
    free(made);
    lazy_destroy(&lazy);
}
END_TEST

struct publication {
    struct lazy lazy;
    atomic_int go;          /* relaxed on purpose: it orders nothing */
    struct object *seen;
    long bad_words;
};

static void *make_and_tell(void *arg)
{
    struct publication *publication = arg;
    lazy_get(&publication->lazy);
    atomic_store_explicit(&publication->go, 1, memory_order_relaxed);
    return NULL;
}

static void *read_after_told(void *arg)
{
    struct publication *publication = arg;
    while (!atomic_load_explicit(&publication->go, memory_order_relaxed))
        sched_yield();
    struct object *object = lazy_get(&publication->lazy);   /* the fast path: it is made */
    publication->seen = object;
    for (int w = 0; w < OBJECT_WORDS; w++)
        publication->bad_words += object == NULL || object->words[w] != 1000 + w;
    return NULL;
}

/* One thread makes the object; another, made before it and told only through a relaxed flag
 * (which orders nothing), takes the fast path and reads the object. Only the pointer's release
 * and acquire order make()'s writes before those reads: with a relaxed store or load,
 * ThreadSanitizer reports a data race on the object. */
START_TEST(lazy_publishes_the_whole_object)
{
    static struct publication publication;
    memset(&publication, 0, sizeof publication);
    atomic_store(&makes_begun, 0);
    watched_lazy = NULL;
    lazy_init(&publication.lazy, make_object, NULL);
    pthread_t reader, maker;
    thread_create(&reader, read_after_told, &publication);
    thread_create(&maker, make_and_tell, &publication);
    thread_join(maker);
    thread_join(reader);
    ck_assert_msg(publication.seen != NULL, "lazy_get returned NULL: is exercise 3 written?");
    ck_assert_msg(publication.bad_words == 0, "the thread that took the fast path read %ld "
                  "wrong words of the object", publication.bad_words);
    ck_assert_int_eq(atomic_load(&makes_begun), 1);
    free(publication.seen);
    lazy_destroy(&publication.lazy);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("10-memory-order");

    TCase *explorer = kit_tcase("given", 0);
    tcase_add_test(explorer, explorer_store_buffering_needs_a_store_buffer);
    tcase_add_test(explorer, explorer_tso_adds_nothing_to_mp_lb_and_iriw);
    tcase_add_test(explorer, explorer_peterson_needs_a_fence_on_tso);
    suite_add_tcase(suite, explorer);

    /* Thirteen litmus runs on real threads: more time on a busy machine. */
    TCase *harness = kit_tcase("given", 60);
    tcase_add_test(harness, harness_sees_only_what_tso_allows);
    suite_add_tcase(suite, harness);

    TCase *peterson = kit_tcase("exercise 1", 30);
    tcase_add_test(peterson, peterson_lets_a_thread_alone_in);
    tcase_add_test(peterson, peterson_keeps_threads_apart_on_a_simulated_x86);
    tcase_add_test(peterson, peterson_uses_seq_cst_throughout);
    tcase_add_test(peterson, peterson_keeps_two_real_threads_apart);
    suite_add_tcase(suite, peterson);

    TCase *mailbox = kit_tcase("exercise 2", 0);
    tcase_add_test(mailbox, mailbox_hands_a_message_over);
    tcase_add_test(mailbox, mailbox_is_empty_until_the_message_is_in);
    tcase_add_test(mailbox, mailbox_hands_messages_to_another_thread);
    suite_add_tcase(suite, mailbox);

    TCase *lazy = kit_tcase("exercise 3", 0);
    tcase_add_test(lazy, lazy_makes_the_object_once);
    tcase_add_test(lazy, lazy_makes_once_when_two_threads_find_it_missing);
    tcase_add_test(lazy, lazy_takes_no_lock_once_made);
    tcase_add_test(lazy, lazy_publishes_the_whole_object);
    suite_add_tcase(suite, lazy);

    return suite;
}
