/* chunks.h - one chunk of a parallel scan, and the work a thread does on it.
 *
 * A parallel scan (scan.h, balanced.h) cuts the steps 0 .. n-1 into chunks of consecutive
 * steps, one per thread, and runs in phases:
 *   1. each thread composes its chunk's maps into one summary (chunk_compose);
 *   2. one thread walks the summaries in order to find each chunk's starting value;
 *   3. each thread runs its chunk's steps from that value (chunk_apply).
 * These two functions are the thread bodies of phases 1 and 3, ready for thread_create.
 * Each touches only its own chunk (and its own part of out), so the threads share nothing
 * while they run; what orders the phases is the join in between.
 */
#ifndef CHUNKS_H
#define CHUNKS_H

#include <stdint.h>

#include "affine.h"

/* The most threads a scan takes. */
#define SCAN_MAX_THREADS 64

struct chunk {
    const struct linear_recurrence *r;
    long begin, end;           /* the chunk is steps begin .. end-1 (empty if begin == end) */
    uint64_t *out;             /* where x(k+1) goes for each step k, or NULL */
    struct affine summary;     /* phase 1 writes it: the chunk's maps composed */
    uint64_t start;            /* phase 2 writes it: x(begin) */
    struct scan_result result; /* phase 3 writes it: x(end) and the sum of x(begin+1 .. end) */
};

/* Phase 1, a thread body: chunk->summary = chunk_summary(r, begin, end). */
void *chunk_compose(void *chunk);

/* Phase 3, a thread body: chunk->result = scan_range(r, begin, end, start, out). */
void *chunk_apply(void *chunk);

#endif
