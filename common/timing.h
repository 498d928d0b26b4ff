/* timing.h - measuring elapsed time the way the benchmarks of the kit do.
 *
 * Wall-clock time from CLOCK_MONOTONIC (never jumps when the system clock is set), and the
 * median of repeated runs, which one slow outlier on a noisy machine does not move.
 */
#ifndef KIT_TIMING_H
#define KIT_TIMING_H

#include <stddef.h>

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double now_seconds(void);

/* The median of values[0..count-1] (count >= 1). Sorts values in place. */
double median(double *values, size_t count);

/* Sleeps for the given number of milliseconds, resuming after signals. */
void sleep_ms(long milliseconds);

#endif
