/* batch.c - exercise 4: one job per image, on several threads (see batch.h).
 *
 * The reference solution.
 */
#include "batch.h"

#include <errno.h>

#include "share.h"
#include "sync.h"

const char *schedule_name(enum schedule schedule)
{
    return schedule == SCHEDULE_STATIC ? "static" : "dynamic";
}

/* The finished example: every image in turn, on the calling thread. */
long run_sequential(size_t count, image_job job, void *context)
{
    long failed = 0;
    for (size_t i = 0; i < count; i++)
        if (job(i, 0, context) != 0)
            failed++;   /* reported by the job; go on with the next image */
    return failed;
}

/* What one worker needs. Each worker has its own, so that no worker reads a number that the
 * loop starting the threads has already moved on; and it writes its failure count only here,
 * in its own struct, which the caller reads after the join. */
struct worker {
    unsigned number;
    size_t count;
    unsigned workers;
    enum schedule schedule;
    struct shared_index *shared;   /* dynamic: the one counter every worker takes from */
    image_job job;
    void *context;
    long failed;
};

static void *work(void *argument)
{
    struct worker *worker = argument;
    worker->failed = 0;
    if (worker->schedule == SCHEDULE_STATIC) {
        size_t begin, end;
        static_block(worker->count, worker->workers, worker->number, &begin, &end);
        for (size_t i = begin; i < end; i++)
            if (worker->job(i, worker->number, worker->context) != 0)
                worker->failed++;   /* a bad image stops nothing: on to the next */
    } else {
        size_t i;
        while (take_next(worker->shared, &i))
            if (worker->job(i, worker->number, worker->context) != 0)
                worker->failed++;
    }
    return NULL;
}

long run_batch(size_t count, unsigned workers, enum schedule schedule, image_job job,
               void *context)
{
    if (workers < 1 || workers > BATCH_MAX_WORKERS) {
        errno = EINVAL;
        return -1;
    }
    struct shared_index shared;
    shared_index_init(&shared, count);
    pthread_t threads[BATCH_MAX_WORKERS];
    struct worker arguments[BATCH_MAX_WORKERS];
    for (unsigned w = 0; w < workers; w++) {
        arguments[w] = (struct worker){ .number = w, .count = count, .workers = workers,
                                        .schedule = schedule, .shared = &shared, .job = job,
                                        .context = context };
        thread_create(&threads[w], work, &arguments[w]);
    }
    /* Join them all before reading any result: thread_join is also what makes each worker's
     * writes (its failure count, its images' outputs) visible to this thread. */
    long failed = 0;
    for (unsigned w = 0; w < workers; w++)
        thread_join(threads[w]);
    for (unsigned w = 0; w < workers; w++)
        failed += arguments[w].failed;
    return failed;
}
