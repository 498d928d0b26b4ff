/* eager.c - the send-send deadlock, found by size, and its cures (see parts.h).
 *
 * Ranks 0 and 1 both send first and receive after. Whether that works depends on the size:
 * a message up to the eager limit is sent at once, into a buffer on the receiver's side, and
 * the send returns; a larger one waits until the receiver posts its receive (a rendezvous), so
 * two ranks that both send first wait for each other forever. The MPI standard allows both
 * (MPI 4.0, section 3.4): a correct program must not depend on either.
 *
 * To find the limit without hanging, each rank starts its send with MPI_Isend, which returns
 * at once, and asks MPI_Test whether it has completed, for up to STALL_SECONDS, before posting
 * its receive. A send that completes with no receive posted went eagerly; one that does not
 * is one that MPI_Send would have waited in forever: the deadlock. The receive then ends it.
 */
#include "parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "timing.h"
#include "trace.h"

#define SWEEP_TAG 11
#define STALL_SECONDS 0.1
#define LARGEST (1 << 20)

/* Both ranks send `bytes` first. True if this rank's send completed before any receive. */
static bool completes_without_receive(char *out, char *in, int bytes, int partner)
{
    MPI_Request send;
    MPI_Isend(out, bytes, MPI_BYTE, partner, SWEEP_TAG, MPI_COMM_WORLD, &send);
    int done = 0;
    double give_up = now_seconds() + STALL_SECONDS;
    while (!done && now_seconds() < give_up)
        MPI_Test(&send, &done, MPI_STATUS_IGNORE);
    MPI_Recv(in, bytes, MPI_BYTE, partner, SWEEP_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Wait(&send, MPI_STATUS_IGNORE);
    return done;
}

/* True if both ranks' sends of `bytes` completed without a receive. */
static bool eager_on_both(char *out, char *in, int bytes, int rank)
{
    int mine = 1, both = 1;
    if (rank < 2)
        mine = completes_without_receive(out, in, bytes, 1 - rank);
    MPI_Allreduce(&mine, &both, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return both;
}

/* The median time of `repeat` swaps of `bytes` between ranks 0 and 1, one way of swapping. */
enum swap { SENDRECV, NONBLOCKING, EXERCISE };
static double swap_seconds(enum swap how, double *out, double *in, int count, int rank,
                           long repeat, bool *failed)
{
    double *samples = malloc((size_t)repeat * sizeof *samples);
    if (samples == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int partner = 1 - rank, status = 0;
    for (long r = 0; r < repeat; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double started = now_seconds();
        if (rank < 2 && how == SENDRECV) {
            MPI_Sendrecv(out, count, MPI_DOUBLE, partner, SWEEP_TAG, in, count, MPI_DOUBLE,
                         partner, SWEEP_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank < 2 && how == NONBLOCKING) {
            MPI_Request both[2];
            MPI_Irecv(in, count, MPI_DOUBLE, partner, SWEEP_TAG, MPI_COMM_WORLD, &both[0]);
            MPI_Isend(out, count, MPI_DOUBLE, partner, SWEEP_TAG, MPI_COMM_WORLD, &both[1]);
            MPI_Waitall(2, both, MPI_STATUSES_IGNORE);
        } else if (rank < 2 && status == 0) {
            status = exchange(out, in, count, partner, MPI_COMM_WORLD);
        }
        samples[r] = now_seconds() - started;
    }
    int worst = 0;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    *failed = worst != 0;
    double result = median(samples, (size_t)repeat);
    free(samples);
    return result;
}

void eager_limit(const struct options *options, int rank, int size)
{
    if (size < 2) {
        if (rank == 0)
            printf("\nThe send-send deadlock: needs 2 ranks (mpirun -np 2); skipped\n");
        return;
    }
    char *out = calloc(LARGEST, 1), *in = malloc(LARGEST);
    if (out == NULL || in == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (rank == 0)
        printf("\nThe send-send deadlock: ranks 0 and 1 both send first, then receive\n"
               "  %10s  %s\n", "bytes", "the send, before any receive");
    int last_eager = 0, first_stuck = 0;
    /* The traced run leaves the sweep out: its waits would fill the picture. */
    for (int bytes = 256; bytes <= LARGEST && first_stuck == 0 && !options->traced; bytes *= 2) {
        bool eager = eager_on_both(out, in, bytes, rank);
        if (rank == 0)
            printf("  %10d  %s\n", bytes, eager ? "completed: sent eagerly" :
                   "still waiting: MPI_Send would wait here forever (deadlock)");
        if (eager)
            last_eager = bytes;
        else
            first_stuck = bytes;
    }
    /* Between the two, bisection finds the exact limit. */
    while (first_stuck - last_eager > 1 && !options->traced) {
        int middle = last_eager + (first_stuck - last_eager) / 2;
        if (eager_on_both(out, in, middle, rank))
            last_eager = middle;
        else
            first_stuck = middle;
    }
    if (rank == 0 && first_stuck > 0 && !options->traced)
        printf("The eager limit here: messages up to %d bytes are sent at once; from %d bytes on, "
               "a send waits for the receive.\nTwo ranks that both MPI_Send first deadlock from "
               "%d bytes on (Open MPI's shared memory: btl_vader_eager_limit is 4096 bytes, "
               "header included).\n", last_eager, first_stuck, first_stuck);
    else if (rank == 0 && options->traced)
        printf("  (left out of the traced run)\n");
    else if (rank == 0 && first_stuck == 0)
        printf("Every size up to %d bytes was sent eagerly here: no deadlock seen.\n", LARGEST);

    /* The cures, on 1 MiB: neither rank's progress waits for the other to reach a receive. */
    int count = LARGEST / (int)sizeof(double);
    bool failed;
    trace_begin("cures");
    double sendrecv = swap_seconds(SENDRECV, (double *)out, (double *)in, count, rank,
                                   options->repeat, &failed);
    double nonblocking = swap_seconds(NONBLOCKING, (double *)out, (double *)in, count, rank,
                                      options->repeat, &failed);
    double yours = swap_seconds(EXERCISE, (double *)out, (double *)in, count, rank,
                                options->repeat, &failed);
    trace_end();
    if (rank == 0) {
        printf("The cures, swapping 1 MiB between ranks 0 and 1 (median of %ld):\n",
               options->repeat);
        printf("  MPI_Sendrecv                      %8.1f us\n", sendrecv * 1e6);
        printf("  MPI_Isend + MPI_Irecv + Waitall   %8.1f us\n", nonblocking * 1e6);
        if (failed)
            printf("  exchange() (exercise 3)           needs exercise 3 (exchange.c); skipped\n");
        else
            printf("  exchange() (exercise 3)           %8.1f us\n", yours * 1e6);
    }
    free(out);
    free(in);
}
