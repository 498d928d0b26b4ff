/* scan.c - lesson 06's linear recurrence across the ranks, with MPI_Exscan (see parts.h).
 *
 * x(k+1) = a(k) * x(k) + b(k) (mod 2^64): each step is an affine map, and a run of steps
 * composes into one map of two numbers (lesson 06's affine.h). Rank r takes a block of the
 * steps and summarises it; MPI_Exscan, with composition as its operation, gives rank r the
 * composition of the blocks of ranks 0 .. r - 1, which applied to x(0) is where rank r's block
 * starts; each rank then runs its block from there. The result must be the plain loop's to the
 * bit: x(n), and the sum of every x(k).
 *
 * Composition is associative but not commutative (the order of the maps matters): MPI_Op_create
 * is told so, and MPI then combines the ranks' values in rank order (MPI 4.0, section 6.9.5).
 */
#include "parts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "affine.h"
#include "sum.h"
#include "timing.h"
#include "trace.h"

/* The MPI operation: inout = in, then inout. MPI passes the lower ranks' value as `in`. */
static void compose(void *in, void *inout, int *count, MPI_Datatype *type)
{
    (void)type;
    struct affine *first = in, *second = inout;
    for (int i = 0; i < *count; i++)
        second[i] = affine_then(first[i], second[i]);
}

/* The recurrence on comm's ranks; every rank gets the result. */
static struct scan_result scan_on(const struct linear_recurrence *r, MPI_Comm comm,
                                  MPI_Datatype map_type, MPI_Op then)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    long begin = block_begin(r->n, rank, size), end = block_begin(r->n, rank + 1, size);
    /* The last rank's summary is never needed: no block comes after it. */
    struct affine mine = rank < size - 1 ? chunk_summary(r, begin, end) : affine_identity();
    struct affine before = affine_identity();
    MPI_Exscan(&mine, &before, 1, map_type, then, comm);
    if (rank == 0)
        before = affine_identity(); /* MPI_Exscan leaves rank 0's result undefined */
    struct scan_result block = scan_range(r, begin, end, affine_apply(before, r->x0), NULL);
    /* x(n) is the last rank's; the sum adds every block's (mod 2^64, as MPI_SUM on uint64_t). */
    struct scan_result result = block;
    MPI_Allreduce(&block.sum, &result.sum, 1, MPI_UINT64_T, MPI_SUM, comm);
    MPI_Bcast(&result.last, 1, MPI_UINT64_T, size - 1, comm);
    return result;
}

void scan_across(const struct options *options, int rank, int size)
{
    if (options->traced)
        return; /* the traced run leaves it out, to keep its picture to the messages */
    uint64_t seed = 2024;
    struct linear_recurrence r = { 1, options->steps, maps_generated, &seed };
    MPI_Datatype map_type;
    MPI_Type_contiguous(2, MPI_UINT64_T, &map_type);
    MPI_Type_commit(&map_type);
    MPI_Op then;
    MPI_Op_create(compose, 0 /* not commutative */, &then);

    struct scan_result alone = { 0, 0 };
    if (rank == 0)
        alone = scan_sequential(&r, NULL);
    double *samples = malloc((size_t)options->repeat * sizeof *samples);
    if (samples == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("\nLesson 06's scan, x(k+1) = a(k) x(k) + b(k) mod 2^64 for %ld steps, with "
               "MPI_Exscan (median of %ld)\n  %6s %10s %8s   %s\n", options->steps,
               options->repeat, "ranks", "time", "speedup", "x(n) and the sum as the plain loop's");
    double first = 0;
    for (int k = 1; k <= size; k++) {
        MPI_Comm team;
        MPI_Comm_split(MPI_COMM_WORLD, rank < k ? 0 : MPI_UNDEFINED, rank, &team);
        bool same = true;
        for (long i = 0; i < options->repeat; i++) {
            samples[i] = 0;
            if (team == MPI_COMM_NULL)
                continue;
            MPI_Barrier(team);
            double started = now_seconds();
            struct scan_result result = scan_on(&r, team, map_type, then);
            samples[i] = now_seconds() - started;
            if (rank == 0 && (result.last != alone.last || result.sum != alone.sum))
                same = false;
        }
        MPI_Barrier(MPI_COMM_WORLD);
        if (team != MPI_COMM_NULL)
            MPI_Comm_free(&team);
        double seconds = median(samples, (size_t)options->repeat);
        if (k == 1)
            first = seconds;
        if (rank == 0)
            printf("  %6d %8.3f s %8.2f   %s\n", k, seconds, first / seconds,
                   same ? "identical" : "DIFFERENT");
    }
    if (rank == 0)
        printf("Rank 0 summarises its block and then runs it; every other rank waits for the "
               "prefix, then runs its block: about 2 n / k steps of work on the critical path, "
               "so k ranks are at best about k / 2 times faster than one (lesson 06's blocked scan).\n");
    free(samples);
    MPI_Op_free(&then);
    MPI_Type_free(&map_type);
}
