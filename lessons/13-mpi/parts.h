/* parts.h - the parts of the demo (messages.c), one file each, run in this order on every rank.
 *
 * Every function is called by every rank of MPI_COMM_WORLD (the collectives need them all);
 * rank 0 prints. MPI's default error handler, MPI_ERRORS_ARE_FATAL, ends the whole job with a
 * message on any failed MPI call (MPI 4.0, section 9.3), so the demo's own MPI calls are not
 * checked one by one; the exercises check theirs, as a library must.
 */
#ifndef PARTS_H
#define PARTS_H

#include <mpi.h>
#include <stdbool.h>

struct options {
    long repeat;  /* measurements per number: the median is printed */
    long count;   /* numbers from 10^13 checked for primality by the scaling part */
    long steps;   /* steps of lesson 06's recurrence, for the scan part */
    bool traced;  /* a short run for the diagrams: fewer sizes, every message drawn */
};

/* The alpha-beta model of a message: alpha seconds to start one, beta seconds per byte. */
struct alpha_beta {
    double alpha, beta;
    bool fitted;
};

/* pointtopoint.c: MPI_Send and MPI_Recv, and the ring of exercise 1. */
void point_to_point(const struct options *options, int rank, int size);

/* eager.c: the send-send deadlock, found by size, and MPI_Sendrecv, MPI_Isend/MPI_Irecv and
 * exercise 3 as its cures. */
void eager_limit(const struct options *options, int rank, int size);

/* collectives.c: broadcast, scatter, gather, reduce, allreduce and scan, checked and timed,
 * and exercise 2's sum. */
void collectives(const struct options *options, int rank, int size);

/* pingpong.c: latency and bandwidth between ranks 0 and 1, fitted to the alpha-beta model. */
struct alpha_beta ping_pong(const struct options *options, int rank, int size);

/* pingpong.c: fits seconds = alpha + beta * bytes through the points, each weighted by
 * 1 / seconds^2 so that every size counts by its relative error (else the largest sizes alone
 * decide, and alpha comes out as noise). Returns false if fewer than two sizes differ. */
bool fit_alpha_beta(const double bytes[], const double seconds[], int count,
                    struct alpha_beta *model);

/* scaling.c: lesson 09's primes across the ranks, strong and weak scaling, and Amdahl's
 * prediction with the cost of the messages added. */
void scaling(const struct options *options, const struct alpha_beta *model, int rank, int size);

/* scan.c: lesson 06's linear recurrence across the ranks, with MPI_Exscan, checked against
 * the plain loop and timed on 1 to N ranks. */
void scan_across(const struct options *options, int rank, int size);

#endif
