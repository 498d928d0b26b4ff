/* exchange.c - two ranks swap buffers, without deadlock (see exchange.h).
 *
 * This is a file you edit: exercise 3 is exchange() below.
 */
#include "exchange.h"

int exchange(const double *send, double *receive, int count, int partner, MPI_Comm comm)
{
    /* TODO(exercise 3): send send[0 .. count - 1] to partner and receive count doubles from
     * it into receive, with EXCHANGE_TAG, in a way that cannot deadlock whatever count is.
     * MPI_Send then MPI_Recv on both ranks works only for small messages: see exchange.h. */
    (void)send;
    (void)receive;
    (void)count;
    (void)partner;
    (void)comm;
    return -1;
}
