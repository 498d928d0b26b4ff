/* cas.c - the compare-and-swap loop: a counter and a maximum (exercise 1).
 *
 * This is a file you edit: exercise 1 is cas_add() and cas_max() below.
 */
#include "cas.h"

#include <errno.h>

long cas_add(atomic_long *counter, long amount)
{
    /* TODO(exercise 1): load the counter, then try to replace what you loaded with it plus
     * amount (atomic_compare_exchange_weak); when that fails, try again from the value it
     * found. Return the value you replaced. */
    (void)counter;
    (void)amount;
    errno = ENOSYS;
    return 0;
}

long cas_max(atomic_long *maximum, long value)
{
    /* TODO(exercise 1): load the maximum; while value is bigger than it, try to replace it with
     * value; when that fails, the maximum changed: decide again with the value found. Return
     * the maximum you found last. */
    (void)maximum;
    (void)value;
    errno = ENOSYS;
    return 0;
}
