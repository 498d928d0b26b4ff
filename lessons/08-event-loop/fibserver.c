/* fibserver.c - runs one of the lesson's servers until Ctrl-C (SIGINT) or SIGTERM.
 *
 *   fibserver --server epoll --port 25000
 *   nc 127.0.0.1 25000          then type 10, Enter: 55
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "launch.h"
#include "listener.h"

static const char usage_text[] =
    "--server sequential|threads|processes|select|epoll|pool [--port N] [--address IPV4] "
    "[--workers N] [--backlog N]";

int main(int argc, char **argv)
{
    const char *program = "fibserver";
    const char *address = "127.0.0.1";   /* loopback: not reachable from other machines */
    const struct server_kind *kind = NULL;
    long port = 25000, workers = 2, backlog = LISTEN_BACKLOG;
    static const struct option options[] = {
        { "server", required_argument, NULL, 's' }, { "port", required_argument, NULL, 'p' },
        { "address", required_argument, NULL, 'a' }, { "workers", required_argument, NULL, 'w' },
        { "backlog", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (option) {
        case 's':
            kind = find_server_kind(optarg);
            if (kind == NULL)
                usage_error(program, usage_text, "--server must be one of the six names");
            break;
        case 'p': port = number_argument(program, usage_text, "--port", optarg, 0, 65535); break;
        case 'a': address = optarg; break;
        case 'w': workers = number_argument(program, usage_text, "--workers", optarg, 1, 256); break;
        case 'b': backlog = number_argument(program, usage_text, "--backlog", optarg, 1, 65535); break;
        default: usage_error(program, usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error(program, usage_text, "unexpected argument");
    if (kind == NULL)
        usage_error(program, usage_text, "which server? (--server)");
    int listen_fd = listen_on(address, port, (int)backlog);
    int stop[2];
    if (listen_fd < 0)
        return 1;
    if (stop_pipe_open(stop) != 0) {
        perror("pipe");
        return 1;
    }
    stop_on_signals(stop[1]);
    /* Port 0 asks the kernel for a free port: say which one it chose. */
    printf("fibserver: %s server (%s) listening on %s:%ld; Ctrl-C stops it\n", kind->name,
           kind->what, address, listening_port(listen_fd));
    fflush(stdout);
    int status = serve_kind(kind, listen_fd, stop[0], (unsigned)workers);
    /* A server whose exercise is not done yet returns at once: no error, just nothing to do. */
    bool not_done = status != 0 && errno == ENOSYS && kind->needs != NULL;
    if (not_done)
        printf("fibserver: the %s server needs %s (lessons/08-event-loop/%s); it stopped at "
               "once\n", kind->name, kind->needs, kind->files);
    else if (status != 0)
        perror("fibserver");
    else
        printf("fibserver: stopped\n");
    close(listen_fd);
    close(stop[0]);
    close(stop[1]);
    return status == 0 || not_done ? 0 : 1;
}
