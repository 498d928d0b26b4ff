/* test_locks.c - the tests of lesson 03's exercises (counter.h, bank.h, spinlock.h).
 *
 * What a wrong answer looks like is in each test's messages. Nothing here measures time.
 * Mutual exclusion and conservation are checked as invariants over many operations by threads
 * lined up to start at once; the interleavings that matter most are forced on purpose: the
 * test itself holds a lock, lets a thread run into it, and then looks at what that thread
 * holds or has changed. A thread that is blocked stays blocked however long the test waits, so
 * a correct solution passes these checks whatever the timing; a wrong one fails them as soon
 * as its thread has had a moment to run ahead. One spinlock test goes further and stops a
 * thread at the exact instruction where a rival must get in (see rival_takes_the_lock). Worker
 * threads only record what they saw; the test's own thread makes every assertion.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bank.h"
#include "counter.h"
#include "kit_check.h"
#include "rival.h"
#include "spinlock.h"
#include "sync.h"
#include "waits.h"

/* ---- Shared helpers ------------------------------------------------------------------------ */

/* Threads are made and joined with sync.h's thread_create and thread_join, and the test takes
 * the lesson's locks with mutex_lock, so that the kit's deadlock watchdog knows every thread and
 * lock: a transfer that deadlocks fails its test at once, saying who waits for whom. */

/* Long enough for a thread that is not blocked to get well past where it was: 50 ms. */
static void give_other_threads_time(void)
{
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
}

/* A reusable barrier that lines threads up so that they run side by side: while they all have
 * a core, waiters spin, watching for the round to change, and the last to arrive releases them
 * at once (a pthread barrier wakes them one by one, microseconds apart). On a machine whose
 * cores are busy, a waiter that has spun for about a millisecond sleeps on a condition variable
 * instead, so that the test stays quick. */
struct line_up {
    atomic_uint arrived;
    atomic_uint round;
    atomic_uint sleepers;
    unsigned parties;
    pthread_mutex_t lock;         /* for the sleepers only */
    pthread_cond_t next_round;
};

#define LINE_UP(n) { .parties = (n), .lock = PTHREAD_MUTEX_INITIALIZER, \
                     .next_round = PTHREAD_COND_INITIALIZER }
#define LINE_UP_SPINS 1000000

static void line_up(struct line_up *line)
{
    unsigned round = atomic_load(&line->round);
    if (atomic_fetch_add(&line->arrived, 1) + 1 == line->parties) {
        atomic_store(&line->arrived, 0);
        atomic_fetch_add(&line->round, 1);
        /* A sleeper counted itself before it looked at the round, and we changed the round
         * before we look at the count (both sequentially consistent): either it sees the new
         * round and does not sleep, or we see it and wake it. */
        if (atomic_load(&line->sleepers) > 0) {
            pthread_mutex_lock(&line->lock);
            pthread_cond_broadcast(&line->next_round);
            pthread_mutex_unlock(&line->lock);
        }
        return;
    }
    for (long spins = 0; spins < LINE_UP_SPINS; spins++)
        if (atomic_load(&line->round) != round)
            return;
    pthread_mutex_lock(&line->lock);
    atomic_fetch_add(&line->sleepers, 1);
    while (atomic_load(&line->round) == round)
        pthread_cond_wait(&line->next_round, &line->lock);
    atomic_fetch_sub(&line->sleepers, 1);
    pthread_mutex_unlock(&line->lock);
}

/* xorshift64: each thread its own generator. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* ---- exercise 1: the counter ------------------------------------------------------------- */

/* A counter whose memory starts as garbage, so that a missing initialisation shows. */
static void init_counter(struct counter *counter)
{
    memset(counter, 0xA5, sizeof *counter);
    errno = 0;
    int result = counter_init(counter);
    ck_assert_msg(result == 0, "counter_init returned %d (errno: %s), expected 0", result,
                  strerror(errno));
    waits_name(&counter->lock, "the counter's lock");
}

START_TEST(counter_starts_at_zero_and_adds)
{
    struct counter counter;
    init_counter(&counter);
    ck_assert_msg(counter_read(&counter) == 0, "a new counter reads %ld, expected 0",
                  counter_read(&counter));
    counter_add(&counter, 5);
    counter_add(&counter, -2);
    counter_add(&counter, 40);
    ck_assert_msg(counter_read(&counter) == 43, "after adding 5, -2 and 40 the counter reads "
                  "%ld, expected 43", counter_read(&counter));
    counter_destroy(&counter);
}
END_TEST

#define ADDERS 4
#define ADDS_EACH 200000

struct adder {
    pthread_t thread;
    struct counter *counter;
    struct line_up *start;
};

static void *add_many_ones(void *arg)
{
    struct adder *me = arg;
    line_up(me->start);
    for (long i = 0; i < kit_rounds(ADDS_EACH); i++)
        counter_add(me->counter, 1);
    return NULL;
}

START_TEST(counter_keeps_every_increment_of_many_threads)
{
    for (int round = 0; round < 3; round++) {
        struct counter counter;
        init_counter(&counter);
        struct line_up start = LINE_UP(ADDERS);
        struct adder adders[ADDERS];
        for (int k = 0; k < ADDERS; k++) {
            adders[k] = (struct adder){ .counter = &counter, .start = &start };
            thread_create(&adders[k].thread, add_many_ones, &adders[k]);
        }
        for (int k = 0; k < ADDERS; k++)
            thread_join(adders[k].thread);
        long count = counter_read(&counter);
        counter_destroy(&counter);
        long adds = kit_rounds(ADDS_EACH);
        ck_assert_msg(count == ADDERS * adds,
                      "%d threads added 1 each %ld times, but the counter reads %ld: %ld "
                      "increments were lost (hold the lock while you read and write value)",
                      ADDERS, adds, count, ADDERS * adds - count);
    }
}
END_TEST

struct counter_call {
    pthread_t thread;
    struct counter *counter;
    long result;
    atomic_bool returned;
};

static void *call_counter_add(void *arg)
{
    struct counter_call *call = arg;
    counter_add(call->counter, 7);
    atomic_store(&call->returned, true);
    return NULL;
}

static void *call_counter_read(void *arg)
{
    struct counter_call *call = arg;
    call->result = counter_read(call->counter);
    atomic_store(&call->returned, true);
    return NULL;
}

/* While the test holds counter->lock, counter_add and counter_read must wait for it. */
START_TEST(counter_add_and_read_wait_for_the_lock)
{
    struct counter counter;
    init_counter(&counter);

    struct counter_call add = { .counter = &counter };
    mutex_lock(&counter.lock);
    thread_create(&add.thread, call_counter_add, &add);
    give_other_threads_time();
    bool add_returned_early = atomic_load(&add.returned);
    long value_meanwhile = counter.value;   /* ours to read: we hold the lock */
    mutex_unlock(&counter.lock);
    thread_join(add.thread);
    ck_assert_msg(!add_returned_early && value_meanwhile == 0,
                  "counter_add returned (value %ld) while another thread held counter->lock: "
                  "it must lock counter->lock before it touches value", value_meanwhile);

    struct counter_call read = { .counter = &counter };
    mutex_lock(&counter.lock);
    thread_create(&read.thread, call_counter_read, &read);
    give_other_threads_time();
    bool read_returned_early = atomic_load(&read.returned);
    mutex_unlock(&counter.lock);
    thread_join(read.thread);
    ck_assert_msg(!read_returned_early,
                  "counter_read returned while another thread held counter->lock: reading "
                  "value without the lock is a data race (lock it to read, too)");
    ck_assert_msg(read.result == 7, "counter_read gave %ld after adding 7", read.result);
    counter_destroy(&counter);
}
END_TEST

/* ---- exercise 2: bank transfers ---------------------------------------------------------- */

static void open_bank(struct bank *bank, size_t count, long balance)
{
    ck_assert_msg(bank_init(bank, count, balance) == 0, "bank_init failed: %s",
                  strerror(errno));
    for (size_t i = 0; i < count; i++)
        waits_name(&bank->accounts[i].lock, "account %zu's lock", i);
}

static void expect_balances(struct bank *bank, const long *expected, const char *after)
{
    for (size_t i = 0; i < bank->count; i++)
        ck_assert_msg(bank->accounts[i].balance == expected[i],
                      "after %s, account %zu holds %ld, expected %ld", after, i,
                      bank->accounts[i].balance, expected[i]);
}

static void expect_transfer(struct bank *bank, size_t from, size_t to, long amount, int expected)
{
    errno = 0;
    int result = bank_transfer(bank, from, to, amount);
    ck_assert_msg(result == expected, "bank_transfer(from %zu, to %zu, amount %ld) returned %d "
                  "(errno: %s), expected %d", from, to, amount, result, strerror(errno),
                  expected);
}

START_TEST(transfer_moves_money_and_refuses_overdrafts)
{
    struct bank bank;
    open_bank(&bank, 3, 100);
    expect_transfer(&bank, 0, 1, 30, 0);
    expect_balances(&bank, (long[]){ 70, 130, 100 }, "moving 30 from 0 to 1");
    expect_transfer(&bank, 2, 0, 100, 0);
    expect_balances(&bank, (long[]){ 170, 130, 0 }, "moving all 100 from 2 to 0");
    /* Refused twice in a row: a refusal that forgets to unlock deadlocks the second call. */
    expect_transfer(&bank, 2, 1, 1, 1);
    expect_transfer(&bank, 2, 1, 1, 1);
    expect_balances(&bank, (long[]){ 170, 130, 0 }, "two refused transfers from an empty account");
    expect_transfer(&bank, 1, 2, 131, 1);
    expect_transfer(&bank, 1, 2, 130, 0);
    expect_balances(&bank, (long[]){ 170, 0, 130 }, "moving exactly what account 1 held");
    ck_assert_int_eq(bank_total(&bank), 300);
    bank_destroy(&bank);
}
END_TEST

START_TEST(transfer_rejects_bad_arguments)
{
    struct bank bank;
    open_bank(&bank, 3, 100);
    const struct { size_t from, to; long amount; const char *what; } bad[] = {
        { 3, 0, 10, "from is not an account" },
        { 0, 3, 10, "to is not an account" },
        { SIZE_MAX, 1, 10, "from is SIZE_MAX" },
        { 0, 1, 0, "the amount is 0" },
        { 0, 1, -5, "the amount is negative" },
        { 1, 1, 10, "from and to are the same account (locking it twice deadlocks)" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        errno = 0;
        int result = bank_transfer(&bank, bad[k].from, bad[k].to, bad[k].amount);
        ck_assert_msg(result == -1 && errno == EINVAL, "bank_transfer(%zu, %zu, %ld) returned "
                      "%d (errno: %s), expected -1 with errno EINVAL: %s", bad[k].from,
                      bad[k].to, bad[k].amount, result, strerror(errno), bad[k].what);
    }
    expect_balances(&bank, (long[]){ 100, 100, 100 }, "refused transfers");
    /* Every lock must still be free: a lock taken before an early return would hang these. */
    expect_transfer(&bank, 1, 0, 10, 0);
    expect_transfer(&bank, 0, 2, 10, 0);
    ck_assert_int_eq(bank_total(&bank), 300);
    bank_destroy(&bank);
}
END_TEST

#define TELLERS 4
#define TRANSFERS_EACH 50000
#define BANK_ACCOUNTS 8
#define OPENING 1000

struct teller {
    pthread_t thread;
    struct bank *bank;
    struct line_up *start;
    atomic_int *tellers_left;
    uint64_t random;
    long moved, refused, failed;
};

static void *make_random_transfers(void *arg)
{
    struct teller *me = arg;
    line_up(me->start);
    for (long i = 0; i < kit_rounds(TRANSFERS_EACH); i++) {
        size_t from = next_random(&me->random) % BANK_ACCOUNTS;
        size_t to = (from + 1 + next_random(&me->random) % (BANK_ACCOUNTS - 1)) % BANK_ACCOUNTS;
        long amount = 1 + (long)(next_random(&me->random) % 300);
        int result = bank_transfer(me->bank, from, to, amount);
        me->moved += result == 0;
        me->refused += result == 1;
        me->failed += result != 0 && result != 1;
    }
    atomic_fetch_sub(me->tellers_left, 1);
    return NULL;
}

struct auditor {
    pthread_t thread;
    struct bank *bank;
    struct line_up *start;
    atomic_int *tellers_left;
    long audits, wrong_totals, last_wrong_total;
};

/* Adds up the bank again and again while the tellers work: with every transfer holding both
 * its locks, bank_total (which holds all of them) can never catch one half done. */
static void *audit_until_done(void *arg)
{
    struct auditor *me = arg;
    line_up(me->start);
    while (atomic_load(me->tellers_left) > 0) {
        long total = bank_total(me->bank);
        me->audits++;
        if (total != BANK_ACCOUNTS * OPENING) {
            me->wrong_totals++;
            me->last_wrong_total = total;
        }
    }
    return NULL;
}

START_TEST(transfers_conserve_the_total)
{
    struct bank bank;
    open_bank(&bank, BANK_ACCOUNTS, OPENING);
    struct line_up start = LINE_UP(TELLERS + 1);
    atomic_int tellers_left = TELLERS;
    struct teller tellers[TELLERS];
    struct auditor auditor = { .bank = &bank, .start = &start, .tellers_left = &tellers_left };
    for (int k = 0; k < TELLERS; k++) {
        tellers[k] = (struct teller){ .bank = &bank, .start = &start,
                                      .tellers_left = &tellers_left,
                                      .random = 0x2545F4914F6CDD1Du * (uint64_t)(k + 1) };
        thread_create(&tellers[k].thread, make_random_transfers, &tellers[k]);
    }
    thread_create(&auditor.thread, audit_until_done, &auditor);
    long moved = 0, failed = 0;
    for (int k = 0; k < TELLERS; k++) {
        thread_join(tellers[k].thread);
        moved += tellers[k].moved;
        failed += tellers[k].failed;
    }
    thread_join(auditor.thread);

    ck_assert_msg(failed == 0, "%ld of %ld transfers between valid accounts returned -1", failed,
                  TELLERS * kit_rounds(TRANSFERS_EACH));
    ck_assert_msg(moved > 0, "no transfer moved any money");
    long total = 0;
    for (size_t i = 0; i < bank.count; i++) {
        ck_assert_msg(bank.accounts[i].balance >= 0, "account %zu ended at %ld: a transfer "
                      "took money it did not have (check the balance under the locks)", i,
                      bank.accounts[i].balance);
        total += bank.accounts[i].balance;
    }
    ck_assert_msg(total == BANK_ACCOUNTS * OPENING, "after %ld transfers the bank holds %ld, "
                  "not %d: money was made or lost (hold both accounts' locks while moving it)",
                  moved, total, BANK_ACCOUNTS * OPENING);
    ck_assert_msg(auditor.wrong_totals == 0, "%ld of %ld totals taken during the transfers "
                  "were wrong (e.g. %ld, not %d): a transfer let go of a lock while the money "
                  "was half moved", auditor.wrong_totals, auditor.audits,
                  auditor.last_wrong_total, BANK_ACCOUNTS * OPENING);
    bank_destroy(&bank);
}
END_TEST

#define OPPOSITE_ROUNDS 300
#define OPPOSITE_BURST 50

struct opposite {
    pthread_t thread;
    struct bank *bank;
    struct line_up *each_round;
    size_t from, to;
    long moved;
};

/* Round after round, both threads are released at the same instant, and each makes a burst of
 * transfers of 1: one from A to B, the other from B to A. Taking the locks in argument order
 * deadlocks as soon as both hold their first lock at once, which two bursts running side by
 * side do within a few rounds. (Single transfers after each release hardly ever overlap.) */
static void *transfer_back_and_forth(void *arg)
{
    struct opposite *me = arg;
    for (int round = 0; round < OPPOSITE_ROUNDS; round++) {
        line_up(me->each_round);
        for (int k = 0; k < OPPOSITE_BURST; k++)
            me->moved += bank_transfer(me->bank, me->from, me->to, 1) == 0;
    }
    return NULL;
}

START_TEST(opposite_transfers_do_not_deadlock)
{
    struct bank bank;
    open_bank(&bank, 2, 1000000);
    struct line_up each_round = LINE_UP(2);
    struct opposite a_to_b = { .bank = &bank, .each_round = &each_round, .from = 0, .to = 1 };
    struct opposite b_to_a = { .bank = &bank, .each_round = &each_round, .from = 1, .to = 0 };
    thread_create(&a_to_b.thread, transfer_back_and_forth, &a_to_b);
    thread_create(&b_to_a.thread, transfer_back_and_forth, &b_to_a);
    thread_join(a_to_b.thread);
    thread_join(b_to_a.thread);
    long each_way = (long)OPPOSITE_ROUNDS * OPPOSITE_BURST;
    ck_assert_msg(a_to_b.moved == each_way && b_to_a.moved == each_way,
                  "of %ld transfers each way, %ld A->B and %ld B->A moved the money",
                  each_way, a_to_b.moved, b_to_a.moved);
    expect_balances(&bank, (long[]){ 1000000, 1000000 }, "as many transfers each way");
    bank_destroy(&bank);
}
END_TEST

struct transfer_call {
    pthread_t thread;
    struct bank *bank;
    size_t from, to;
    long amount;
    int result;
    atomic_bool returned;
};

static void *call_transfer(void *arg)
{
    struct transfer_call *call = arg;
    call->result = bank_transfer(call->bank, call->from, call->to, call->amount);
    atomic_store(&call->returned, true);
    return NULL;
}

/* The test holds account 0; a transfer from 1 to 0 must wait for it before taking account 1.
 * One that takes account 1 first (argument order) is caught holding it. */
START_TEST(transfer_locks_the_lower_account_first)
{
    struct bank bank;
    open_bank(&bank, 2, 100);
    struct transfer_call call = { .bank = &bank, .from = 1, .to = 0, .amount = 10 };
    mutex_lock(&bank.accounts[0].lock);
    thread_create(&call.thread, call_transfer, &call);
    give_other_threads_time();
    bool returned_early = atomic_load(&call.returned);
    bool account_1_free = mutex_trylock(&bank.accounts[1].lock);
    if (account_1_free)
        mutex_unlock(&bank.accounts[1].lock);
    mutex_unlock(&bank.accounts[0].lock);
    thread_join(call.thread);

    ck_assert_msg(!returned_early, "bank_transfer(from 1, to 0) returned while another thread "
                  "held account 0's lock: it must hold both accounts' locks");
    ck_assert_msg(account_1_free, "bank_transfer(from 1, to 0) took account 1's lock and "
                  "then waited for account 0's: locks taken in argument order deadlock two "
                  "opposite transfers. Take the lower account number first");
    ck_assert_int_eq(call.result, 0);
    expect_balances(&bank, (long[]){ 110, 90 }, "moving 10 from 1 to 0");
    bank_destroy(&bank);
}
END_TEST

/* The test holds account 1; a transfer from 0 to 1 may take account 0 and wait, but must not
 * move any money, nor let go of account 0 with the money gone from it. */
START_TEST(transfer_holds_both_locks_while_moving)
{
    struct bank bank;
    open_bank(&bank, 2, 100);
    struct transfer_call call = { .bank = &bank, .from = 0, .to = 1, .amount = 30 };
    mutex_lock(&bank.accounts[1].lock);
    thread_create(&call.thread, call_transfer, &call);
    give_other_threads_time();
    bool returned_early = atomic_load(&call.returned);
    long from_balance = 100;   /* if the transfer holds account 0, it has not moved anything */
    if (mutex_trylock(&bank.accounts[0].lock)) {
        from_balance = bank.accounts[0].balance;
        mutex_unlock(&bank.accounts[0].lock);
    }
    long to_balance = bank.accounts[1].balance;   /* ours to read: we hold account 1 */
    mutex_unlock(&bank.accounts[1].lock);
    thread_join(call.thread);

    ck_assert_msg(!returned_early, "bank_transfer(from 0, to 1) returned while another thread "
                  "held account 1's lock: lock both accounts, not only the one paying");
    ck_assert_msg(to_balance == 100, "account 1 changed to %ld while another thread held its "
                  "lock", to_balance);
    ck_assert_msg(from_balance == 100, "while account 1 was locked elsewhere, account 0 was "
                  "free and held %ld, not 100: the money had left it and arrived nowhere. Hold "
                  "both locks from before the check until after the money has moved",
                  from_balance);
    ck_assert_int_eq(call.result, 0);
    expect_balances(&bank, (long[]){ 70, 130 }, "moving 30 from 0 to 1");
    bank_destroy(&bank);
}
END_TEST

#define SPENDERS 4

/* Account 0 holds 100 and four threads each try to move all 100 out of it at once. The test
 * holds account 0 until all four have run up to it: a transfer that checks the balance before
 * locking sees 100 four times. Exactly one may succeed. */
START_TEST(transfer_checks_the_balance_under_the_locks)
{
    struct bank bank;
    open_bank(&bank, SPENDERS + 1, 100);
    struct transfer_call calls[SPENDERS];
    mutex_lock(&bank.accounts[0].lock);
    for (int k = 0; k < SPENDERS; k++) {
        calls[k] = (struct transfer_call){ .bank = &bank, .from = 0, .to = (size_t)k + 1,
                                           .amount = 100 };
        thread_create(&calls[k].thread, call_transfer, &calls[k]);
    }
    give_other_threads_time();
    mutex_unlock(&bank.accounts[0].lock);
    int moved = 0, refused = 0;
    for (int k = 0; k < SPENDERS; k++) {
        thread_join(calls[k].thread);
        moved += calls[k].result == 0;
        refused += calls[k].result == 1;
    }
    ck_assert_msg(moved == 1 && refused == SPENDERS - 1, "%d transfers of 100 from an account "
                  "holding 100: %d moved and %d were refused, expected 1 and %d (check the "
                  "balance after taking the locks, not before)", SPENDERS, moved, refused,
                  SPENDERS - 1);
    ck_assert_msg(bank.accounts[0].balance == 0, "account 0 ended at %ld, expected 0",
                  bank.accounts[0].balance);
    ck_assert_int_eq(bank_total(&bank), (SPENDERS + 1) * 100);
    bank_destroy(&bank);
}
END_TEST

/* ---- exercises 3 and 4: spinlocks ---------------------------------------------------------- */

/* The two spinlocks behind one face, so that both get the same tests. */
union any_spinlock {
    struct tas_spinlock tas;
    struct ttas_spinlock ttas;
};

struct spinlock_kind {
    const char *name;
    int (*init)(union any_spinlock *);
    void (*lock)(union any_spinlock *);
    void (*unlock)(union any_spinlock *);
};

static int tas_init_any(union any_spinlock *l) { return tas_init(&l->tas); }
static void tas_lock_any(union any_spinlock *l) { tas_lock(&l->tas); }
static void tas_unlock_any(union any_spinlock *l) { tas_unlock(&l->tas); }
static int ttas_init_any(union any_spinlock *l) { return ttas_init(&l->ttas); }
static void ttas_lock_any(union any_spinlock *l) { ttas_lock(&l->ttas); }
static void ttas_unlock_any(union any_spinlock *l) { ttas_unlock(&l->ttas); }

static const struct spinlock_kind tas_kind = { "tas", tas_init_any, tas_lock_any,
                                               tas_unlock_any };
static const struct spinlock_kind ttas_kind = { "ttas", ttas_init_any, ttas_lock_any,
                                                ttas_unlock_any };

/* A lock whose memory starts as "held" garbage, so an init that does not free it shows. */
static void init_spinlock(const struct spinlock_kind *kind, union any_spinlock *lock)
{
    memset(lock, 0xFF, sizeof *lock);
    errno = 0;
    int result = kind->init(lock);
    ck_assert_msg(result == 0, "%s_init returned %d (errno: %s), expected 0", kind->name,
                  result, strerror(errno));
}

/* One thread alone: lock, unlock, and again. An unlock that does not free the lock, or an
 * init that leaves it held, makes a lock spin forever: the test then times out. */
static void check_lock_unlock_in_turn(const struct spinlock_kind *kind)
{
    union any_spinlock lock;
    init_spinlock(kind, &lock);
    for (int k = 0; k < 3; k++) {
        kind->lock(&lock);
        kind->unlock(&lock);
    }
}

START_TEST(tas_locks_and_unlocks_in_turn) { check_lock_unlock_in_turn(&tas_kind); }
END_TEST
START_TEST(ttas_locks_and_unlocks_in_turn) { check_lock_unlock_in_turn(&ttas_kind); }
END_TEST

#define SPINNERS 4
#define ENTRIES_EACH 250000

struct exclusion_check {
    const struct spinlock_kind *kind;
    union any_spinlock lock;
    struct line_up start;
    atomic_int inside;       /* threads between lock() and unlock() right now */
    atomic_long overlaps;    /* times a thread came in and found another inside */
    long count;              /* a plain variable, guarded by the lock */
};

/* The watch on `inside` is relaxed, so that nothing but the lock orders one holder's
 * critical section before the next one's: a sequentially consistent fetch_sub on the way out
 * and fetch_add on the way in would do the lock's job of publishing `count`, and
 * ThreadSanitizer could not see a lock that takes and releases without acquire and release.
 * (Atomic read-modify-writes of one variable are still one total order: an overlap shows.) */
static void *enter_many_times(void *arg)
{
    struct exclusion_check *check = arg;
    line_up(&check->start);
    for (long i = 0; i < kit_rounds(ENTRIES_EACH); i++) {
        check->kind->lock(&check->lock);
        if (atomic_fetch_add_explicit(&check->inside, 1, memory_order_relaxed) != 0)
            atomic_fetch_add_explicit(&check->overlaps, 1, memory_order_relaxed);
        long seen = check->count;   /* read and write apart: an overlap loses an increment */
        check->count = seen + 1;
        atomic_fetch_sub_explicit(&check->inside, 1, memory_order_relaxed);
        check->kind->unlock(&check->lock);
    }
    return NULL;
}

/* Four threads, lined up, each entering 250000 times (in the plain run, see kit_rounds):
 * never two inside at once. A lock that tests and sets in two steps lets two threads in only
 * when both see it free in the same few nanoseconds, so it takes many hand-overs to catch:
 * fewer than a million, and it slips through now and then on some processors. */
static void check_mutual_exclusion(const struct spinlock_kind *kind)
{
    static struct exclusion_check check = { .start = LINE_UP(SPINNERS) };
    check.kind = kind;
    init_spinlock(kind, &check.lock);
    pthread_t threads[SPINNERS];
    for (int k = 0; k < SPINNERS; k++)
        thread_create(&threads[k], enter_many_times, &check);
    for (int k = 0; k < SPINNERS; k++)
        thread_join(threads[k]);
    long overlaps = atomic_load(&check.overlaps);
    long entries = SPINNERS * kit_rounds(ENTRIES_EACH);
    ck_assert_msg(overlaps == 0 && check.count == entries,
                  "%d threads took the %s lock %ld times in all: %ld times a thread got in "
                  "while another was inside, and the count they guarded is %ld, not %ld. "
                  "Deciding that the lock is free and taking it must be one atomic step",
                  SPINNERS, kind->name, entries, overlaps, check.count, entries);
}

START_TEST(tas_lets_one_thread_in_at_a_time) { check_mutual_exclusion(&tas_kind); }
END_TEST
START_TEST(ttas_lets_one_thread_in_at_a_time) { check_mutual_exclusion(&ttas_kind); }
END_TEST

struct spin_call {
    const struct spinlock_kind *kind;
    union any_spinlock *lock;
    atomic_bool entered;
};

static void *take_and_release(void *arg)
{
    struct spin_call *call = arg;
    call->kind->lock(call->lock);
    atomic_store(&call->entered, true);
    call->kind->unlock(call->lock);
    return NULL;
}

/* The test holds the lock; another thread's lock() must not return until the test unlocks. */
static void check_lock_waits_while_held(const struct spinlock_kind *kind)
{
    union any_spinlock lock;
    init_spinlock(kind, &lock);
    struct spin_call call = { .kind = kind, .lock = &lock };
    kind->lock(&lock);
    pthread_t thread;
    thread_create(&thread, take_and_release, &call);
    give_other_threads_time();
    bool entered_early = atomic_load(&call.entered);
    kind->unlock(&lock);
    thread_join(thread);
    ck_assert_msg(!entered_early, "%s_lock returned in another thread while the test held the "
                  "lock: it must spin until the lock is free", kind->name);
    ck_assert(atomic_load(&call.entered));
}

START_TEST(tas_lock_waits_while_held) { check_lock_waits_while_held(&tas_kind); }
END_TEST
START_TEST(ttas_lock_waits_while_held) { check_lock_waits_while_held(&ttas_kind); }
END_TEST

/* A lock is taken in one atomic step, or a rival can slip in between the step that finds it
 * free and the step that marks it held. That gap lasts a few nanoseconds, and on some
 * processors it almost never shows, so this test makes the rival come in exactly there
 * (rival.h): the thread's first write to the lock is held up while a rival takes the lock (it
 * was free, or the thread would not be writing). An atomic test-and-set or exchange then runs
 * again, finds the lock held and keeps waiting; a plain store marks it held and walks in
 * beside the rival. */
static const struct spinlock_kind *rival_kind;
static union any_spinlock *rival_lock;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_takes_the_lock(void)
{
    if (rival_kind == &tas_kind)
        atomic_flag_test_and_set(&rival_lock->tas.held);
    else
        atomic_exchange(&rival_lock->ttas.held, true);
}

static void *take_and_leave(void *arg)
{
    struct spin_call *call = arg;
    call->kind->lock(call->lock);
    atomic_store(&call->entered, true);
    call->kind->unlock(call->lock);
    return NULL;
}

static void check_lock_is_one_atomic_step(const struct spinlock_kind *kind)
{
    rival_kind = kind;
    rival_lock = rival_memory(sizeof *rival_lock);
    init_spinlock(kind, rival_lock);
    rival_arm(rival_lock, sizeof *rival_lock, rival_takes_the_lock);

    struct spin_call call = { .kind = kind, .lock = rival_lock };
    pthread_t thread;
    thread_create(&thread, take_and_leave, &call);
    /* Until the thread has tried to write the lock or has gone in without writing it (a
     * right lock writes within moments; 8 s, and more with CK_TIMEOUT_MULTIPLIER, is for a
     * machine so busy that the thread hardly runs), then a moment more, in which a right lock
     * keeps spinning. */
    double patience = kit_scaled_seconds(8);
    for (double waited = 0; waited < patience; waited += 0.05) {
        if (rival_has_run() || atomic_load(&call.entered))
            break;
        give_other_threads_time();
    }
    bool tried_to_write = rival_has_run();
    give_other_threads_time();
    bool entered_beside_rival = atomic_load(&call.entered);
    kind->unlock(rival_lock);   /* the rival lets go: the thread may have it now */
    thread_join(thread);
    rival_release(rival_lock, sizeof *rival_lock);

    ck_assert_msg(tried_to_write, "%s_lock never wrote to the lock: taking a lock must mark it "
                  "held", kind->name);
    ck_assert_msg(!entered_beside_rival, "another thread took the %s lock between your check "
                  "that it was free and your write that marked it held, and your thread went in "
                  "anyway: two threads inside. Find it free and take it in one atomic step "
                  "(test-and-set, exchange), and go in only if that step found it free",
                  kind->name);
    ck_assert(atomic_load(&call.entered));
}

START_TEST(tas_takes_the_lock_in_one_atomic_step) { check_lock_is_one_atomic_step(&tas_kind); }
END_TEST
START_TEST(ttas_takes_the_lock_in_one_atomic_step) { check_lock_is_one_atomic_step(&ttas_kind); }
END_TEST

/* ---- given: the bank's finished functions ------------------------------------------------ */

START_TEST(bank_opens_accounts_and_adds_them_up)
{
    struct bank bank;
    open_bank(&bank, 5, 250);
    ck_assert_int_eq(bank.count, 5);
    for (size_t i = 0; i < bank.count; i++)
        ck_assert_int_eq(bank.accounts[i].balance, 250);
    ck_assert_int_eq(bank_total(&bank), 1250);
    bank_destroy(&bank);
    errno = 0;
    ck_assert(bank_init(&bank, 0, 10) == -1 && errno == EINVAL);
    errno = 0;
    ck_assert(bank_init(&bank, 3, -1) == -1 && errno == EINVAL);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("03-locks");

    TCase *given = kit_tcase("given", 0);
    tcase_add_test(given, bank_opens_accounts_and_adds_them_up);
    suite_add_tcase(suite, given);

    TCase *counter = kit_tcase("exercise 1", 0);
    tcase_add_test(counter, counter_starts_at_zero_and_adds);
    tcase_add_test(counter, counter_keeps_every_increment_of_many_threads);
    tcase_add_test(counter, counter_add_and_read_wait_for_the_lock);
    suite_add_tcase(suite, counter);

    /* A transfer that deadlocks in the kit's mutex_lock fails its test at once (the kit's
     * deadlock watchdog); one that hangs any other way times out, after 15 s: many times what
     * a right one needs, even with every core busy. */
    TCase *bank = kit_tcase("exercise 2", 15);
    tcase_add_test(bank, transfer_moves_money_and_refuses_overdrafts);
    tcase_add_test(bank, transfer_rejects_bad_arguments);
    tcase_add_test(bank, transfers_conserve_the_total);
    tcase_add_test(bank, opposite_transfers_do_not_deadlock);
    tcase_add_test(bank, transfer_locks_the_lower_account_first);
    tcase_add_test(bank, transfer_holds_both_locks_while_moving);
    tcase_add_test(bank, transfer_checks_the_balance_under_the_locks);
    suite_add_tcase(suite, bank);

    TCase *tas = kit_tcase("exercise 3", 0);
    tcase_add_test(tas, tas_locks_and_unlocks_in_turn);
    tcase_add_test(tas, tas_lets_one_thread_in_at_a_time);
    tcase_add_test(tas, tas_lock_waits_while_held);
    tcase_add_test(tas, tas_takes_the_lock_in_one_atomic_step);
    suite_add_tcase(suite, tas);

    TCase *ttas = kit_tcase("exercise 4", 0);
    tcase_add_test(ttas, ttas_locks_and_unlocks_in_turn);
    tcase_add_test(ttas, ttas_lets_one_thread_in_at_a_time);
    tcase_add_test(ttas, ttas_lock_waits_while_held);
    tcase_add_test(ttas, ttas_takes_the_lock_in_one_atomic_step);
    suite_add_tcase(suite, ttas);

    return suite;
}
