/* listener.c - see listener.h. Given. */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "timing.h"

int listen_on(const char *address, long port, int backlog)
{
    struct sockaddr_in where;
    memset(&where, 0, sizeof where);
    where.sin_family = AF_INET;
    where.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, address, &where.sin_addr) != 1) {
        fprintf(stderr, "listen_on: '%s' is not an IPv4 address\n", address);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        return -1;
    }
    /* Without SO_REUSEADDR a server restarted right after it stopped cannot bind its port
     * for a minute: the old connections' TIME_WAIT entries still hold it. */
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
        perror("setsockopt SO_REUSEADDR");
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&where, sizeof where) != 0) {
        fprintf(stderr, "bind %s:%ld: %s\n", address, port, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, backlog) != 0) {
        perror("listen");
        close(fd);
        return -1;
    }
    return fd;
}

long listening_port(int listen_fd)
{
    struct sockaddr_in where;
    socklen_t size = sizeof where;
    if (getsockname(listen_fd, (struct sockaddr *)&where, &size) != 0)
        return -1;
    return ntohs(where.sin_port);
}

int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int stop_pipe_open(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        if (fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
            close(fds[0]);
            close(fds[1]);
            return -1;
        }
    }
    return set_nonblocking(fds[1]);
}

void stop_pipe_trigger(int stop_write_fd)
{
    /* Async-signal-safe: only write(), and errno is saved for the code the signal
     * interrupted. A full pipe (EAGAIN) already holds a stop, which is all we want. */
    int saved = errno;
    char stop = 's';
    ssize_t ignored = write(stop_write_fd, &stop, 1);
    (void)ignored;
    errno = saved;
}

bool stop_requested(int stop_fd)
{
    struct pollfd watch = { .fd = stop_fd, .events = POLLIN };
    return poll(&watch, 1, 0) > 0;
}

static volatile sig_atomic_t signal_stop_fd = -1;

static void on_stop_signal(int signal_number)
{
    (void)signal_number;
    if (signal_stop_fd >= 0)
        stop_pipe_trigger(signal_stop_fd);
}

void stop_on_signals(int stop_write_fd)
{
    signal_stop_fd = stop_write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = on_stop_signal;
    /* No SA_RESTART: a blocking call the signal interrupts returns EINTR, and every server
     * loop answers EINTR by looking at the stop pipe again. */
    action.sa_flags = 0;
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0)
        perror("sigaction");
    action.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &action, NULL) != 0)
        perror("sigaction SIGPIPE");
}

/* Waits until fd reports one of `events` (or an error, or its end) or the stop pipe is
 * readable: 1 for fd, 0 for the stop, -1 with errno on error. */
static int wait_for(int fd, short events, int stop_fd)
{
    struct pollfd watch[2] = { { .fd = fd, .events = events }, { .fd = stop_fd, .events = POLLIN } };
    for (;;) {
        if (poll(watch, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (watch[1].revents != 0)
            return 0;
        if (watch[0].revents != 0)   /* ready, at its end (POLLHUP) or broken: the call says */
            return 1;
    }
}

int wait_readable(int fd, int stop_fd)
{
    return wait_for(fd, POLLIN, stop_fd);
}

int wait_writable(int fd, int stop_fd)
{
    return wait_for(fd, POLLOUT, stop_fd);
}

bool out_of_fds_or_memory(int error)
{
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

int accept_next_client(int listen_fd, int stop_fd, int *client_fd)
{
    for (;;) {
        int ready = wait_readable(listen_fd, stop_fd);
        if (ready <= 0)
            return ready;
        int fd = accept(listen_fd, NULL, NULL);
        if (fd >= 0) {
            *client_fd = fd;
            return 1;
        }
        /* Gone between poll and accept, or interrupted: wait again. */
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
            continue;
        /* poll would say "readable" again at once: pause first, or this loop spins. */
        if (out_of_fds_or_memory(errno)) {
            sleep_ms(OUT_OF_FDS_PAUSE_MS);
            continue;
        }
        return -1;
    }
}
