/* bank.c - accounts with a lock each, and transfers between them that neither lose money nor
 * deadlock.
 *
 * Two rules make transfers safe:
 *   - hold both accounts' locks for the whole transfer, the balance check included, so no
 *     thread ever sees the money half moved, nor two transfers both spend the same money;
 *   - take the two locks in one global order (lower account number first), whichever way the
 *     money goes. A deadlock needs a cycle of threads, each holding a lock the next one wants;
 *     when every thread takes its locks in increasing order, the thread holding the highest
 *     lock of such a cycle could only be waiting for a higher one, so there is no cycle.
 */
#include "bank.h"

#include <errno.h>
#include <stdlib.h>

#include "sync.h"

/* ---- Given: opening, closing and counting ------------------------------------------------ */

int bank_init(struct bank *bank, size_t count, long opening_balance)
{
    if (count == 0 || opening_balance < 0) {
        errno = EINVAL;
        return -1;
    }
    bank->accounts = malloc(count * sizeof *bank->accounts);
    if (bank->accounts == NULL)
        return -1;   /* malloc has set errno to ENOMEM */
    bank->count = count;
    for (size_t i = 0; i < count; i++) {
        mutex_init(&bank->accounts[i].lock);
        bank->accounts[i].balance = opening_balance;
    }
    return 0;
}

void bank_destroy(struct bank *bank)
{
    for (size_t i = 0; i < bank->count; i++)
        mutex_destroy(&bank->accounts[i].lock);
    free(bank->accounts);
    bank->accounts = NULL;
    bank->count = 0;
}

long bank_total(struct bank *bank)
{
    /* Every lock at once, lowest account number first: the order transfers take theirs in
     * too, so this cannot deadlock with them. While we hold them all, no transfer is half
     * done, and the sum is exact. */
    for (size_t i = 0; i < bank->count; i++)
        mutex_lock(&bank->accounts[i].lock);
    long total = 0;
    for (size_t i = 0; i < bank->count; i++)
        total += bank->accounts[i].balance;
    for (size_t i = bank->count; i-- > 0;)
        mutex_unlock(&bank->accounts[i].lock);
    return total;
}

/* ---- Exercise 2: a transfer ----------------------------------------------------------------- */

int bank_transfer(struct bank *bank, size_t from, size_t to, long amount)
{
    /* Checked before any lock: locking one account twice would deadlock this thread with
     * itself (a default mutex is not recursive). */
    if (from >= bank->count || to >= bank->count || from == to || amount <= 0) {
        errno = EINVAL;
        return -1;
    }
    struct account *first = &bank->accounts[from < to ? from : to];
    struct account *second = &bank->accounts[from < to ? to : from];
    mutex_lock(&first->lock);
    mutex_lock(&second->lock);

    /* The check belongs under the locks: checked before them, two transfers could both see
     * enough money and both take it. */
    int result = 1;
    if (bank->accounts[from].balance >= amount) {
        bank->accounts[from].balance -= amount;
        bank->accounts[to].balance += amount;
        result = 0;
    }

    /* One way out, so both unlocks happen on every path. */
    mutex_unlock(&second->lock);
    mutex_unlock(&first->lock);
    return result;
}
