/* draw.h - the lesson's two structural diagrams, written as Graphviz files (render with dot).
 *
 * Neither is a trace of a run: they draw what depends on what, which is the whole lesson.
 */
#ifndef DRAW_H
#define DRAW_H

#include <stdint.h>
#include <stdio.h>

/* The dependency chain x(0) -> x(1) -> ... -> x(steps) of the source material's recurrence,
 * each node with its value (values[0 .. steps], modulo m). Returns 0, or -1 if writing failed. */
int draw_chain(FILE *file, const uint64_t *values, long steps, uint64_t m);

/* The blocked parallel scan of n steps on `threads` threads: chunks, summaries, the serial
 * walk and the apply phase. Returns 0, or -1 if writing failed. */
int draw_scan(FILE *file, long n, int threads);

#endif
