/* fit.h - the serial fraction that best explains measured times.
 *
 * Amdahl's law says the time on n workers is T(n) = T1 * ((1 - p) + p / n). Written as
 * T(n) = a + b * (1 / n), with a = T1 * (1 - p) and b = T1 * p, it is a straight line in 1 / n,
 * so ordinary least squares over the measured points (1 / n_i, T_i) gives a and b, and from
 * them T1 = a + b and the serial fraction 1 - p = a / (a + b).
 */
#ifndef FIT_H
#define FIT_H

#include <stddef.h>

/* Exercise 3. Fits the line through the `count` points (1 / workers[i], seconds[i]) by least
 * squares and stores the serial fraction a / (a + b) in *serial_fraction and a + b in
 * *one_worker_seconds. Returns 0, or -1 (storing nothing) if there are fewer than two
 * distinct worker counts, a worker count below 1, or the fitted a + b is not positive. */
int fit_serial_fraction(const long workers[], const double seconds[], size_t count,
                        double *serial_fraction, double *one_worker_seconds);

#endif
