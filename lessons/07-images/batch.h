/* batch.h - exercise 4: one job per image, on several threads.
 *
 * The jobs are independent: no image needs another's result, and each writes its own output
 * file. Such a job is called embarrassingly parallel: the threads need to agree only on who
 * does which image (share.h), never on anything while they work.
 */
#ifndef BATCH_H
#define BATCH_H

#include <stddef.h>

#define BATCH_MAX_WORKERS 64

enum schedule { SCHEDULE_STATIC, SCHEDULE_DYNAMIC };

/* The job for image `index`, done by worker `worker` (0, 1, ...). Returns 0, or -1 when the
 * image could not be done; the job has then reported why. */
typedef int (*image_job)(size_t index, unsigned worker, void *context);

/* Given. Does job(i, 0, context) for i = 0 .. count - 1 in order, on the calling thread, going
 * on past failed images. Returns the number of failed images. */
long run_sequential(size_t count, image_job job, void *context);

/* Exercise 4. Does job(i, w, context) exactly once for every i in 0 .. count - 1, on `workers`
 * threads started with thread_create() and all running at once; worker w (0 <= w < workers)
 * takes its images by the schedule: static_block(count, workers, w, ...) or take_next() on one
 * shared_index. A failed image does not stop its worker: it goes on to the next. Returns, once
 * every thread has been joined, the number of failed images; or -1 with errno = EINVAL if
 * workers is 0 or above BATCH_MAX_WORKERS. */
long run_batch(size_t count, unsigned workers, enum schedule schedule, image_job job,
               void *context);

/* "static" or "dynamic". */
const char *schedule_name(enum schedule schedule);

#endif
