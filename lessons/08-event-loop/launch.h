/* launch.h - the servers by name, and a server started in a child process of its own.
 *
 * fibserver runs one server by name; the demo starts each in a child process, measures it
 * with the load client from the parent, and stops it through its stop pipe. */
#ifndef LAUNCH_H
#define LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

struct server_kind {
    const char *name;       /* what --server takes */
    int exercise;           /* the exercise that writes it; 0: given */
    const char *what;       /* one line for the usage text and the tables */
    const char *needs;      /* what it needs when it says ENOSYS (a stub): "exercise 3" */
    const char *files;      /* where, in lessons/08-event-loop/; both NULL for a given one */
};

extern const struct server_kind server_kinds[];
extern const int server_kind_count;

/* The kind called name, or NULL. */
const struct server_kind *find_server_kind(const char *name);

/* Runs the server `kind` on listen_fd until stop_fd is readable; `workers` is for pool. */
int serve_kind(const struct server_kind *kind, int listen_fd, int stop_fd, unsigned workers);

/* A server in a child process. */
struct running_server {
    const struct server_kind *kind;
    pid_t pid;
    int stop_fd;     /* the write end of its stop pipe */
    long port;
};

/* Starts `kind` in a child process listening on address, port 0 (a free one), with this
 * backlog, and checks that it answers. Returns 0; 1 if the server is a stub (it says "not
 * done yet" as ENOSYS) or failed, with a line on stdout saying which; -1 on an error here. */
int start_server(const struct server_kind *kind, const char *address, int backlog,
                 unsigned workers, struct running_server *server);

/* Stops it and waits for it. Returns 0 if it ended cleanly, -1 otherwise (with a message). */
int stop_server(struct running_server *server);

#endif
