/* server_select.c - the fib server, every connection on one thread, with select().
 *
 * This is the file you edit for exercise 2: accept_clients() and serve_select(), marked
 * TODO(exercise 2). Change only their bodies (add helpers if you like); README.md says what
 * they must do and `make hint EX=2` helps.
 *
 * select() takes sets of file descriptors (bit arrays, one bit per fd number) and sleeps
 * until at least one of them is ready: readable (data, a new connection, end of file) or
 * writable (room in the send buffer). It then leaves in each set only the ready ones. The
 * loop serves exactly those, never waiting on any one client, and goes back to select().
 *
 * Two limits come with it, and the reason epoll exists: the sets are rebuilt and scanned in
 * full on every turn (the cost grows with the number of connections, not with the number of
 * ready ones), and an fd_set holds only fds below FD_SETSIZE (1024 with glibc).
 */
#include "servers.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connection.h"
#include "listener.h"
#include "trace.h"

struct select_server {
    struct connection *clients[FD_SETSIZE];   /* by fd number; NULL: not a client */
    long accepted;                            /* clients so far, to number them */
    bool out_of_fds;                          /* accept() failed for want of fds: leave the
                                                 listening socket out of the next turn */
};

/* Given. Stops watching a client and frees it. */
static void close_client(struct select_server *server, struct connection *c)
{
    server->clients[c->fd] = NULL;
    close(c->fd);
    connection_release(c);
    free(c);
}

/* Accepts every client waiting in the backlog: many may have connected since the last turn,
 * and the listening socket is non-blocking, so accept() says EAGAIN when none is left instead
 * of waiting for the next (which would stall every client already connected). */
static int accept_clients(struct select_server *server, int listen_fd)
{
    /* TODO(exercise 2): accept() every client waiting (the listening socket is non-blocking:
     * EAGAIN means none is left; EINTR and ECONNABORTED mean try again;
     * out_of_fds_or_memory(errno) means "not now": set server->out_of_fds and return 0). A
     * client whose fd is FD_SETSIZE or more cannot go in an fd_set: close it. Make every other one non-blocking (set_nonblocking), give it
     * a struct connection (malloc, connection_init with ++server->accepted) and put it in
     * server->clients[fd]. Returns 0, or -1 on another error. */
    (void)server;
    (void)listen_fd;
    errno = ENOSYS;
    return -1;
}

int serve_select(int listen_fd, int stop_fd)
{
    /* TODO(exercise 2): the loop. Make listen_fd non-blocking. Then, until stop_fd is
     * readable: build the sets (listen_fd and stop_fd readable; each client readable if
     * connection_wants_input, writable if connection_has_output), select(), serve each client
     * found ready with connection_serve() (close_client() when it returns false), then
     * accept_clients() if listen_fd is ready. After accept_clients() set out_of_fds, one turn
     * leaves listen_fd out of the sets and gives select() a timeout of OUT_OF_FDS_PAUSE_MS
     * (the listening socket stays readable while the client waits: watched, it would make
     * every select() return at once). EINTR from select: go round again. At the end, close
     * every client and free what you allocated; return 0 (or -1 on an error). */
    (void)listen_fd;
    (void)stop_fd;
    (void)close_client;
    (void)accept_clients;
    errno = ENOSYS;   /* "not implemented": the demo prints that this exercise is not done */
    return -1;
}
