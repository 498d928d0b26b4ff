/* launch.c - see launch.h. Given. */
#include "launch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "listener.h"
#include "pool.h"
#include "protocol.h"
#include "servers.h"
#include "timing.h"

/* A child whose server is a stub exits with this status. */
#define NOT_DONE_STATUS 3

const struct server_kind server_kinds[] = {
    { "sequential", 0, "one client at a time", NULL, NULL },
    { "threads", 0, "a thread per connection", NULL, NULL },
    { "processes", 0, "a process per connection", NULL, NULL },
    { "select", 2, "one thread, select()", "exercise 2", "server_select.c" },
    { "epoll", 3, "one thread, epoll", "exercise 3", "server_epoll.c" },
    /* The pool's loop is the epoll server's: until exercise 3 is done, it is what says ENOSYS. */
    { "pool", 4, "epoll + worker threads for fib > 25", "exercises 3 and 4",
      "server_epoll.c and pool.c" },
};
const int server_kind_count = sizeof server_kinds / sizeof server_kinds[0];

const struct server_kind *find_server_kind(const char *name)
{
    for (int k = 0; k < server_kind_count; k++)
        if (strcmp(server_kinds[k].name, name) == 0)
            return &server_kinds[k];
    return NULL;
}

int serve_kind(const struct server_kind *kind, int listen_fd, int stop_fd, unsigned workers)
{
    if (strcmp(kind->name, "sequential") == 0)
        return serve_sequential(listen_fd, stop_fd);
    if (strcmp(kind->name, "threads") == 0)
        return serve_threads(listen_fd, stop_fd);
    if (strcmp(kind->name, "processes") == 0)
        return serve_processes(listen_fd, stop_fd);
    if (strcmp(kind->name, "select") == 0)
        return serve_select(listen_fd, stop_fd);
    if (strcmp(kind->name, "epoll") == 0)
        return serve_epoll(listen_fd, stop_fd, NULL);
    return serve_pool(listen_fd, stop_fd, workers, fib);
}

/* One request "1\n" on a new connection; true if "1\n" comes back within a few seconds.
 * Gives up early if the child has already ended. */
static bool answers(struct running_server *server, const char *address, int *child_status,
                    bool *child_ended)
{
    struct sockaddr_in where = { .sin_family = AF_INET, .sin_port = htons((unsigned short)server->port) };
    inet_pton(AF_INET, address, &where.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&where, sizeof where) != 0 ||
        send(fd, "1\n", 2, MSG_NOSIGNAL) != 2) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    char reply[8];
    size_t got = 0;
    bool ok = false;
    double give_up = now_seconds() + 5;
    while (now_seconds() < give_up) {
        if (waitpid(server->pid, child_status, WNOHANG) == server->pid) {
            *child_ended = true;
            break;
        }
        struct pollfd watch = { .fd = fd, .events = POLLIN };
        if (poll(&watch, 1, 10) <= 0)
            continue;
        ssize_t n = recv(fd, reply + got, sizeof reply - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (memchr(reply, '\n', got) != NULL) {
            ok = got == 2 && memcmp(reply, "1\n", 2) == 0;
            break;
        }
    }
    close(fd);
    return ok;
}

int start_server(const struct server_kind *kind, const char *address, int backlog,
                 unsigned workers, struct running_server *server)
{
    int listen_fd = listen_on(address, 0, backlog);
    int stop[2];
    if (listen_fd < 0)
        return -1;
    if (stop_pipe_open(stop) != 0) {
        perror("pipe");
        close(listen_fd);
        return -1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        close(stop[1]);
        signal(SIGPIPE, SIG_IGN);
        int status = serve_kind(kind, listen_fd, stop[0], workers);
        if (status != 0 && errno == ENOSYS)
            _exit(NOT_DONE_STATUS);
        if (status != 0)
            perror(kind->name);
        close(listen_fd);
        close(stop[0]);
        _exit(status == 0 ? 0 : 1);
    }
    close(stop[0]);
    *server = (struct running_server){ .kind = kind, .pid = pid, .stop_fd = stop[1],
                                       .port = listening_port(listen_fd) };
    close(listen_fd);   /* the child has it; the kernel keeps the port while it does */
    int child_status = 0;
    bool child_ended = false;
    if (answers(server, address, &child_status, &child_ended))
        return 0;
    /* No answer: find out why. A stub has ended by itself; anything else is told to stop. */
    if (!child_ended) {
        stop_pipe_trigger(server->stop_fd);
        while (waitpid(server->pid, &child_status, 0) < 0 && errno == EINTR)
            continue;
    }
    close(server->stop_fd);
    if (WIFEXITED(child_status) && WEXITSTATUS(child_status) == NOT_DONE_STATUS)
        printf("  %-10s (exercise %d is not done yet)\n", kind->name, kind->exercise);
    else
        printf("  %-10s FAILED: it does not answer \"1\" with \"1\"\n", kind->name);
    return 1;
}

int stop_server(struct running_server *server)
{
    stop_pipe_trigger(server->stop_fd);
    close(server->stop_fd);
    int status;
    while (waitpid(server->pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("waitpid");
            return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s server: did not end cleanly (status %d)\n", server->kind->name,
                status);
        return -1;
    }
    return 0;
}
