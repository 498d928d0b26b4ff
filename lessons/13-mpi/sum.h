/* sum.h - exercise 2: a sum shared out among processes and put together with MPI_Reduce.
 *
 * Every rank has the same array (say each read the same file). Rank r adds up only its block,
 * the elements from count * r / size up to count * (r + 1) / size (the same split as lesson
 * 09's blocks: sizes differ by at most one, and every element is in exactly one block), and
 * MPI_Reduce with MPI_SUM adds the blocks' sums together on rank 0. No rank ever sends the
 * array: only one number per rank travels.
 */
#ifndef SUM_H
#define SUM_H

#include <mpi.h>

/* The first element of rank's block, of `count` elements shared among `size` ranks (the end of
 * the block is block_begin(count, rank + 1, size)). Given. */
long block_begin(long count, int rank, int size);

/* Exercise 2. Every rank of comm calls it with the same values[0 .. count - 1] (count >= 0).
 * Each rank adds up its own block (long long, which does not overflow for the tests' values),
 * then MPI_Reduce (MPI_LONG_LONG, MPI_SUM) adds the ranks' sums on rank 0. Stores in *sum:
 * on rank 0, the sum of all the values; on the other ranks, the sum of their own block.
 * Returns 0, or -1 if an MPI call failed. */
int parallel_sum(const long *values, long count, MPI_Comm comm, long long *sum);

#endif
