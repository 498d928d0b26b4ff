/* server_threads.c - the fib server, a thread per connection. Given.
 *
 * The main thread only accepts; each client gets a thread of its own that runs the blocking
 * code of the sequential server. A client that is slow to send blocks only its own thread.
 * The threads share one process, so on two cores two of them compute at once: in C, unlike
 * the source material's Python, two clients asking for fib(30) each get their answer as fast
 * as one.
 *
 * Clean shutdown: every connection thread watches the stop pipe too (it stays readable once
 * written), so a stop ends them all; the main thread joins every one before it returns, so
 * that nothing of the server is still running when its caller goes on (the tracer, for one,
 * reads every thread's records once they are joined).
 */
#include "servers.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "sync.h"
#include "trace.h"

/* One connection thread, and the accept loop's record of it until it is joined. */
struct client {
    int fd;
    int stop_fd;
    long number;
    pthread_t thread;
    atomic_bool ended;      /* the thread's last act: joining it now will not wait long */
    struct client *next;    /* the accept loop's list of threads not joined yet */
};

static void *serve_client(void *argument)
{
    struct client *client = argument;
    trace_name_thread("conn %ld", client->number);
    serve_blocking_connection(client->fd, client->stop_fd, client->number);
    close(client->fd);
    atomic_store(&client->ended, true);
    return NULL;
}

/* Joins the threads of the list that have ended (every one if `all`: after a stop, each ends
 * by itself) and frees their records. A thread that has ended still holds its stack until it
 * is joined: joining them as clients come means a server that runs for months does not
 * collect dead threads. */
static void join_threads(struct client **list, bool all)
{
    struct client **link = list;
    while (*link != NULL) {
        struct client *client = *link;
        if (!all && !atomic_load(&client->ended)) {
            link = &client->next;
            continue;
        }
        thread_join(client->thread);   /* the join, not `ended`, is what makes its end sure */
        *link = client->next;
        free(client);
    }
}

int serve_threads(int listen_fd, int stop_fd)
{
    if (set_nonblocking(listen_fd) != 0)
        return -1;
    struct client *running = NULL;
    long clients = 0;
    int status = 0;
    for (;;) {
        int fd;
        status = accept_next_client(listen_fd, stop_fd, &fd);
        if (status <= 0)
            break;
        join_threads(&running, false);
        struct client *client = malloc(sizeof *client);
        if (client == NULL)
            die_with_error("serve_threads", ENOMEM);
        *client = (struct client){ .fd = fd, .stop_fd = stop_fd, .number = ++clients,
                                   .next = running };
        atomic_init(&client->ended, false);
        running = client;
        thread_create(&client->thread, serve_client, client);
    }
    int saved = errno;
    /* Each thread sees the stop pipe (or its client leaving) and ends; wait for every one. */
    join_threads(&running, true);
    errno = saved;
    return status;
}
