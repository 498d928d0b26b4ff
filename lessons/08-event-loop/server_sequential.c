/* server_sequential.c - the fib server, one client at a time. Given.
 *
 * Accept a client, serve it until it leaves, accept the next. While one client is served,
 * every other waits in the listen backlog: connected as far as the kernel is concerned, and
 * not answered. The source material's first server, in C.
 */
#include "servers.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "trace.h"

int serve_sequential(int listen_fd, int stop_fd)
{
    /* Non-blocking, so that a client which gave up between poll and accept cannot leave
     * accept waiting for the next one: it says EAGAIN, and we wait again. */
    if (set_nonblocking(listen_fd) != 0)
        return -1;
    long clients = 0;
    for (;;) {
        int fd;
        int accepted = accept_next_client(listen_fd, stop_fd, &fd);
        if (accepted <= 0)
            return accepted;
        trace_note("accept conn %ld", ++clients);
        serve_blocking_connection(fd, stop_fd, clients);
        close(fd);
    }
}
