/* fit.c - fitting Amdahl's law to measured times by least squares (see fit.h).
 *
 * This is a file you edit: exercise 3 is fit_serial_fraction() below.
 */
#include "fit.h"

int fit_serial_fraction(const long workers[], const double seconds[], size_t count,
                        double *serial_fraction, double *one_worker_seconds)
{
    /* TODO(exercise 3): with x_i = 1 / workers[i] and y_i = seconds[i], the least-squares
     * line y = a + b x has b = (sum (x - mean x)(y - mean y)) / (sum (x - mean x)^2) and
     * a = mean y - b * mean x. Then T1 = a + b and the serial fraction is a / T1. Return -1
     * when the fit is impossible (see fit.h). */
    (void)workers;
    (void)seconds;
    (void)count;
    (void)serial_fraction;
    (void)one_worker_seconds;
    return -1;
}
