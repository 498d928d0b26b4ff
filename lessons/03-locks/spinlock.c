/* spinlock.c - two spinlocks built on C11 atomics: test-and-set, and test-and-test-and-set.
 *
 * This is the file you edit for exercises 3 and 4, each function marked TODO(exercise N).
 * README.md says what to do, and `make hint EX=3` or `make hint EX=4` helps when you are stuck.
 * spinlock.h is the contract: keep the two structs as they are. Use only <stdatomic.h> here;
 * no pthread calls, no sleeping: a spinlock waits by looping.
 */
#include "spinlock.h"

#include <errno.h>

/* ---- Exercise 3: test-and-set -------------------------------------------------------------- */

int tas_init(struct tas_spinlock *lock)
{
    /* TODO(exercise 3): make the lock free (clear its flag) and return 0. */
    (void)lock;
    errno = ENOSYS;   /* "not implemented": the demo prints that this exercise is not done */
    return -1;
}

void tas_lock(struct tas_spinlock *lock)
{
    /* TODO(exercise 3): loop until atomic_flag_test_and_set() says the flag was clear before
     * this call set it: then, and only then, the lock is yours. */
    (void)lock;
}

void tas_unlock(struct tas_spinlock *lock)
{
    /* TODO(exercise 3): release the lock: clear the flag. */
    (void)lock;
}

/* ---- Exercise 4: test-and-test-and-set ----------------------------------------------------- */

int ttas_init(struct ttas_spinlock *lock)
{
    /* TODO(exercise 4): make the lock free (held = false) and return 0. */
    (void)lock;
    errno = ENOSYS;
    return -1;
}

void ttas_lock(struct ttas_spinlock *lock)
{
    /* TODO(exercise 4): wait with relaxed atomic loads while the lock is held; when it looks
     * free, try to take it with one atomic exchange, and start again if someone was faster. */
    (void)lock;
}

void ttas_unlock(struct ttas_spinlock *lock)
{
    /* TODO(exercise 4): release the lock: held = false. */
    (void)lock;
}
