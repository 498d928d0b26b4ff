/* partition.h - three ways to share `count` numbered items among `workers` threads.
 *
 * Each worker asks next_item() for the next item it should do, until it says there are none.
 * However the items are shared out, every item must be done exactly once.
 *   blocks       worker w takes one contiguous block: the first workers take the first items
 *   round robin  worker w takes items w, w + workers, w + 2 * workers, ...
 *   dynamic      whoever is free takes the next item not yet taken (a shared atomic counter)
 * Blocks and round robin are decided in advance (static scheduling); dynamic adapts to items
 * of unequal cost, at the price of touching one shared counter per item.
 */
#ifndef PARTITION_H
#define PARTITION_H

#include <stdatomic.h>
#include <stdbool.h>

#define MAX_WORKERS 256

enum split { SPLIT_BLOCKS, SPLIT_ROUND_ROBIN, SPLIT_DYNAMIC };

struct partition {
    enum split split;
    long count;                     /* items 0 .. count-1 */
    unsigned workers;
    long next[MAX_WORKERS];         /* blocks, round robin: each worker's next item */
    long end[MAX_WORKERS];          /* blocks: where each worker's block ends */
    atomic_long next_shared;        /* dynamic: the next item nobody has taken */
};

/* Exercise 2. Prepares the partition of `count` items among `workers` workers
 * (1 <= workers <= MAX_WORKERS). Blocks differ in size by at most one. */
void partition_init(struct partition *partition, enum split split, long count,
                     unsigned workers);

/* Exercise 2. Stores in *item the next item for worker `worker` and returns true, or returns
 * false when that worker has nothing left. Safe to call from all workers at once, each with
 * its own worker number. */
bool next_item(struct partition *partition, unsigned worker, long *item);

/* The name of a split, for tables: "blocks", "round-robin", "dynamic". */
const char *split_name(enum split split);

#endif
