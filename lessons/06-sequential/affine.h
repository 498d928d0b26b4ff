/* affine.h - the linear recurrence x(k+1) = a(k) * x(k) + b(k), and why it can be split up.
 *
 * Each step applies an affine map, x -> a*x + b. Two affine maps in a row are again one affine
 * map: first (a1, b1), then (a2, b2) gives a2*(a1*x + b1) + b2 = (a2*a1)*x + (a2*b1 + b2).
 * So a whole run of steps, however long, has a summary of two numbers, and composing maps is
 * associative: the steps can be grouped any way we like. That is what lets a parallel scan
 * (scan.h) cut the run into chunks and summarise the chunks at the same time.
 *
 * All arithmetic is on uint64_t, which C defines to wrap around modulo 2^64: + and * modulo
 * 2^64 are exact, so grouping the steps differently gives the same bits as the plain loop.
 * (With double, each rounding depends on the grouping, and a parallel result would differ in
 * its last digits from the sequential one.)
 */
#ifndef AFFINE_H
#define AFFINE_H

#include <stdint.h>

/* The map x -> a*x + b (mod 2^64). */
struct affine {
    uint64_t a, b;
};

/* x -> x: the map that changes nothing, the summary of an empty run of steps. */
struct affine affine_identity(void);

/* first, then second: the one map that does both (note the order). */
struct affine affine_then(struct affine first, struct affine second);

/* The map applied to x. */
uint64_t affine_apply(struct affine map, uint64_t x);

/* A recurrence: x(0) = x0 and x(k+1) = map(k)(x(k)) for k = 0 .. n-1. The maps come from a
 * function, so that the tests can hand over an array (maps_from_array) and the benchmark can
 * make 10^8 maps from k on the fly (maps_generated) instead of storing gigabytes of them. */
struct linear_recurrence {
    uint64_t x0;
    long n;
    struct affine (*map)(const void *source, long k);
    const void *source;
};

/* For map: source is a const struct affine array of n maps. */
struct affine maps_from_array(const void *source, long k);

/* For map: source is a const uint64_t seed; map k is made from (seed, k) by a few
 * multiplications and shifts (splitmix64), so any thread can make any map in any order. */
struct affine maps_generated(const void *source, long k);

/* What a scan gives besides the values: x(n), and the checksum x(1) + ... + x(n) (mod 2^64),
 * which needs every value, not only the last. */
struct scan_result {
    uint64_t last;
    uint64_t sum;
};

/* The maps begin .. end-1 of r composed into one map, in order: applied to x(begin) it gives
 * x(end). The identity when begin == end. */
struct affine chunk_summary(const struct linear_recurrence *r, long begin, long end);

/* Steps begin .. end-1 of r, starting from start = x(begin): returns x(end) and the sum of
 * x(begin+1) .. x(end), and stores x(k+1) in out[k] for each k if out is not NULL. */
struct scan_result scan_range(const struct linear_recurrence *r, long begin, long end,
                              uint64_t start, uint64_t *out);

/* The plain loop over all n steps: the answer every parallel version must match. */
struct scan_result scan_sequential(const struct linear_recurrence *r, uint64_t *out);

#endif
