/* exchange.h - exercise 3: two processes swap buffers, without deadlock.
 *
 * The obvious code, "MPI_Send mine, then MPI_Recv yours", on both ranks, is the classic MPI
 * deadlock. MPI_Send may return as soon as the message is copied somewhere (small messages,
 * below the eager limit: Open MPI's shared-memory transport sends up to about 4 KiB at once),
 * or only once the receiver has posted the matching receive (larger ones: a rendezvous). The
 * MPI standard allows both (MPI 4.0, section 3.4, "Communication Modes": a standard-mode send
 * may or may not buffer). So the code works for small buffers and hangs for large ones: both
 * ranks sit in MPI_Send, each waiting for the other to receive. The cures: MPI_Sendrecv, which
 * does both at once, or MPI_Isend and MPI_Irecv followed by MPI_Waitall.
 */
#ifndef EXCHANGE_H
#define EXCHANGE_H

#include <mpi.h>

/* Exercise 3. Sends send[0 .. count - 1] to rank `partner` of comm and receives count doubles
 * from it into receive[0 .. count - 1] (send and receive do not overlap), with tag
 * EXCHANGE_TAG. The partner calls it at the same time with this rank as its partner. Must not
 * deadlock for any count, however large. Returns 0, or -1 if an MPI call failed. */
int exchange(const double *send, double *receive, int count, int partner, MPI_Comm comm);

#define EXCHANGE_TAG 3

#endif
