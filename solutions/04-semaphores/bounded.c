/* bounded.c - one thread per job, at most `limit` jobs at once (bounded.h).
 *
 * The reference solution of exercise 2: run_bounded.
 */
#include "bounded.h"

#include <errno.h>
#include <stdlib.h>

#include "counting_semaphore.h"
#include "sync.h"

/* What every thread shares: the job and the semaphore that bounds it. */
struct shared {
    job_fn job;
    struct semaphore *slots;
};

/* What one thread gets: its own input and where its own result goes. */
struct one_job {
    const struct shared *shared;
    long input;
    long *result;
};

static void *run_one_job(void *arg)
{
    const struct one_job *mine = arg;
    /* Take a slot before the job and give it back after: between the two, this job counts
     * against the limit. Every thread takes exactly one unit and posts exactly one, so the
     * count is back at `limit` when all are done. */
    semaphore_wait(mine->shared->slots);
    *mine->result = mine->shared->job(mine->input);
    semaphore_post(mine->shared->slots);
    return NULL;
}

int run_bounded(job_fn job, const long *inputs, long *results, size_t count, unsigned limit,
                struct semaphore *slots)
{
    if (limit == 0) {
        errno = EINVAL;   /* a semaphore at 0 that nobody posts would block every job forever */
        return -1;
    }
    pthread_t *threads = malloc(count * sizeof *threads);
    struct one_job *jobs = malloc(count * sizeof *jobs);
    if (count > 0 && (threads == NULL || jobs == NULL)) {
        free(threads);
        free(jobs);
        errno = ENOMEM;
        return -1;
    }
    /* The semaphore starts with one unit per job allowed in at once: exactly `limit`. */
    semaphore_init(slots, (long)limit);
    struct shared shared = { job, slots };
    for (size_t i = 0; i < count; i++) {
        /* Each thread gets its own struct: they all start before any of them reads it. */
        jobs[i] = (struct one_job){ &shared, inputs[i], &results[i] };
        thread_create(&threads[i], run_one_job, &jobs[i]);
    }
    /* The join is also what makes each thread's result visible here. */
    for (size_t i = 0; i < count; i++)
        thread_join(threads[i]);
    semaphore_destroy(slots);
    free(threads);
    free(jobs);
    return 0;
}
