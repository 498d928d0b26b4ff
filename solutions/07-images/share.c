/* share.c - exercise 3: sharing out the images, statically and dynamically (see share.h).
 *
 * The reference solution.
 */
#include "share.h"

void shared_index_init(struct shared_index *shared, size_t count)
{
    atomic_init(&shared->next, 0);
    shared->count = count;
}

void static_block(size_t count, unsigned workers, unsigned worker, size_t *begin, size_t *end)
{
    size_t base = count / workers, extra = count % workers;
    /* The workers before this one: all of them have base images, and the first `extra` of
     * them one more. */
    *begin = worker * base + (worker < extra ? worker : extra);
    *end = *begin + base + (worker < extra ? 1 : 0);
}

bool take_next(struct shared_index *shared, size_t *index)
{
    /* One indivisible read-and-advance: every call gets a different number. Relaxed order is
     * enough, as the counter publishes no other data: each image's input is ready before the
     * threads start, and its output is read only after they have been joined. */
    size_t taken = atomic_fetch_add_explicit(&shared->next, 1, memory_order_relaxed);
    if (taken >= shared->count)
        return false;
    *index = taken;
    return true;
}
