/* connection.c - one client's buffers, for servers that must never wait on a client.
 *
 * This is the file you edit for exercise 1: connection_take_line(), connection_append(),
 * connection_receive(), connection_send() and connection_wants_input(), each marked
 * TODO(exercise 1). connection.h says exactly what each must do; README.md explains why, and
 * `make hint EX=1` helps when you are stuck. Change only the bodies of those functions (add
 * helpers next to them if you like). The other functions are given; the loops of exercises 2
 * to 4 call them, and they call yours.
 */
#include "connection.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pool.h"
#include "sync.h"
#include "trace.h"

void connection_init(struct connection *c, int fd, long number)
{
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->number = number;
    c->output = NULL;
}

void connection_release(struct connection *c)
{
    free(c->output);
    c->output = NULL;
    c->output_capacity = c->output_length = c->output_sent = 0;
}

bool connection_has_output(const struct connection *c)
{
    return c->output_sent < c->output_length;
}

bool connection_finished(const struct connection *c)
{
    return (c->closing || c->ended) && !c->busy && !connection_has_output(c);
}

enum line_status connection_take_line(struct connection *c, const char **line, size_t *length)
{
    /* TODO(exercise 1): look for '\n' in the bytes not handled yet,
     * input[input_start, input_length). Found: point *line at the line, set *length (newline
     * not counted), move input_start past the newline, return LINE_READY. Not found: return
     * LINE_TOO_LONG if those bytes fill the whole buffer, else LINE_INCOMPLETE, and keep them:
     * they are the beginning of the next request. One read may hold several lines. */
    (void)c;
    (void)line;
    (void)length;
    return LINE_INCOMPLETE;
}

void connection_append(struct connection *c, const char *data, size_t size)
{
    /* TODO(exercise 1): copy data after output[output_length), growing output with realloc()
     * when it is too small (die_with_error("connection_append", ENOMEM) if that fails). Bytes
     * before output_sent are already sent: you may move the rest to the front first. */
    (void)c;
    (void)data;
    (void)size;
}

enum io_status connection_receive(struct connection *c)
{
    /* TODO(exercise 1): move input[input_start, input_length) to the front, then read() once
     * into the room after it. Bytes: IO_DONE. 0: IO_CLOSED. -1 with EAGAIN or EWOULDBLOCK:
     * IO_AGAIN (non-blocking: nothing there now). EINTR: read again. Anything else:
     * IO_FAILED. */
    (void)c;
    return IO_FAILED;
}

enum io_status connection_send(struct connection *c)
{
    /* TODO(exercise 1): send(c->fd, ..., MSG_NOSIGNAL) the bytes from output_sent to
     * output_length, in a loop: a send may take only part of them. All sent: empty the
     * output, IO_DONE. EAGAIN or EWOULDBLOCK: IO_AGAIN, keeping the rest for later. EINTR:
     * again. Any other error: IO_FAILED. */
    (void)c;
    return IO_FAILED;
}

bool connection_wants_input(const struct connection *c)
{
    /* TODO(exercise 1): true unless the connection is closing, ended or busy, or has
     * OUTPUT_LIMIT or more bytes of output not sent yet. */
    (void)c;
    return false;
}

void connection_answer_all(struct connection *c, struct pool *pool)
{
    char reply[REPLY_MAX];
    while (!c->closing && !c->busy) {
        const char *line;
        size_t length;
        enum line_status status = connection_take_line(c, &line, &length);
        if (status == LINE_INCOMPLETE)
            return;
        if (status == LINE_TOO_LONG) {
            connection_append(c, reply, format_too_long(reply));
            c->closing = true;
            return;
        }
        long n;
        if (!parse_request(line, length, &n)) {
            connection_append(c, reply, format_bad_request(reply));
            continue;
        }
        if (pool != NULL && n > INLINE_FIB_MAX && pool_submit(pool, c, n)) {
            c->busy = true;
            return;
        }
        trace_begin("conn %ld: fib(%ld)", c->number, n);
        long value = fib(n);
        trace_end();
        connection_append(c, reply, format_reply(value, reply));
    }
}

bool connection_serve(struct connection *c, bool readable, struct pool *pool)
{
    /* One read per turn, however much is waiting: the loop then serves the other ready
     * clients before this one again, so one busy client cannot starve the rest. */
    if (readable && connection_wants_input(c)) {
        enum io_status got = connection_receive(c);
        if (got == IO_FAILED)
            return false;
        if (got == IO_CLOSED)
            c->ended = true;   /* still answer the requests that came before the end */
    }
    connection_answer_all(c, pool);
    /* Send at once rather than wait to hear "writable": the socket almost always has room,
     * and this saves a round through the loop per reply. */
    if (connection_has_output(c) && connection_send(c) == IO_FAILED)
        return false;
    return !connection_finished(c);
}
