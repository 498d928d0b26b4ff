/* account.c - withdrawals from a shared account: check-then-act, wrong and right.
 *
 * This is a file you edit: exercise 2 is account_withdraw() below.
 */
#include "account.h"

#include "race_window.h"
#include "sync.h"

void account_init(struct account *account, long balance)
{
    account->balance = balance;
    mutex_init(&account->lock);
}

void account_destroy(struct account *account)
{
    mutex_destroy(&account->lock);
}

/* Check, then act. Each half is fine alone; the bug is the gap between them. Two threads
 * that both pass the check before either acts both take the money. */
bool account_withdraw_racy(struct account *account, long amount)
{
    if (account->balance < amount)   /* check */
        return false;
    race_window();                   /* the other thread may run here */
    account->balance -= amount;      /* act */
    return true;
}

bool account_withdraw(struct account *account, long amount)
{
    /* TODO(exercise 2): do what account_withdraw_racy does, but so that no other thread can
     * run between the check and the act. Use account->lock (mutex_lock and mutex_unlock from
     * sync.h), and keep the race_window() call between the check and the act: the tests use it
     * to force the interleaving that breaks the racy version. */
    (void)account;
    (void)amount;
    return false;
}
