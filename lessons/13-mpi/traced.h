/* traced.h - MPI_Send and MPI_Recv that also draw their message in the traced run.
 *
 * The tracer (common/trace.h) draws a message as an arrow from its send to its receive, given
 * the same number on both sides. MPI delivers the messages from one rank to another with the
 * same tag in the order they were sent (MPI 4.0, section 3.5, "non-overtaking"), so each side
 * can count them: the n-th message from rank s to rank r is number (s * 1024 + r) * 1000000 + n
 * on both. Untraced, these are plain MPI_Send and MPI_Recv.
 */
#ifndef TRACED_H
#define TRACED_H

#include <mpi.h>

void traced_send(const void *data, int count, MPI_Datatype type, int to, int tag, MPI_Comm comm,
                 const char *what);
void traced_recv(void *data, int count, MPI_Datatype type, int from, int tag, MPI_Comm comm,
                 const char *what);

#endif
