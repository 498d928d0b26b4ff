/* server_epoll.c - the fib server, every connection on one thread, with epoll.
 *
 * The reference solution of exercise 3: serve_epoll(), accept_clients() and watch().
 *
 * epoll turns select() around. Instead of handing the kernel the whole list of fds on every
 * turn, the loop registers each fd once (epoll_ctl ADD), changes what it watches only when
 * that changes (MOD), and removes it when it is done (DEL). epoll_wait() then returns only the
 * fds that are ready: a turn costs what the ready clients cost, however many idle ones there
 * are. That is how one thread holds 10,000 connections.
 *
 * Level-triggered (the default, and what redis uses): an fd is reported on every epoll_wait
 * for as long as it is ready, so reading once per turn loses nothing. (Edge-triggered,
 * EPOLLET, reports only the change to ready: a loop using it must read until EAGAIN, or the
 * rest of the data waits for a next edge that may never come.)
 *
 * epoll is Linux-only: BSD and macOS have kqueue, which works the same way (kevent registers
 * and waits); libraries such as libevent and libuv hide the difference.
 */
#define _GNU_SOURCE   /* accept4(), Linux's: accept and make non-blocking in one call */
#include "servers.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connection.h"
#include "listener.h"
#include "pool.h"
#include "trace.h"

#define EVENTS_PER_WAIT 256

struct epoll_server {
    int epoll_fd;
    int listen_fd;
    int stop_fd;
    struct pool *pool;            /* NULL: compute everything on this thread */
    struct connection **clients;  /* by fd number; NULL: not a client */
    size_t capacity;              /* entries in clients: more than the highest client fd */
    bool accepting;               /* false for one turn after running out of fds */
    long accepted;
};

/* Given. Stops watching a client and closes its socket. A connection whose request is with
 * the workers is not freed yet: its job still points at it, and pool_collect() gives it back
 * (with fd -1, so the loop knows to free it then). */
static void close_client(struct epoll_server *server, struct connection *c)
{
    /* Not strictly needed (close() removes an fd from every epoll set once no other copy of
     * it is open), but it says what happens and is right even with copies around. */
    epoll_ctl(server->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    server->clients[c->fd] = NULL;
    close(c->fd);
    c->fd = -1;
    if (!c->busy) {
        connection_release(c);
        free(c);
    }
}

/* Given. The client on fd, or NULL if fd is not a client (any more). */
static struct connection *client_at(const struct epoll_server *server, int fd)
{
    return (size_t)fd < server->capacity ? server->clients[fd] : NULL;
}

/* Given. Makes server->clients long enough to hold fd. The table grows with the highest fd in
 * use, doubling, rather than being sized by the limit on open files: that limit may be 2^30
 * on a container host, which would make a table of 8 GiB. Returns 0, or -1 if out of memory. */
static int make_room_for(struct epoll_server *server, int fd)
{
    if ((size_t)fd < server->capacity)
        return 0;
    size_t capacity = server->capacity > 0 ? server->capacity : 64;
    while (capacity <= (size_t)fd)
        capacity *= 2;
    struct connection **bigger = realloc(server->clients, capacity * sizeof *bigger);
    if (bigger == NULL)
        return -1;
    memset(bigger + server->capacity, 0, (capacity - server->capacity) * sizeof *bigger);
    server->clients = bigger;
    server->capacity = capacity;
    return 0;
}

/* Given. Stops or starts watching the listening socket. Out of fds, the client waits in the
 * backlog and the socket stays readable: a level-triggered loop that kept watching it would
 * be told "ready" on every turn and spin at 100% CPU until a client leaves. Returns 0, or -1
 * with errno. */
static int watch_listener(struct epoll_server *server, bool accepting)
{
    struct epoll_event event = { .events = accepting ? EPOLLIN : 0, .data.fd = server->listen_fd };
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_MOD, server->listen_fd, &event) != 0)
        return -1;
    server->accepting = accepting;
    return 0;
}

/* Asks the kernel to watch c for what it needs now: readable if it wants input, writable if
 * replies wait. Only a change costs a system call. Returns 0, or -1 with errno. */
static int watch(struct epoll_server *server, struct connection *c)
{
    int wanted = (connection_wants_input(c) ? EPOLLIN : 0) |
                 (connection_has_output(c) ? EPOLLOUT : 0);
    if (wanted == c->watched)
        return 0;
    struct epoll_event event = { .events = (unsigned)wanted, .data.fd = c->fd };
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_MOD, c->fd, &event) != 0)
        return -1;
    c->watched = wanted;
    return 0;
}

/* Every client waiting in the backlog, each registered for reading. */
static int accept_clients(struct epoll_server *server)
{
    for (;;) {
        int fd = accept4(server->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            /* Out of fds or memory: the rest wait in the backlog. Leave the listening socket
             * alone for a turn (serve_epoll waits at most OUT_OF_FDS_PAUSE_MS, then watches it
             * again), instead of being told every turn that it is readable. */
            if (out_of_fds_or_memory(errno))
                return watch_listener(server, false);
            return -1;
        }
        struct connection *c = malloc(sizeof *c);
        if (c == NULL || make_room_for(server, fd) != 0) {
            free(c);
            close(fd);
            continue;
        }
        connection_init(c, fd, ++server->accepted);
        struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };
        if (epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
            connection_release(c);
            free(c);
            close(fd);
            return -1;
        }
        c->watched = EPOLLIN;
        server->clients[fd] = c;
        trace_note("accept conn %ld", c->number);
    }
}

/* For pool_collect(): a job is back. Answer the requests that waited behind it and watch the
 * socket for what it needs now, or free the connection if its client left meanwhile. */
static void resume_client(struct connection *c, void *context)
{
    struct epoll_server *server = context;
    if (c->fd < 0) {
        connection_release(c);
        free(c);
        return;
    }
    if (!connection_serve(c, false, server->pool) || watch(server, c) != 0)
        close_client(server, c);
}

/* Registers fd for reading, for the fds that are not clients. */
static int watch_for_reading(int epoll_fd, int fd)
{
    struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

int serve_epoll(int listen_fd, int stop_fd, struct pool *pool)
{
    if (set_nonblocking(listen_fd) != 0)
        return -1;
    struct epoll_server server = {
        .listen_fd = listen_fd, .stop_fd = stop_fd, .pool = pool, .accepting = true,
    };
    server.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    int wake_fd = pool != NULL ? pool_wake_fd(pool) : -1;
    if (server.epoll_fd < 0 || watch_for_reading(server.epoll_fd, listen_fd) != 0 ||
        watch_for_reading(server.epoll_fd, stop_fd) != 0 ||
        (pool != NULL && watch_for_reading(server.epoll_fd, wake_fd) != 0)) {
        int saved = errno;
        if (server.epoll_fd >= 0)
            close(server.epoll_fd);
        errno = saved;
        return -1;
    }
    int status = 0;
    bool stopping = false;
    struct epoll_event events[EVENTS_PER_WAIT];
    while (!stopping && status == 0) {
        trace_begin_waiting("epoll_wait");
        /* Not accepting (out of fds): wait at most a pause, then watch the listener again. */
        int ready = epoll_wait(server.epoll_fd, events, EVENTS_PER_WAIT,
                               server.accepting ? -1 : OUT_OF_FDS_PAUSE_MS);
        trace_end();
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            status = -1;
            break;
        }
        if (!server.accepting && watch_listener(&server, true) != 0) {
            status = -1;
            break;
        }
        bool clients_waiting = false;
        for (int i = 0; i < ready && status == 0; i++) {
            int fd = events[i].data.fd;
            if (fd == stop_fd) {
                stopping = true;
            } else if (fd == listen_fd) {
                clients_waiting = true;
            } else if (fd == wake_fd) {
                pool_collect(pool, resume_client, &server);
            } else if (client_at(&server, fd) != NULL) {
                /* NULL: closed earlier in this same batch (by resume_client). */
                struct connection *c = client_at(&server, fd);
                /* An error, or a hang-up while the workers have its request (nothing to read,
                 * nothing to send: level-triggered epoll would report it on every turn). */
                bool broken = (events[i].events & EPOLLERR) != 0 ||
                              ((events[i].events & EPOLLHUP) != 0 && c->busy);
                bool readable = (events[i].events & (EPOLLIN | EPOLLHUP)) != 0;
                if (broken || !connection_serve(c, readable, pool) || watch(&server, c) != 0)
                    close_client(&server, c);
            }
        }
        /* Accept after the batch, not in the middle of it. A client closed by an earlier
         * event of the batch frees its fd number; accepted now, a new client could get that
         * number, and a later event of the batch, meant for the closed client (an error, say),
         * would be taken for the new one's. After the batch, no stale event is left. */
        if (clients_waiting && status == 0 && !stopping)
            status = accept_clients(&server);
    }
    int saved = errno;
    for (size_t fd = 0; fd < server.capacity; fd++)
        if (server.clients[fd] != NULL)
            close_client(&server, server.clients[fd]);
    close(server.epoll_fd);
    free(server.clients);
    errno = saved;
    return status;
}
