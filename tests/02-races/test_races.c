/* test_races.c - the tests of lesson 02's exercises.
 *
 * A race that shows once in a thousand runs makes a useless test. These tests do not wait for
 * luck: where the code has a race_window() between two halves of an operation, a test holds
 * the window open until the other thread is there too, so a racy version breaks on every run;
 * where it has none (the atomic counter), threads released together hammer the counter far
 * longer than a scheduler's time slice. The explorer is deterministic: its tests are exact.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "counter.h"
#include "explorer.h"
#include "kit_check.h"
#include "models.h"
#include "race_window.h"
#include "rival.h"

/* ---- Holding the race window open ------------------------------------------------------ */

/* The account whose lock tells whether a thread in the window holds it: if it does, no other
 * withdrawal can get in, so waiting for one would only waste time. */
static struct account *window_account;
static pthread_mutex_t meeting_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meeting_changed = PTHREAD_COND_INITIALIZER;
static int arrived;

/* Waits in the window, up to 2 s (more with CK_TIMEOUT_MULTIPLIER), until a second thread is
 * in it too. */
static void meet_in_the_window(void)
{
    if (window_account != NULL && pthread_mutex_trylock(&window_account->lock) == EBUSY)
        return;   /* the lock is held (by this thread, in a correct version): nobody can come */
    if (window_account != NULL)
        pthread_mutex_unlock(&window_account->lock);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)kit_scaled_seconds(2);
    pthread_mutex_lock(&meeting_lock);
    arrived++;
    pthread_cond_broadcast(&meeting_changed);
    while (arrived < 2) {
        if (pthread_cond_timedwait(&meeting_changed, &meeting_lock, &deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&meeting_lock);
}

static void open_window_for(struct account *account)
{
    arrived = 0;
    window_account = account;
    race_window_set_hook(meet_in_the_window);
}

static void close_window(void)
{
    race_window_set_hook(NULL);
    window_account = NULL;
}

/* ---- Threads released together ---------------------------------------------------------- */

/* Every thread spins at the gate until all have arrived, so they start at the same moment. */
struct gate {
    atomic_int waiting;
    int threads;
};

static void pass_gate(struct gate *gate)
{
    atomic_fetch_add(&gate->waiting, 1);
    while (atomic_load(&gate->waiting) < gate->threads)
        sched_yield();   /* let the threads still to come have the core */
}

/* ---- given: the racy code and the explorer ---------------------------------------------- */

struct racy_work {
    long *counter;
};

static void *add_once_racy(void *arg)
{
    counter_add_racy(((struct racy_work *)arg)->counter);
    return NULL;
}

START_TEST(racy_counter_loses_an_update_when_the_window_is_held)
{
    long counter = 0;
    struct racy_work work = { &counter };
    open_window_for(NULL);
    pthread_t a, b;
    pthread_create(&a, NULL, add_once_racy, &work);
    pthread_create(&b, NULL, add_once_racy, &work);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    close_window();
    ck_assert_msg(counter == 1, "two racy increments with the window held gave %ld", counter);
}
END_TEST

static const struct outcome *find_outcome(const struct program *program,
                                          const struct exploration *result,
                                          const long values[], bool deadlocked)
{
    size_t size = (size_t)program->variable_count * sizeof values[0];
    for (int i = 0; i < result->outcome_count; i++)
        if (result->outcomes[i].deadlocked == deadlocked &&
            memcmp(result->outcomes[i].values, values, size) == 0)
            return &result->outcomes[i];
    return NULL;
}

START_TEST(explorer_counts_the_schedules_of_counter)
{
    struct program program;
    struct exploration result;
    ck_assert(build_model("counter", &program));
    ck_assert_int_eq(explore(&program, &result), 0);
    ck_assert_int_eq(result.schedules, 20);
    ck_assert_int_eq(result.outcome_count, 2);
    const struct outcome *lost = find_outcome(&program, &result, (long[]){ 1 }, false);
    const struct outcome *right = find_outcome(&program, &result, (long[]){ 2 }, false);
    ck_assert_ptr_nonnull(lost);
    ck_assert_ptr_nonnull(right);
    ck_assert_int_eq(lost->schedules, 18);
    ck_assert_int_eq(right->schedules, 2);

    ck_assert(build_model("counter3", &program));
    ck_assert_int_eq(explore(&program, &result), 0);
    ck_assert_int_eq(result.schedules, 1680);   /* 9! / (3! 3! 3!) */
    ck_assert_int_eq(result.outcome_count, 3);  /* counter = 1, 2 or 3 */
}
END_TEST

START_TEST(explorer_finds_the_double_withdrawal_and_the_deadlock)
{
    struct program program;
    struct exploration result;
    ck_assert(build_model("withdraw", &program));
    ck_assert_int_eq(explore(&program, &result), 0);
    ck_assert_ptr_nonnull(find_outcome(&program, &result, (long[]){ 20, 80 }, false));
    ck_assert_ptr_nonnull(find_outcome(&program, &result, (long[]){ -60, 160 }, false));

    ck_assert(build_model("deadlock", &program));
    ck_assert_int_eq(explore(&program, &result), 0);
    ck_assert_ptr_nonnull(find_outcome(&program, &result, (long[]){ 1, 1 }, true));
    ck_assert_ptr_nonnull(find_outcome(&program, &result, (long[]){ 0, 0 }, false));
}
END_TEST

/* ---- exercise 1: counter_add_atomic ------------------------------------------------------ */

#define HAMMER_THREADS 4
#define HAMMER_INCREMENTS 500000

struct hammer {
    atomic_long *counter;
    struct gate *gate;
};

static void *hammer_counter(void *arg)
{
    struct hammer *work = arg;
    pass_gate(work->gate);
    for (long i = 0; i < kit_rounds(HAMMER_INCREMENTS); i++)
        counter_add_atomic(work->counter);
    return NULL;
}

START_TEST(atomic_counter_counts_on_one_thread)
{
    atomic_long counter = 0;
    for (int i = 0; i < 1000; i++)
        counter_add_atomic(&counter);
    ck_assert_msg(atomic_load(&counter) == 1000, "1000 increments gave %ld",
                  atomic_load(&counter));
}
END_TEST

START_TEST(atomic_counter_loses_nothing_under_contention)
{
    for (int round = 0; round < 3; round++) {
        atomic_long counter = 0;
        struct gate gate = { 0, HAMMER_THREADS };
        struct hammer work = { &counter, &gate };
        pthread_t threads[HAMMER_THREADS];
        for (int t = 0; t < HAMMER_THREADS; t++)
            ck_assert_int_eq(pthread_create(&threads[t], NULL, hammer_counter, &work), 0);
        for (int t = 0; t < HAMMER_THREADS; t++)
            pthread_join(threads[t], NULL);
        long increments = kit_rounds(HAMMER_INCREMENTS);
        long expected = HAMMER_THREADS * increments;
        ck_assert_msg(atomic_load(&counter) == expected,
                      "round %d: %d threads x %ld increments gave %ld, %ld lost: is the "
                      "increment one indivisible step?", round, HAMMER_THREADS,
                      increments, atomic_load(&counter), expected - atomic_load(&counter));
    }
}
END_TEST

/* A rival increment at the worst moment (rival.h): the first write to the counter is held
 * up while a rival thread adds 1. An atomic read-modify-write then runs again and counts on
 * from the rival's value: 2. A load followed by a store writes back what it read plus one,
 * wiping out the rival's increment: 1. A rare interleaving, made certain. */
static atomic_long *rival_counter;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_adds_one(void)
{
    atomic_fetch_add(rival_counter, 1);
}

START_TEST(atomic_counter_is_one_indivisible_step)
{
    rival_counter = rival_memory(sizeof *rival_counter);
    atomic_init(rival_counter, 0);
    rival_arm(rival_counter, sizeof *rival_counter, rival_adds_one);
    counter_add_atomic(rival_counter);
    long total = atomic_load(rival_counter);
    rival_release(rival_counter, sizeof *rival_counter);
    ck_assert_msg(rival_has_run(), "counter_add_atomic never wrote the counter");
    ck_assert_msg(total == 2, "another thread added 1 while your increment was under way, and "
                  "the counter ends at %ld, not 2: the increment must be one indivisible step "
                  "(atomic_fetch_add), not a read and a write", total);
}
END_TEST

/* ---- exercise 2: account_withdraw --------------------------------------------------------- */

START_TEST(withdraw_pays_only_what_is_there)
{
    struct account account;
    account_init(&account, 100);
    ck_assert_msg(account_withdraw(&account, 80), "withdrawing 80 of 100 must pay");
    ck_assert_int_eq(account.balance, 20);
    ck_assert_msg(!account_withdraw(&account, 80), "withdrawing 80 of 20 must not pay");
    ck_assert_int_eq(account.balance, 20);
    /* After a refusal the account still works: the lock was let go on that path too. */
    ck_assert_msg(account_withdraw(&account, 20), "withdrawing 20 of 20 must pay");
    ck_assert_int_eq(account.balance, 0);
    account_destroy(&account);
}
END_TEST

struct withdrawal {
    struct account *account;
    long amount;
    struct gate *gate;
    bool paid;
};

static void *withdraw_once(void *arg)
{
    struct withdrawal *w = arg;
    if (w->gate != NULL)
        pass_gate(w->gate);
    w->paid = account_withdraw(w->account, w->amount);
    return NULL;
}

START_TEST(withdraw_never_pays_twice_when_the_window_is_held)
{
    for (int round = 0; round < 20; round++) {
        struct account account;
        account_init(&account, 100);
        struct withdrawal first = { &account, 80, NULL, false }, second = first;
        open_window_for(&account);
        pthread_t a, b;
        pthread_create(&a, NULL, withdraw_once, &first);
        pthread_create(&b, NULL, withdraw_once, &second);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        close_window();
        ck_assert_msg(first.paid + second.paid == 1 && account.balance == 20,
                      "round %d: two withdrawals of 80 from 100 paid %d times (once is right), "
                      "balance %ld (20 is right)%s", round, first.paid + second.paid,
                      account.balance, first.paid && second.paid ?
                      ": another thread got between the check and the act" : "");
        account_destroy(&account);
    }
}
END_TEST

START_TEST(withdraw_balances_under_contention)
{
    enum { THREADS = 8 };
    for (int round = 0; round < kit_rounds(200); round++) {
        struct account account;
        account_init(&account, 50);
        struct gate gate = { 0, THREADS };
        struct withdrawal withdrawals[THREADS];
        pthread_t threads[THREADS];
        for (int t = 0; t < THREADS; t++) {
            withdrawals[t] = (struct withdrawal){ &account, 10, &gate, false };
            pthread_create(&threads[t], NULL, withdraw_once, &withdrawals[t]);
        }
        int paid = 0;
        for (int t = 0; t < THREADS; t++) {
            pthread_join(threads[t], NULL);
            paid += withdrawals[t].paid;
        }
        ck_assert_msg(paid == 5 && account.balance == 0,
                      "round %d: 8 withdrawals of 10 from 50 paid %d times, balance %ld",
                      round, paid, account.balance);
        account_destroy(&account);
    }
}
END_TEST

/* ---- exercise 3: the locked withdrawal, modelled ----------------------------------------- */

static int variable_named(const struct program *program, const char *name)
{
    for (int v = 0; v < program->variable_count; v++)
        if (strcmp(program->variable_names[v], name) == 0)
            return v;
    ck_abort_msg("the model has no variable named %s", name);
    return -1;
}

START_TEST(locked_model_has_one_outcome)
{
    struct program program;
    struct exploration result;
    ck_assert(build_model("withdraw-locked", &program));
    ck_assert_msg(program.thread_count == 2, "withdraw-locked has %d threads, not 2",
                  program.thread_count);
    ck_assert_msg(explore(&program, &result) == 0, "the explorer rejected withdraw-locked");
    int balance = variable_named(&program, "balance"), cash = variable_named(&program, "cash");
    ck_assert_msg(result.outcome_count == 1, "withdraw-locked has %d outcomes, not 1",
                  result.outcome_count);
    const struct outcome *only = &result.outcomes[0];
    ck_assert_msg(!only->deadlocked, "withdraw-locked can deadlock: does every path unlock?");
    ck_assert_msg(only->values[balance] == 20 && only->values[cash] == 80,
                  "withdraw-locked ends with balance %ld and cash %ld, not 20 and 80",
                  only->values[balance], only->values[cash]);
    for (int t = 0; t < program.thread_count; t++)
        for (int s = 0; s < program.threads[t].step_count; s++)
            if (program.threads[t].steps[s].kind == STEP_LOCK) {
                int lock = program.threads[t].steps[s].variable;
                ck_assert_msg(only->values[lock] == 0, "withdraw-locked ends with lock %s held: "
                              "does the thread that pays nothing unlock too?",
                              program.variable_names[lock]);
            }
}
END_TEST

/* Without its lock steps, the model must be the racy withdrawal again: proof that both threads
 * really withdraw, rather than, say, one thread doing nothing. */
START_TEST(locked_model_without_its_locks_races_again)
{
    struct program program;
    struct exploration result;
    ck_assert(build_model("withdraw-locked", &program));
    ck_assert_msg(program.thread_count == 2, "withdraw-locked has %d threads, not 2",
                  program.thread_count);
    bool had_locks = false;
    for (int t = 0; t < program.thread_count; t++) {
        struct thread_model *thread = &program.threads[t];
        int kept = 0;
        for (int s = 0; s < thread->step_count; s++) {
            struct step step = thread->steps[s];
            if (step.kind == STEP_LOCK || step.kind == STEP_UNLOCK) {
                had_locks = true;
                /* A skip over a removed step now skips one step less. */
                for (int earlier = 0; earlier < kept; earlier++) {
                    struct step *e = &thread->steps[earlier];
                    if (e->kind == STEP_SKIP_IF_LESS && earlier + e->skip >= kept)
                        e->skip--;
                }
                continue;
            }
            thread->steps[kept++] = step;
        }
        thread->step_count = kept;
    }
    ck_assert_msg(had_locks, "withdraw-locked has no lock or unlock steps");
    ck_assert_int_eq(explore(&program, &result), 0);
    int balance = variable_named(&program, "balance"), cash = variable_named(&program, "cash");
    bool paid_twice = false;
    for (int i = 0; i < result.outcome_count; i++)
        paid_twice = paid_twice || (result.outcomes[i].values[balance] == -60 &&
                                    result.outcomes[i].values[cash] == 160);
    ck_assert_msg(paid_twice, "without its locks, withdraw-locked never pays out twice: do both "
                  "threads withdraw 80 from a balance of 100?");
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("02-races");

    /* This one runs the racy code on purpose, so ThreadSanitizer rightly reports it; the
     * self-test's ThreadSanitizer run leaves out test cases tagged "racy-on-purpose". */
    TCase *given_racy = kit_tcase("given", 0);
    tcase_set_tags(given_racy, "racy-on-purpose");
    tcase_add_test(given_racy, racy_counter_loses_an_update_when_the_window_is_held);
    suite_add_tcase(suite, given_racy);

    TCase *given = kit_tcase("given", 0);
    tcase_add_test(given, explorer_counts_the_schedules_of_counter);
    tcase_add_test(given, explorer_finds_the_double_withdrawal_and_the_deadlock);
    suite_add_tcase(suite, given);

    TCase *atomic = kit_tcase("exercise 1", 0);
    tcase_add_test(atomic, atomic_counter_counts_on_one_thread);
    tcase_add_test(atomic, atomic_counter_loses_nothing_under_contention);
    tcase_add_test(atomic, atomic_counter_is_one_indivisible_step);
    suite_add_tcase(suite, atomic);

    TCase *withdraw = kit_tcase("exercise 2", 0);
    tcase_add_test(withdraw, withdraw_pays_only_what_is_there);
    tcase_add_test(withdraw, withdraw_never_pays_twice_when_the_window_is_held);
    tcase_add_test(withdraw, withdraw_balances_under_contention);
    suite_add_tcase(suite, withdraw);

    TCase *model = kit_tcase("exercise 3", 0);
    tcase_add_test(model, locked_model_has_one_outcome);
    tcase_add_test(model, locked_model_without_its_locks_races_again);
    suite_add_tcase(suite, model);

    return suite;
}
