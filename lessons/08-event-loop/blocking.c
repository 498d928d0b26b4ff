/* blocking.c - serving one client with blocking calls: the code a first server is made of.
 *
 * Read until a whole line is there, answer it, repeat. The state of the conversation (the
 * bytes of a request that has only half arrived) lives in this function's local variables,
 * so the code reads top to bottom. The price: while it waits for this client, the thread
 * that runs it can do nothing else. The sequential server has one such thread; the others
 * start one thread or one process per client. Every wait (for a request, for room to send a
 * reply) also watches the stop pipe, so that no client can keep the server from stopping.
 * Given.
 */
#include "servers.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"
#include "protocol.h"
#include "trace.h"

/* Sends the whole reply, waiting for room for as long as the client takes to read, but not
 * past a stop. A blocking send() would wait inside the kernel, where the stop pipe cannot
 * reach it: a client that never reads would keep the server from stopping. So each send()
 * takes only what fits now (MSG_DONTWAIT), and the waiting is done by poll(), which watches
 * the stop pipe too. Returns true once all is sent, false if the client has gone or on stop. */
static bool send_reply(int fd, int stop_fd, const char *reply, size_t length)
{
    while (length > 0) {
        ssize_t sent = send(fd, reply, length, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent >= 0) {
            reply += sent;
            length -= (size_t)sent;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_writable(fd, stop_fd) <= 0)
                return false;
        } else if (errno != EINTR) {
            return false;                            /* EPIPE, ECONNRESET: the client left */
        }
    }
    return true;
}

void serve_blocking_connection(int fd, int stop_fd, long number)
{
    char buffer[REQUEST_MAX + 1];   /* the longest request and its newline */
    size_t length = 0;
    char reply[REPLY_MAX];
    for (;;) {
        char *newline = memchr(buffer, '\n', length);
        if (newline == NULL) {
            if (length == sizeof buffer) {           /* no newline in REQUEST_MAX + 1 bytes */
                send_reply(fd, stop_fd, reply, format_too_long(reply));
                return;
            }
            /* Waits for this client (or a stop), not for the others: only here it may. */
            if (wait_readable(fd, stop_fd) <= 0)
                return;
            ssize_t got = read(fd, buffer + length, sizeof buffer - length);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)                            /* the client left, or the link broke */
                return;
            length += (size_t)got;
            continue;
        }
        /* A whole request: answer it, then keep whatever came after it for the next one. */
        size_t line_length = (size_t)(newline - buffer);
        long n;
        size_t reply_length;
        if (parse_request(buffer, line_length, &n)) {
            trace_begin("conn %ld: fib(%ld)", number, n);
            reply_length = format_reply(fib(n), reply);
            trace_end();
        } else {
            reply_length = format_bad_request(reply);
        }
        if (!send_reply(fd, stop_fd, reply, reply_length))
            return;
        length -= line_length + 1;
        memmove(buffer, newline + 1, length);
    }
}
