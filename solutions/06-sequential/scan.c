/* scan.c - the blocked parallel scan (scan.h).
 *
 * The reference solution of exercise 3: scan_parallel().
 */
#include "scan.h"

#include "chunks.h"
#include "sync.h"

struct scan_result scan_parallel(const struct linear_recurrence *r, int threads, uint64_t *out)
{
    struct chunk chunks[SCAN_MAX_THREADS] = { 0 };   /* zeroed: no field left unset */
    pthread_t ids[SCAN_MAX_THREADS];

    /* Chunk t ends where chunk t+1 begins, so every step is in exactly one chunk; n*t/T
     * spreads the remainder over the chunks, and gives empty chunks when n < T. (n*T fits in
     * a long: n is far below 2^57.) */
    for (int t = 0; t < threads; t++)
        chunks[t] = (struct chunk){ .r = r, .out = out,
                                    .begin = r->n * t / threads,
                                    .end = r->n * (t + 1) / threads };

    /* Phase 1: every chunk's summary at once. */
    for (int t = 0; t < threads; t++)
        thread_create(&ids[t], chunk_compose, &chunks[t]);
    for (int t = 0; t < threads; t++)
        thread_join(ids[t]);   /* the summaries are written: the join orders it */

    /* Phase 2: the start of each chunk is the end of the one before. Each chunk's start is
     * the value before its own steps (an exclusive prefix): its own summary is used for the
     * next chunk, never for itself. */
    uint64_t x = r->x0;
    for (int t = 0; t < threads; t++) {
        chunks[t].start = x;
        x = affine_apply(chunks[t].summary, x);
    }

    /* Phase 3: every chunk's steps at once, from the right start. */
    for (int t = 0; t < threads; t++)
        thread_create(&ids[t], chunk_apply, &chunks[t]);
    for (int t = 0; t < threads; t++)
        thread_join(ids[t]);

    struct scan_result result = { chunks[threads - 1].result.last, 0 };
    for (int t = 0; t < threads; t++)
        result.sum += chunks[t].result.sum;   /* + modulo 2^64 is associative: any order */
    return result;
}
