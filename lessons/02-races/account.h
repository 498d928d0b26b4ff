/* account.h - a bank account that several threads withdraw from. */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <pthread.h>
#include <stdbool.h>

struct account {
    long balance;
    pthread_mutex_t lock;    /* for account_withdraw(); initialised by account_init() */
};

void account_init(struct account *account, long balance);
void account_destroy(struct account *account);

/* The racy withdrawal: check that the money is there, then take it. Between the check and
 * the act another thread can take the same money: check-then-act. Returns whether it paid. */
bool account_withdraw_racy(struct account *account, long amount);

/* Exercise 2: the same, with the check and the act made one, so an account never pays out
 * more than it holds however many threads withdraw at once. Keeps the race_window() call
 * between check and act: the tests use it to force the bad interleaving. */
bool account_withdraw(struct account *account, long amount);

#endif
