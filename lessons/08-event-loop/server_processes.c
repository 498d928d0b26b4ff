/* server_processes.c - the fib server, a child process per connection. Given.
 *
 * After accept(), fork(): the child serves that one client with the blocking code and ends;
 * the parent closes its copy of the client's socket and goes back to accept(). Each child has
 * its own memory, so nothing is shared and nothing can race; the price is a fork per
 * connection (about five times a thread's start, lesson 01).
 *
 * (The source material's version started four processes per connection, all reading the
 * same socket: each request then went to whichever of the four read first, and four processes
 * were made where one does the job.)
 *
 * A child that has ended stays a zombie, holding its process-table entry, until its parent
 * waits for it. The parent reaps them in a SIGCHLD handler, as they end; on a stop, it waits
 * for every child still running (each one sees the stop pipe and ends).
 */
#include "servers.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listener.h"
#include "trace.h"

static void reap_children(int signal_number)
{
    (void)signal_number;
    int saved = errno;   /* waitpid may change errno under the code the signal interrupted */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        continue;
    errno = saved;
}

int serve_processes(int listen_fd, int stop_fd)
{
    if (set_nonblocking(listen_fd) != 0)
        return -1;
    struct sigaction reap, before;
    memset(&reap, 0, sizeof reap);
    sigemptyset(&reap.sa_mask);
    reap.sa_handler = reap_children;
    /* SA_RESTART: a read or accept that SIGCHLD interrupts goes on by itself. (poll() is
     * never restarted, whatever the flags; wait_readable() tries it again on EINTR.) */
    reap.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &reap, &before) != 0)
        return -1;
    long clients = 0;
    int status = 0;
    for (;;) {
        int fd;
        status = accept_next_client(listen_fd, stop_fd, &fd);
        if (status <= 0)
            break;
        clients++;
        pid_t child = fork();
        if (child < 0) {
            /* Too many processes, or no memory: this client is turned away (it sees the
             * connection close), and the server goes on serving the others. */
            close(fd);
            continue;
        }
        if (child == 0) {
            /* The child serves this one client. The listening socket is the parent's job. */
            close(listen_fd);
            serve_blocking_connection(fd, stop_fd, clients);
            close(fd);
            _exit(0);   /* not exit(): the parent's stdio buffers and atexit handlers are
                           copies the child must not run */
        }
        close(fd);      /* the child has its own copy; the parent's would keep it open */
        trace_note("fork for conn %ld", clients);
    }
    int saved = errno;
    /* Every child sees the stop pipe and ends; reap the last ones. ECHILD: none left. */
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        continue;
    sigaction(SIGCHLD, &before, NULL);
    errno = saved;
    return status;
}
