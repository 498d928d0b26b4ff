/* workers.h - run a partition's items on its workers, one thread each. */
#ifndef WORKERS_H
#define WORKERS_H

#include "partition.h"

/* Starts partition->workers threads; worker w calls do_item(item, context) for every item
 * next_item(partition, w, ...) hands it, and run_workers returns once all have finished. */
void run_workers(struct partition *partition, void (*do_item)(long item, void *context),
                 void *context);

#endif
