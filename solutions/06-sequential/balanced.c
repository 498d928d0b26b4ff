/* balanced.c - the balanced scan and the reduction (balanced.h).
 *
 * The reference solution of exercise 4: scan_balanced() and reduce_parallel().
 */
#include "balanced.h"

#include "chunks.h"
#include "sync.h"

struct scan_result scan_balanced(const struct linear_recurrence *r, int threads, uint64_t *out)
{
    int chunk_count = threads + 1;
    struct chunk chunks[SCAN_MAX_THREADS + 1] = { 0 };
    pthread_t ids[SCAN_MAX_THREADS];
    for (int i = 0; i < chunk_count; i++)
        chunks[i] = (struct chunk){ .r = r, .out = out,
                                    .begin = r->n * i / chunk_count,
                                    .end = r->n * (i + 1) / chunk_count };

    /* Phase 1: chunk 0 needs no summary, since its start is known: thread 0 runs its steps
     * while the others summarise chunks 1 .. T-1. Chunk T needs no summary either: no chunk
     * comes after it. */
    chunks[0].start = r->x0;
    thread_create(&ids[0], chunk_apply, &chunks[0]);
    for (int t = 1; t < threads; t++)
        thread_create(&ids[t], chunk_compose, &chunks[t]);
    for (int t = 0; t < threads; t++)
        thread_join(ids[t]);

    /* Phase 2: chunk 1 starts where chunk 0 ended; each later chunk where the summary of the
     * one before takes that chunk's start. */
    chunks[1].start = chunks[0].result.last;
    for (int i = 1; i < threads; i++)
        chunks[i + 1].start = affine_apply(chunks[i].summary, chunks[i].start);

    /* Phase 3: thread t runs chunk t + 1. */
    for (int t = 0; t < threads; t++)
        thread_create(&ids[t], chunk_apply, &chunks[t + 1]);
    for (int t = 0; t < threads; t++)
        thread_join(ids[t]);

    struct scan_result result = { chunks[threads].result.last, 0 };
    for (int i = 0; i < chunk_count; i++)
        result.sum += chunks[i].result.sum;
    return result;
}

uint64_t reduce_parallel(const struct linear_recurrence *r, int threads)
{
    struct chunk chunks[SCAN_MAX_THREADS] = { 0 };   /* zeroed: no field left unset */
    pthread_t ids[SCAN_MAX_THREADS];
    for (int t = 0; t < threads; t++)
        chunks[t] = (struct chunk){ .r = r,
                                    .begin = r->n * t / threads,
                                    .end = r->n * (t + 1) / threads };
    for (int t = 0; t < threads; t++)
        thread_create(&ids[t], chunk_compose, &chunks[t]);
    for (int t = 0; t < threads; t++)
        thread_join(ids[t]);

    /* Chunk 0's maps come first, so its summary is the `first` argument. Composition is
     * associative but not commutative: the other order is a different map. */
    struct affine total = affine_identity();
    for (int t = 0; t < threads; t++)
        total = affine_then(total, chunks[t].summary);
    return affine_apply(total, r->x0);
}
