/* scan_directive.h - lesson 06's scan written with OpenMP's own scan directive.
 *
 * OpenMP 5.0 added scans to loops (the OpenMP 5.2 specification, "scan Directive"): a
 * reduction(inscan, ...) clause names the running value, `#pragma omp scan inclusive(...)`
 * splits each iteration into the part that feeds the running value and the part that reads
 * it, and the compiler writes the phases of a parallel scan itself. Composing affine maps is
 * not one of the built-in operators, so the maps get a user-defined reduction ("declare
 * reduction Directive"). GCC 12 runs it correctly. Clang 14 compiles it into code that keeps
 * one element per iteration in an array on the stack, which a scan of a million steps
 * overflows (the program crashes): scan_directive_works() says which compiler built this file.
 */
#ifndef SCAN_DIRECTIVE_H
#define SCAN_DIRECTIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "affine.h"

/* True when this file was built by a compiler whose scan directive runs (GCC). */
bool scan_directive_works(void);

/* The same answer as scan_sequential(r, out), computed with `#pragma omp scan` by `threads`
 * threads (out: r->n values, never NULL here); when !scan_directive_works(), by
 * scan_sequential(r, out) itself. */
struct scan_result scan_directive(const struct linear_recurrence *r, int threads, uint64_t *out);

#endif
