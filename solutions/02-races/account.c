/* account.c - withdrawals from a shared account: check-then-act, wrong and right.
 *
 * The reference solution of exercise 2: account_withdraw().
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
    /* The lock makes check and act one step as far as other withdrawals are concerned:
     * whoever holds it sees a balance that nobody else can change until it lets go. */
    mutex_lock(&account->lock);
    bool enough = account->balance >= amount;   /* check */
    if (enough) {
        race_window();                          /* no one else can get in now */
        account->balance -= amount;             /* act */
    }
    mutex_unlock(&account->lock);
    return enough;
}
