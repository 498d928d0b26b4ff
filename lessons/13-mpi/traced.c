/* traced.c - see traced.h. */
#include "traced.h"

#include "trace.h"

#define MAX_RANKS 1024

static long sent_to[MAX_RANKS], received_from[MAX_RANKS];

static long message_number(int from, int to, long nth)
{
    return ((long)from * MAX_RANKS + to) * 1000000 + nth;
}

void traced_send(const void *data, int count, MPI_Datatype type, int to, int tag, MPI_Comm comm,
                 const char *what)
{
    int me;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    if (trace_on() && to < MAX_RANKS && me < MAX_RANKS)
        trace_send(message_number(me, to, sent_to[to]++), "send %s to %d", what, to);
    MPI_Send(data, count, type, to, tag, comm);
}

void traced_recv(void *data, int count, MPI_Datatype type, int from, int tag, MPI_Comm comm,
                 const char *what)
{
    int me;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    trace_begin_waiting("MPI_Recv");
    MPI_Recv(data, count, type, from, tag, comm, MPI_STATUS_IGNORE);
    trace_end();
    if (trace_on() && from < MAX_RANKS && me < MAX_RANKS)
        trace_receive(message_number(from, me, received_from[from]++), "receive %s from %d", what,
                      from);
}
