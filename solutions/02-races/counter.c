/* counter.c - the shared counter, wrong and right.
 *
 * The reference solution of exercise 1: counter_add_atomic().
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
    /* One read-modify-write the hardware does indivisibly (on x86-64, `lock add`, since the old
     * value is not used; `lock xadd` when it is): no other
     * thread can get between the read and the write. The default ordering, sequentially
     * consistent, is more than a counter needs (memory_order_relaxed would do, since the
     * threads' joins publish the total), but it is never wrong. */
    atomic_fetch_add(counter, 1);
}
