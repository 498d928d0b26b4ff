/* server_select.c - the fib server, every connection on one thread, with select().
 *
 * The reference solution of exercise 2: serve_select() and accept_clients().
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
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            /* Out of fds or memory: the rest wait in the backlog. Not a reason to stop
             * serving everyone else; but the listening socket stays readable, so it must
             * stay out of the sets for a while, or select() says "ready" at once, for ever. */
            if (out_of_fds_or_memory(errno)) {
                server->out_of_fds = true;
                return 0;
            }
            return -1;
        }
        /* FD_SET with fd >= FD_SETSIZE writes past the end of the fd_set: memory corruption,
         * not an error message. A select() server must refuse such a client. */
        if (fd >= FD_SETSIZE) {
            static const char full[] = "error: server full\n";
            send(fd, full, sizeof full - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            continue;
        }
        struct connection *c = malloc(sizeof *c);
        if (c == NULL || set_nonblocking(fd) != 0) {
            free(c);
            close(fd);
            continue;
        }
        connection_init(c, fd, ++server->accepted);
        server->clients[fd] = c;
        trace_note("accept conn %ld", c->number);
    }
}

int serve_select(int listen_fd, int stop_fd)
{
    if (listen_fd >= FD_SETSIZE || stop_fd >= FD_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    if (set_nonblocking(listen_fd) != 0)
        return -1;
    struct select_server *server = calloc(1, sizeof *server);
    if (server == NULL)
        return -1;
    int status = 0;
    for (;;) {
        /* After running out of fds, a turn without the listening socket, which lasts at most
         * OUT_OF_FDS_PAUSE_MS; the turn after it tries again. */
        bool accepting = !server->out_of_fds;
        server->out_of_fds = false;
        struct timeval pause = { .tv_sec = 0, .tv_usec = OUT_OF_FDS_PAUSE_MS * 1000 };
        /* select() overwrites the sets with its answer: build them again on every turn. */
        fd_set readable, writable;
        FD_ZERO(&readable);
        FD_ZERO(&writable);
        if (accepting)
            FD_SET(listen_fd, &readable);
        FD_SET(stop_fd, &readable);
        int highest = listen_fd > stop_fd ? listen_fd : stop_fd;
        for (int fd = 0; fd < FD_SETSIZE; fd++) {
            struct connection *c = server->clients[fd];
            if (c == NULL)
                continue;
            /* Read only from clients that can take more replies: one that sends and never
             * reads is left alone until it does, and its socket buffers fill up instead of
             * our memory. */
            if (connection_wants_input(c))
                FD_SET(fd, &readable);
            if (connection_has_output(c))
                FD_SET(fd, &writable);
            highest = fd > highest ? fd : highest;
        }
        if (select(highest + 1, &readable, &writable, NULL, accepting ? NULL : &pause) < 0) {
            if (errno == EINTR)
                continue;
            status = -1;
            break;
        }
        if (FD_ISSET(stop_fd, &readable))
            break;
        for (int fd = 0; fd <= highest; fd++) {
            struct connection *c = server->clients[fd];
            if (c == NULL)
                continue;
            bool can_read = FD_ISSET(fd, &readable);
            if (!can_read && !FD_ISSET(fd, &writable))
                continue;
            if (!connection_serve(c, can_read, NULL))
                close_client(server, c);   /* and it is out of the sets of the next turn */
        }
        /* After the clients, so that a new client's fd, which was not in this turn's sets,
         * is not looked at with this turn's answer. */
        if (FD_ISSET(listen_fd, &readable) && accept_clients(server, listen_fd) != 0) {
            status = -1;
            break;
        }
    }
    int saved = errno;
    for (int fd = 0; fd < FD_SETSIZE; fd++)
        if (server->clients[fd] != NULL)
            close_client(server, server->clients[fd]);
    free(server);
    errno = saved;
    return status;
}
