/* bank.h - accounts with a lock each, and transfers between them that neither lose money nor
 * deadlock.
 *
 * One lock for the whole bank would be correct, but it would let only one transfer run at a
 * time. A lock per account lets transfers between different accounts run at once; the price is
 * that a transfer must hold two locks, and two threads that take two locks in opposite orders
 * can each end up holding one and waiting for the other forever: a deadlock.
 */
#ifndef BANK_H
#define BANK_H

#include <pthread.h>
#include <stddef.h>

struct account {
    pthread_mutex_t lock;   /* guards balance */
    long balance;
};

struct bank {
    size_t count;               /* accounts are numbered 0 .. count-1 */
    struct account *accounts;
};

/* Given. Opens `count` accounts holding `opening_balance` each. Returns 0, or -1 with errno
 * set (EINVAL if count is 0 or the balance negative, ENOMEM if out of memory). */
int bank_init(struct bank *bank, size_t count, long opening_balance);

/* Given. Closes every account and frees them. No thread may use the bank any more. */
void bank_destroy(struct bank *bank);

/* Given. The sum of every balance, taken while holding every account's lock at once (locked
 * in order of account number), so no transfer can be half done while it counts. */
long bank_total(struct bank *bank);

/* Exercise 2. Moves `amount` from account `from` to account `to` while holding the locks of
 * both, so no other thread ever sees the money in neither account or in both. The two locks
 * are always taken in the same global order, lower account number first, whichever way the
 * money goes: that is what makes a deadlock impossible. The balance is checked under the locks.
 *
 * Returns 0 when the money moved; 1 when `from` holds less than `amount`, in which case
 * nothing changes; and -1 with errno = EINVAL, changing nothing, when an account number is not
 * below bank->count, when from == to, or when amount is not positive. */
int bank_transfer(struct bank *bank, size_t from, size_t to, long amount);

#endif
