/* listener.h - what every server needs before its first client: a listening socket, and a way
 * to be told to stop.
 *
 * The stop pipe: a server watches the read end of a pipe next to its sockets. Writing one
 * byte into the write end (a SIGINT or SIGTERM handler does it; a test does it by hand) makes
 * the read end readable, and since nobody reads that byte it stays readable: every thread or
 * child process that watches it sees the stop, however many there are. write() is one of the
 * few calls a signal handler may make safely, so this works from a handler too.
 */
#ifndef LISTENER_H
#define LISTENER_H

#include <stdbool.h>

/* The listen backlog: how many connections the kernel completes and queues for accept() before
 * the server gets to them. The source material's listen(5) is far too small for a thousand clients
 * connecting at once (README.md, "The listen backlog"). Linux silently caps it at
 * /proc/sys/net/core/somaxconn (4096 on current kernels). */
#define LISTEN_BACKLOG 4096

/* A TCP socket bound to address:port (an IPv4 address such as "127.0.0.1"; port 0 lets the
 * kernel pick a free one), with SO_REUSEADDR, listening with `backlog`. Returns the socket, or
 * -1 after printing why on stderr. */
int listen_on(const char *address, long port, int backlog);

/* The port a listening socket is bound to (what port 0 turned into), or -1. */
long listening_port(int listen_fd);

/* Makes fd non-blocking: read, write and accept then return -1 with errno EAGAIN instead of
 * waiting. Returns 0, or -1 with errno set. */
int set_nonblocking(int fd);

/* Opens a stop pipe: fds[0] to watch, fds[1] to write to. Both close on exec, and the write
 * end never blocks. Returns 0, or -1 with errno set. */
int stop_pipe_open(int fds[2]);

/* Asks every server watching the pipe to stop: writes one byte into its write end. */
void stop_pipe_trigger(int stop_write_fd);

/* True if a stop has been asked for on this pipe (never waits). */
bool stop_requested(int stop_fd);

/* Makes SIGINT and SIGTERM trigger the stop pipe, and makes SIGPIPE harmless: writing to a
 * client that has gone then fails with EPIPE instead of killing the server. */
void stop_on_signals(int stop_write_fd);

/* For the blocking servers: waits until fd is readable or a stop is asked for. Returns 1 when
 * fd is readable (or at its end: a read will not wait), 0 on stop, -1 with errno on error. */
int wait_readable(int fd, int stop_fd);

/* For the blocking servers: waits until fd has room to send or a stop is asked for. A client
 * that never reads its replies fills the socket, and a blocking send() to it would wait for
 * ever, stop or no stop. Returns 1 when fd is writable (or broken: a send will not wait), 0 on
 * stop, -1 with errno on error. */
int wait_writable(int fd, int stop_fd);

/* How long a server that has run out of fds leaves its listening socket alone before it tries
 * accept() again. The waiting client stays in the backlog, so the socket stays readable: a
 * server that went straight back to poll, select or epoll_wait would be told "readable" at
 * once, fail again, and spin at 100% CPU until a client leaves. */
#define OUT_OF_FDS_PAUSE_MS 50

/* True if accept() failed with this errno for want of fds or memory (EMFILE, ENFILE, ENOBUFS,
 * ENOMEM): not a reason to stop serving the clients already connected. The client waits in the
 * backlog; try again after OUT_OF_FDS_PAUSE_MS, when a client may have left. */
bool out_of_fds_or_memory(int error);

/* For the blocking servers: waits for the next client and accepts it (listen_fd must be
 * non-blocking). Returns 1 with *client_fd set, 0 on stop, -1 with errno on an error that ends
 * the server. Running out of fds or memory is not such an error: the client waits in the
 * backlog while the server goes on serving the others, and it tries again after
 * OUT_OF_FDS_PAUSE_MS. */
int accept_next_client(int listen_fd, int stop_fd, int *client_fd);

#endif
