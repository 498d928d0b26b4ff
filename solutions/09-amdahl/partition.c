/* partition.c - sharing numbered items among workers (see partition.h).
 *
 * The reference solution of exercise 2.
 */
#include "partition.h"

const char *split_name(enum split split)
{
    switch (split) {
    case SPLIT_BLOCKS: return "blocks";
    case SPLIT_ROUND_ROBIN: return "round-robin";
    case SPLIT_DYNAMIC: return "dynamic";
    }
    return "?";
}

void partition_init(struct partition *partition, enum split split, long count,
                    unsigned workers)
{
    partition->split = split;
    partition->count = count;
    partition->workers = workers;
    long base = count / workers, extra = count % workers;
    for (unsigned w = 0; w < workers; w++) {
        if (split == SPLIT_BLOCKS) {
            /* The first `extra` blocks get one item more, so sizes differ by at most one. */
            partition->next[w] = w * base + (w < extra ? w : extra);
            partition->end[w] = partition->next[w] + base + (w < extra ? 1 : 0);
        } else {
            partition->next[w] = w;   /* round robin: worker w starts at item w */
            partition->end[w] = count;
        }
    }
    atomic_init(&partition->next_shared, 0);
}

bool next_item(struct partition *partition, unsigned worker, long *item)
{
    switch (partition->split) {
    case SPLIT_BLOCKS:
        if (partition->next[worker] >= partition->end[worker])
            return false;
        *item = partition->next[worker]++;
        return true;
    case SPLIT_ROUND_ROBIN:
        if (partition->next[worker] >= partition->count)
            return false;
        *item = partition->next[worker];
        partition->next[worker] += partition->workers;
        return true;
    case SPLIT_DYNAMIC: {
        /* One indivisible step: every caller gets a different number. Relaxed is enough:
         * the counter only hands out numbers, it publishes no other data. */
        long taken = atomic_fetch_add_explicit(&partition->next_shared, 1, memory_order_relaxed);
        if (taken >= partition->count)
            return false;
        *item = taken;
        return true;
    }
    }
    return false;
}
