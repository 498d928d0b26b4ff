/* scaling.c - lesson 09's primes across the ranks: strong and weak scaling, and Amdahl's law
 * with the cost of the messages added (see parts.h).
 *
 * The job: which of `count` numbers from 10^13 are prime. Rank 0 broadcasts the job, each rank
 * checks a block of consecutive numbers, and rank 0 gathers every rank's answers.
 *
 * One run measures every number of ranks from 1 to the size of MPI_COMM_WORLD: the first k
 * ranks get a communicator of their own (MPI_Comm_split) and do the job while the others wait.
 * Strong scaling: the same job on more ranks. Weak scaling: a job k times larger on k ranks.
 */
#include "parts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fit.h"
#include "laws.h"
#include "primes.h"
#include "sum.h"
#include "timing.h"
#include "trace.h"

#define FIRST 10000000000000L

/* The job on comm: rank 0 gets answers[0 .. count - 1] (true for a prime). Returns the time
 * it took on rank 0. */
static double primes_job(long count, MPI_Comm comm, bool *answers)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Barrier(comm);
    double started = now_seconds();
    long job[2] = { FIRST, count };
    MPI_Bcast(job, 2, MPI_LONG, 0, comm);
    /* Rank r checks a block of consecutive numbers (exercise 2's split). Not round robin: on 2
     * ranks that gives one rank every even number (one division each) and the other every odd
     * one, all the work, as lesson 09 measured. */
    int *counts = malloc((size_t)size * sizeof *counts), *offsets = malloc((size_t)size * sizeof *offsets);
    if (counts == NULL || offsets == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int r = 0; r < size; r++) {
        offsets[r] = (int)block_begin(job[1], r, size);
        counts[r] = (int)block_begin(job[1], r + 1, size) - offsets[r];
    }
    char *found = malloc((size_t)counts[rank] + 1);
    char *all = rank == 0 ? malloc((size_t)job[1] + 1) : NULL;
    if (found == NULL || (rank == 0 && all == NULL)) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    trace_begin("check %d numbers", counts[rank]);
    for (int i = 0; i < counts[rank]; i++)
        found[i] = is_prime(job[0] + offsets[rank] + i);
    trace_end();
    /* Each rank's answers land at its block's place in rank 0's array. */
    trace_begin_waiting("MPI_Gatherv");
    MPI_Gatherv(found, counts[rank], MPI_CHAR, all, counts, offsets, MPI_CHAR, 0, comm);
    trace_end();
    for (long i = 0; rank == 0 && i < job[1]; i++)
        answers[i] = all[i];
    double seconds = now_seconds() - started;
    free(found);
    free(counts);
    free(offsets);
    free(all);
    return seconds;
}

/* The median time of the job of `count` numbers on the first `ranks` ranks; on rank 0, also
 * whether every answer agreed with `alone` (NULL: not checked). */
static double measure(long count, int ranks, long repeat, const bool *alone, bool *same)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm team;
    MPI_Comm_split(MPI_COMM_WORLD, rank < ranks ? 0 : MPI_UNDEFINED, rank, &team);
    double *samples = malloc((size_t)repeat * sizeof *samples);
    bool *answers = malloc((size_t)count * sizeof *answers);
    if (samples == NULL || answers == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    *same = true;
    for (long r = 0; r < repeat; r++) {
        samples[r] = 0;
        if (team != MPI_COMM_NULL) {
            samples[r] = primes_job(count, team, answers);
            if (rank == 0 && alone != NULL && memcmp(answers, alone, (size_t)count) != 0)
                *same = false;
        }
    }
    /* The ranks left out wait here, rather than take part in the next measurement early. */
    MPI_Barrier(MPI_COMM_WORLD);
    if (team != MPI_COMM_NULL)
        MPI_Comm_free(&team);
    double result = median(samples, (size_t)repeat);
    free(samples);
    free(answers);
    return result;
}

/* The messages of the job on n ranks, in the alpha-beta model: a broadcast (a tree: ceil(log2
 * n) steps of 16 bytes) and a gather into rank 0 (n - 1 messages, count (n - 1) / n bytes in
 * all, one after another at the root). */
static double message_seconds(const struct alpha_beta *m, long count, long n)
{
    double steps = ceil(log2((double)n));
    return steps * (m->alpha + 16 * m->beta) + (double)(n - 1) * m->alpha +
           m->beta * (double)count * (double)(n - 1) / (double)n;
}

static void predict(const struct alpha_beta *model, long count, const double *strong, int size)
{
    long workers[64];
    for (int k = 0; k < size; k++)
        workers[k] = k + 1;
    double serial, one;
    if (size < 2 || fit_serial_fraction(workers, strong, (size_t)size, &serial, &one) != 0 ||
        isnan(amdahl_speedup(0.5, 2)) || amdahl_speedup(0.5, 2) == 0) {
        printf("Amdahl's prediction: needs 2 ranks or more, and lesson 09's exercises 1 and 3 "
               "(laws.c, fit.c); skipped\n");
        return;
    }
    /* The fitted fraction may come out a hair below 0 on a job this parallel: no serial part. */
    double p = 1 - (serial < 0 ? 0 : serial > 1 ? 1 : serial);
    printf("\nAmdahl's law, with the messages' cost added. Fitted to the times above (lesson 09's "
           "fit_serial_fraction): T1 = %.3f s, serial fraction %.4f\n", one, 1 - p);
    printf("  T(n) = T1 ((1 - p) + p / n)  +  messages(n) = ceil(log2 n) (alpha + 16 beta) + "
           "(n - 1) alpha + beta count (n - 1) / n\n");
    printf("  %6s %14s %18s %14s\n", "ranks", "Amdahl alone", "with messages", "messages");
    for (long n = 1; n <= 1L << 20; n *= 4) {
        double computing = one / amdahl_speedup(p, n);
        double messages = model->fitted ? message_seconds(model, count, n) : 0;
        printf("  %6ld %14.2f %18.2f %11.1f us\n", n, amdahl_speedup(p, n),
               one / (computing + messages), messages * 1e6);
    }
    if (model->fitted)
        printf("  The speedup with messages peaks near n = sqrt(p T1 / alpha) = %.0f ranks, then "
               "falls: each rank more costs alpha at the root.\n",
               sqrt(p * one / model->alpha));
}

void scaling(const struct options *options, const struct alpha_beta *model, int rank, int size)
{
    long count = options->count;
    bool *alone = malloc((size_t)count * size * sizeof *alone);
    if (alone == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    /* The sequential answer, by rank 0 alone, for the weak scaling's largest job. */
    if (rank == 0)
        for (long i = 0; i < count * size; i++)
            alone[i] = is_prime(FIRST + i);
    int cores = 0;
    if (rank == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        cores = online > 0 ? (int)online : 1;
        printf("\nStrong scaling: %ld numbers from 10^13, checked for primes on 1 to %d ranks "
               "(this machine: %d cores; median of %ld)\n  %6s %10s %8s %11s %s\n", count, size,
               cores, options->repeat, "ranks", "time", "speedup", "efficiency",
               "  answers as one process alone");
    }
    double strong[64] = { 0 };
    int measured = size < 64 ? size : 64;
    /* The traced run draws only the job on every rank. */
    for (int k = options->traced ? measured : 1; k <= measured; k++) {
        bool same;
        strong[k - 1] = measure(count, k, options->repeat, alone, &same);
        if (rank == 0 && options->traced)
            printf("  %6d %8.3f s %8s %11s   %s\n", k, strong[k - 1], "-", "-",
                   same ? "identical" : "DIFFERENT");
        else if (rank == 0)
            printf("  %6d %8.3f s %8.2f %10.0f%%   %s%s\n", k, strong[k - 1],
                   strong[0] / strong[k - 1], 100 * strong[0] / strong[k - 1] / k,
                   same ? "identical" : "DIFFERENT",
                   k > cores ? " (oversubscribed: more ranks than cores)" : "");
    }
    if (!options->traced) {
        if (rank == 0)
            printf("Weak scaling: %ld numbers per rank\n  %6s %8s %10s %18s %s\n", count,
                   "ranks", "numbers", "time", "scaled efficiency", "  answers");
        double first = 0;
        for (int k = 1; k <= measured; k++) {
            bool same;
            double seconds = measure(count * k, k, options->repeat, alone, &same);
            if (k == 1)
                first = seconds;
            if (rank == 0)
                printf("  %6d %8ld %8.3f s %17.0f%%   %s%s\n", k, count * k, seconds,
                       100 * first / seconds, same ? "identical" : "DIFFERENT",
                       k > cores ? " (oversubscribed)" : "");
        }
        if (rank == 0)
            predict(model, count, strong, measured);
    }
    free(alone);
}
