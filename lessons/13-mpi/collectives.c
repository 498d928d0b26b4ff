/* collectives.c - the operations every rank of a communicator calls together (see parts.h).
 *
 * Broadcast (one to all), scatter (one's array, a piece to each), gather (a piece from each,
 * into one array), reduce (everyone's values combined on one), allreduce (combined, on all)
 * and scan (rank r gets the combination of ranks 0 .. r). Each is one call; the library picks
 * how the messages flow (a tree, a ring, ...). Each is checked here against what one process
 * computes alone, and timed on 1 MiB.
 */
#include "parts.h"

#include <stdio.h>
#include <stdlib.h>

#include "sum.h"
#include "timing.h"
#include "trace.h"

#define ELEMENTS (1 << 18) /* 1 MiB of ints */

/* Times `repeat` runs of one collective (the caller's switch below), median, on rank 0. */
enum collective { BCAST, SCATTER, GATHER, REDUCE, ALLREDUCE, SCAN, COLLECTIVES };
static const char *const names[COLLECTIVES] = {
    "MPI_Bcast     1 MiB from rank 0 to all", "MPI_Scatter   1 MiB, a piece to each",
    "MPI_Gather    1 MiB, a piece from each", "MPI_Reduce    1 MiB of ints, summed on rank 0",
    "MPI_Allreduce 1 MiB of ints, summed on all", "MPI_Scan      1 MiB of ints, prefix sums",
};

static void run_collective(enum collective which, int *data, int *result, int piece)
{
    switch (which) {
    case BCAST: MPI_Bcast(data, ELEMENTS, MPI_INT, 0, MPI_COMM_WORLD); break;
    case SCATTER:
        MPI_Scatter(data, piece, MPI_INT, result, piece, MPI_INT, 0, MPI_COMM_WORLD);
        break;
    case GATHER:
        MPI_Gather(data, piece, MPI_INT, result, piece, MPI_INT, 0, MPI_COMM_WORLD);
        break;
    case REDUCE: MPI_Reduce(data, result, ELEMENTS, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD); break;
    case ALLREDUCE:
        MPI_Allreduce(data, result, ELEMENTS, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        break;
    case SCAN: MPI_Scan(data, result, ELEMENTS, MPI_INT, MPI_SUM, MPI_COMM_WORLD); break;
    case COLLECTIVES: break;
    }
}

/* Each collective once on small values, compared with the answer worked out alone. */
static bool all_agree(int rank, int size)
{
    bool right = true;
    /* Broadcast: rank 0's number reaches all. */
    int number = rank == 0 ? 42 : -1;
    MPI_Bcast(&number, 1, MPI_INT, 0, MPI_COMM_WORLD);
    right = right && number == 42;
    /* Scatter 10 * r + 1 to rank r; gather r * r back. */
    int *array = malloc((size_t)size * sizeof *array);
    if (array == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int r = 0; r < size; r++)
        array[r] = 10 * r + 1;
    int piece = -1;
    MPI_Scatter(array, 1, MPI_INT, &piece, 1, MPI_INT, 0, MPI_COMM_WORLD);
    right = right && piece == 10 * rank + 1;
    int square = rank * rank;
    MPI_Gather(&square, 1, MPI_INT, array, 1, MPI_INT, 0, MPI_COMM_WORLD);
    for (int r = 0; rank == 0 && r < size; r++)
        right = right && array[r] == r * r;
    free(array);
    /* Reduce, allreduce and scan of rank + 1: 1 + 2 + ... */
    int mine = rank + 1, total = 0, everywhere = 0, prefix = 0;
    MPI_Reduce(&mine, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &everywhere, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Scan(&mine, &prefix, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    right = right && (rank != 0 || total == size * (size + 1) / 2) &&
            everywhere == size * (size + 1) / 2 && prefix == (rank + 1) * (rank + 2) / 2;
    int ok = right, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all_ok;
}

void collectives(const struct options *options, int rank, int size)
{
    trace_begin("collectives");
    bool agree = all_agree(rank, size);
    int *data = malloc(ELEMENTS * sizeof *data), *result = malloc(ELEMENTS * sizeof *result);
    double *samples = malloc((size_t)options->repeat * sizeof *samples);
    if (data == NULL || result == NULL || samples == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int i = 0; i < ELEMENTS; i++)
        data[i] = i % 1000;
    const char *verdict = agree ? "each agrees with the answer worked out alone" :
                                  "SOME ARE WRONG";
    if (rank == 0 && options->traced)
        printf("\nCollectives, every rank calls each: %s (not timed in the traced run)\n",
               verdict);
    else if (rank == 0)
        printf("\nCollectives, every rank calls each: %s (median of %ld):\n", verdict,
               options->repeat);
    for (int which = 0; which < COLLECTIVES && !options->traced; which++) {
        trace_begin("%.13s", names[which]);
        for (long r = 0; r < options->repeat; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double started = now_seconds();
            run_collective(which, data, result, ELEMENTS / size);
            samples[r] = now_seconds() - started;
        }
        trace_end();
        if (rank == 0)
            printf("  %-45s %8.1f us\n", names[which], median(samples, (size_t)options->repeat) * 1e6);
    }

    /* Exercise 2: a sum of the same values on every rank, each adding its block. */
    long count = ELEMENTS;
    long *values = malloc((size_t)count * sizeof *values);
    if (values == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    long long alone = 0, sum = 0;
    for (long i = 0; i < count; i++) {
        values[i] = i * i % 1000003;
        alone += values[i];
    }
    int status = parallel_sum(values, count, MPI_COMM_WORLD, &sum), worst = 0;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (rank == 0 && worst != 0)
        printf("parallel_sum: needs exercise 2 (sum.c); skipped\n");
    else if (rank == 0)
        printf("parallel_sum (exercise 2) of %ld values on %d ranks: %lld, %s\n", count, size, sum,
               sum == alone ? "the same as one process adding them all" : "NOT the sum added alone");
    trace_end();
    free(values);
    free(data);
    free(result);
    free(samples);
}
