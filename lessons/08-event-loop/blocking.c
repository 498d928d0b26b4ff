/* blocking.c - serving one client with blocking calls: the code a first server is made of.
 *
 * Read until a whole line is there, answer it, repeat. The state of the conversation (the
 * bytes of a request that has only half arrived) lives in this function's local variables,
 * so the code reads top to bottom. The price: while it waits for this client, the thread
 * that runs it can do nothing else. The sequential server has one such thread; the others
 * start one thread or one process per client. Given.
 */
#include "servers.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "listener.h"
#include "protocol.h"
#include "trace.h"

void serve_blocking_connection(int fd, int stop_fd, long number)
{
    char buffer[REQUEST_MAX + 1];   /* the longest request and its newline */
    size_t length = 0;
    char reply[REPLY_MAX];
    for (;;) {
        char *newline = memchr(buffer, '\n', length);
        if (newline == NULL) {
            if (length == sizeof buffer) {           /* no newline in REQUEST_MAX + 1 bytes */
                send_all(fd, reply, format_too_long(reply));
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
        if (send_all(fd, reply, reply_length) != 0)
            return;
        length -= line_length + 1;
        memmove(buffer, newline + 1, length);
    }
}
