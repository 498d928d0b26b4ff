/* server_threads.c - the fib server, a thread per connection. Given.
 *
 * The main thread only accepts; each client gets a thread of its own that runs the blocking
 * code of the sequential server. A client that is slow to send blocks only its own thread.
 * The threads share one process, so on two cores two of them compute at once: in C, unlike
 * the source's Python, two clients asking for fib(30) each get their answer as fast as one.
 *
 * Clean shutdown: every connection thread watches the stop pipe too (it stays readable once
 * written), so a stop ends them all; the main thread counts the live ones and waits until
 * there are none before it returns.
 */
#include "servers.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "sync.h"
#include "trace.h"

struct live_count {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    long threads;             /* connection threads that have not ended yet */
};

struct client {
    int fd;
    int stop_fd;
    long number;
    struct live_count *live;
};

static void *serve_client(void *argument)
{
    struct client client = *(struct client *)argument;
    free(argument);
    trace_name_thread("conn %ld", client.number);
    serve_blocking_connection(client.fd, client.stop_fd, client.number);
    close(client.fd);
    mutex_lock(&client.live->lock);
    client.live->threads--;
    cond_signal(&client.live->changed);
    mutex_unlock(&client.live->lock);
    return NULL;
}

int serve_threads(int listen_fd, int stop_fd)
{
    if (set_nonblocking(listen_fd) != 0)
        return -1;
    struct live_count live = { .threads = 0 };
    mutex_init(&live.lock);
    cond_init(&live.changed);
    long clients = 0;
    int status = 0;
    for (;;) {
        int fd;
        status = accept_next_client(listen_fd, stop_fd, &fd);
        if (status <= 0)
            break;
        struct client *client = malloc(sizeof *client);
        if (client == NULL)
            die_with_error("serve_threads", ENOMEM);
        *client = (struct client){ .fd = fd, .stop_fd = stop_fd, .number = ++clients,
                                   .live = &live };
        mutex_lock(&live.lock);
        live.threads++;
        mutex_unlock(&live.lock);
        pthread_t thread;
        thread_create(&thread, serve_client, client);
        /* Nobody joins a connection thread: detached, it frees its own resources when it
         * ends, so a server that runs for months does not collect dead threads. */
        int error = pthread_detach(thread);
        if (error != 0)
            die_with_error("pthread_detach", error);
    }
    int saved = errno;
    /* Each thread sees the stop pipe (or its client leaving) and ends; wait for the last. */
    mutex_lock(&live.lock);
    while (live.threads > 0)
        cond_wait(&live.changed, &live.lock);
    mutex_unlock(&live.lock);
    cond_destroy(&live.changed);
    mutex_destroy(&live.lock);
    errno = saved;
    return status;
}
