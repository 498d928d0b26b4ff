/* ring.h - exercise 1: a value passed once around a ring of processes.
 *
 * The ranks of a communicator stand in a circle: rank r's right-hand neighbour is
 * (r + 1) % size, its left-hand one (r - 1 + size) % size. Rank 0 starts a value on its way;
 * each rank adds its own rank number and passes it on, until it comes back to rank 0. It is
 * the smallest program in which every process both receives and sends, and the order of the
 * two matters: a rank that waits to receive before it sends is fine, as long as one rank (here
 * rank 0) sends first.
 */
#ifndef RING_H
#define RING_H

#include <mpi.h>

/* Exercise 1. Every rank of comm calls it. Rank 0 sends `start` to rank 1 and then receives
 * the value that comes back from the last rank; rank r > 0 receives a value from rank r - 1
 * and sends that value plus r on to rank (r + 1) % size. Messages are one long (MPI_LONG) with
 * tag RING_TAG. Returns, on rank 0, the value that came back (start + 1 + 2 + ... + (size - 1));
 * on the others, the value it received. With one rank there is no one to pass it to: it
 * returns start. Stores the result in *result and returns 0, or returns -1 if an MPI call
 * failed. */
int ring_pass(long start, MPI_Comm comm, long *result);

#define RING_TAG 1

#endif
