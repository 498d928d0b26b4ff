/* pool.c - a worker pool on the bounded queue of exercise 1.
 *
 * The reference solution of exercise 2: pool_run().
 */
#include "pool.h"

#include <errno.h>
#include <stdbool.h>

#include "queue.h"
#include "sync.h"

/* What every worker shares: the queue of job numbers, and where inputs and results are. */
struct pool {
    struct queue jobs;     /* job numbers: indexes into inputs and results */
    job_fn job;
    const long *inputs;
    long *results;
};

/* A worker takes job after job until the queue is closed and empty. No lock around results:
 * the queue hands every job number to exactly one worker, so no two workers write the same
 * place, and pool_run() joins the workers before anyone reads the results. */
static void *work(void *argument)
{
    struct pool *pool = argument;
    long index;
    while (queue_get(&pool->jobs, &index))
        pool->results[index] = pool->job(pool->inputs[index]);
    return NULL;
}

int pool_run(job_fn job, const long *inputs, long *results, size_t count, unsigned workers,
             size_t queue_capacity)
{
    if (workers == 0 || workers > POOL_MAX_WORKERS || queue_capacity == 0) {
        errno = EINVAL;
        return -1;
    }
    struct pool pool = { .job = job, .inputs = inputs, .results = results };
    queue_init(&pool.jobs, queue_capacity);
    pthread_t threads[POOL_MAX_WORKERS];
    for (unsigned w = 0; w < workers; w++)
        thread_create(&threads[w], work, &pool);

    /* The caller is the producer. When the queue is full, queue_put waits for a worker to
     * take a job: the caller never runs more than queue_capacity jobs ahead of the workers. */
    bool refused = false;
    for (size_t i = 0; i < count && !refused; i++)
        refused = !queue_put(&pool.jobs, (long)i);

    /* Close before joining: a worker returns only once queue_get says "closed and empty".
     * Joining first would wait for ever for workers that wait for ever for more jobs. */
    queue_close(&pool.jobs);
    for (unsigned w = 0; w < workers; w++)
        thread_join(threads[w]);
    queue_destroy(&pool.jobs);
    if (refused) {
        errno = EPIPE;
        return -1;
    }
    return 0;
}
