/* omp_batch.h - exercise 4: lesson 07's batch of images as one OpenMP loop, for a set of
 * images whose sizes differ wildly.
 *
 * OpenMP shares out a loop's iterations by its schedule clause (the OpenMP 5.2 specification,
 * "schedule Clause"):
 *   schedule(static)     one contiguous block per thread, decided before the loop starts
 *                        (lesson 07's static split);
 *   schedule(dynamic)    a free thread takes the next iteration nobody has taken (lesson 07's
 *                        dynamic split: one shared counter);
 *   schedule(guided)     like dynamic, but in chunks that start large (in proportion to the
 *                        iterations left divided by the threads) and shrink.
 * Without the clause the schedule is the implementation's choice; GCC's is static.
 */
#ifndef OMP_BATCH_H
#define OMP_BATCH_H

#include <stddef.h>

#include "batch.h"   /* lesson 07's image_job */

/* Exercise 4. Does job(i, t, context) exactly once for every i in 0 .. count - 1 on an OpenMP
 * team of `threads` threads (1 to OMP_LESSON_MAX_THREADS of omp_primes.h), t being the number
 * of the thread that does it (omp_get_thread_num()). The images differ wildly in cost, and a
 * large one may be anywhere, the first one too: while one thread is busy with a large image,
 * the others must go on taking the rest. A failed image stops nothing. Returns the number of
 * failed images, or -1 with errno = EINVAL when threads is out of range. */
long batch_mixed_sizes(size_t count, int threads, image_job job, void *context);

#endif
