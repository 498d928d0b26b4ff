/* counter.c - the shared counter, wrong and right.
 *
 * This is a file you edit: exercise 1 is counter_add_atomic() below.
 */
#include "counter.h"

#include "race_window.h"
#include "trace.h"

/* counter++ is not one step: the processor loads the value, adds one, and stores the sum.
 * Written out in C, each step stands on its own line. Two threads that both load before
 * either stores both store the same sum, and one increment is lost. It is also a data race,
 * which the C standard makes undefined behaviour: ThreadSanitizer reports it (`make tsan`). */
void counter_add_racy(long *counter)
{
    long value = *counter;                       /* load */
    trace_note("read counter = %ld", value);
    race_window();                               /* the other thread may run here */
    *counter = value + 1;                        /* add, and store */
    trace_note("wrote counter = %ld", value + 1);
}

void counter_add_atomic(atomic_long *counter)
{
    /* TODO(exercise 1): add 1 to *counter as one indivisible step, with a function from
     * <stdatomic.h>. Reading it and then writing it back (even with atomic_load and
     * atomic_store) is two steps, with the same window as counter_add_racy. */
    (void)counter;
}
