/* workers.c - see workers.h. */
#include "workers.h"

#include <pthread.h>

#include "sync.h"

struct worker {
    struct partition *partition;
    unsigned number;
    void (*do_item)(long item, void *context);
    void *context;
};

static void *work(void *arg)
{
    const struct worker *worker = arg;
    long item;
    while (next_item(worker->partition, worker->number, &item))
        worker->do_item(item, worker->context);
    return NULL;
}

void run_workers(struct partition *partition, void (*do_item)(long item, void *context),
                 void *context)
{
    pthread_t threads[MAX_WORKERS];
    struct worker workers[MAX_WORKERS];
    for (unsigned w = 0; w < partition->workers; w++) {
        workers[w] = (struct worker){ partition, w, do_item, context };
        thread_create(&threads[w], work, &workers[w]);
    }
    for (unsigned w = 0; w < partition->workers; w++)
        thread_join(threads[w]);
}
