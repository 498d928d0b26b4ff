/* pointtopoint.c - MPI_Send and MPI_Recv, then the ring of exercise 1 (see parts.h).
 *
 * A message names who it goes to (a rank), what kind it is (a tag) and in which group of
 * processes (a communicator); MPI_Recv waits until a matching one has arrived. Nothing is
 * shared: the receiver gets a copy, in its own memory.
 */
#include "parts.h"

#include <stdio.h>

#include "ring.h"
#include "trace.h"
#include "traced.h"

#define HELLO_TAG 7

void point_to_point(const struct options *options, int rank, int size)
{
    (void)options;
    /* Rank 0 sends each rank a number; each sends back its square. */
    if (rank == 0) {
        long sum = 0;
        for (int r = 1; r < size; r++)
            traced_send(&r, 1, MPI_INT, r, HELLO_TAG, MPI_COMM_WORLD, "a number");
        for (int r = 1; r < size; r++) {
            long square;
            traced_recv(&square, 1, MPI_LONG, r, HELLO_TAG, MPI_COMM_WORLD, "its square");
            sum += square;
        }
        printf("\nPoint to point: rank 0 sent each rank its number and got back its square; "
               "the squares add up to %ld (expected %ld)\n", sum,
               (long)(size - 1) * size * (2L * size - 1) / 6);
    } else {
        int number;
        traced_recv(&number, 1, MPI_INT, 0, HELLO_TAG, MPI_COMM_WORLD, "a number");
        long square = (long)number * number;
        traced_send(&square, 1, MPI_LONG, 0, HELLO_TAG, MPI_COMM_WORLD, "its square");
    }

    /* The ring, with your exercise 1. Every rank must take part, or none: a rank that skipped
     * it would leave its neighbours waiting. */
    long start = 1000, result = 0;
    trace_begin("ring_pass");
    int status = ring_pass(start, MPI_COMM_WORLD, &result), worst = 0;
    trace_end();
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (rank == 0 && worst != 0)
        printf("The ring: needs exercise 1 (ring.c); skipped\n");
    else if (rank == 0)
        printf("The ring: %ld went around %d ranks and came back as %ld (expected %ld)\n", start,
               size, result, start + (long)size * (size - 1) / 2);
}
