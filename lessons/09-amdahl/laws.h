/* laws.h - what theory predicts for a program run on more workers.
 *
 * p is the parallel fraction: the share of the one-worker running time that can be spread
 * over workers (0 <= p <= 1). The rest, 1 - p, is serial: it takes as long however many
 * workers there are. n is the number of workers (n >= 1). Each function returns NAN for
 * arguments outside those ranges, so a caller can tell "no answer" from an answer.
 */
#ifndef LAWS_H
#define LAWS_H

/* Exercise 1. Amdahl (1967): the same job, more workers. Time goes from 1 to
 * (1 - p) + p / n, so the speedup is 1 / ((1 - p) + p / n). */
double amdahl_speedup(double p, long n);

/* Exercise 1. Gustafson (1988): a job that grows with the workers. Each worker does as much
 * parallel work as one did before, so the scaled speedup is (1 - p) + p * n. */
double gustafson_speedup(double p, long n);

/* Exercise 1. Karp and Flatt (1990): the serial fraction implied by a measured speedup on n
 * workers (n >= 2): e = (1 / speedup - 1 / n) / (1 - 1 / n). If e grows with n, something
 * beyond a fixed serial part (overhead, contention, too few cores) is eating the speedup. */
double karp_flatt(double speedup, long n);

#endif
