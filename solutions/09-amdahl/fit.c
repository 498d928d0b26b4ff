/* fit.c - fitting Amdahl's law to measured times by least squares (see fit.h).
 *
 * The reference solution of exercise 3.
 */
#include "fit.h"

int fit_serial_fraction(const long workers[], const double seconds[], size_t count,
                        double *serial_fraction, double *one_worker_seconds)
{
    if (count < 2)
        return -1;
    double mean_x = 0, mean_y = 0;
    for (size_t i = 0; i < count; i++) {
        if (workers[i] < 1)
            return -1;
        mean_x += 1.0 / (double)workers[i];
        mean_y += seconds[i];
    }
    mean_x /= (double)count;
    mean_y /= (double)count;

    /* Centring on the means first keeps the sums small and the arithmetic accurate. */
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < count; i++) {
        double dx = 1.0 / (double)workers[i] - mean_x;
        sxy += dx * (seconds[i] - mean_y);
        sxx += dx * dx;
    }
    if (sxx == 0)
        return -1;   /* every point at the same worker count: no line through them */
    double b = sxy / sxx;
    double a = mean_y - b * mean_x;
    double t1 = a + b;
    if (!(t1 > 0))
        return -1;
    *serial_fraction = a / t1;
    *one_worker_seconds = t1;
    return 0;
}
