/* chunks.c - the thread bodies of a parallel scan's phases (chunks.h). */
#include "chunks.h"

#include "trace.h"

void *chunk_compose(void *argument)
{
    struct chunk *chunk = argument;
    trace_begin("compose steps %ld..%ld", chunk->begin, chunk->end - 1);
    chunk->summary = chunk_summary(chunk->r, chunk->begin, chunk->end);
    trace_end();
    return NULL;
}

void *chunk_apply(void *argument)
{
    struct chunk *chunk = argument;
    trace_begin("apply steps %ld..%ld", chunk->begin, chunk->end - 1);
    chunk->result = scan_range(chunk->r, chunk->begin, chunk->end, chunk->start, chunk->out);
    trace_end();
    return NULL;
}
