/* connection.c - one client's buffers, for servers that must never wait on a client.
 *
 * The reference solution of exercise 1: connection_take_line(), connection_append(),
 * connection_receive(), connection_send() and connection_wants_input().
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
    const char *start = c->input + c->input_start;
    size_t waiting = c->input_length - c->input_start;
    /* Several requests may have come in one read: hand out the first and remember where the
     * next one begins. */
    const char *newline = memchr(start, '\n', waiting);
    if (newline != NULL) {
        *line = start;
        *length = (size_t)(newline - start);
        c->input_start += *length + 1;
        return LINE_READY;
    }
    /* No whole line: what is there is the beginning of one, kept for the next read. The
     * buffer holds the longest request plus its newline: full and no newline means the line
     * is longer than any request may be. */
    return waiting == sizeof c->input ? LINE_TOO_LONG : LINE_INCOMPLETE;
}

void connection_append(struct connection *c, const char *data, size_t size)
{
    /* Sent bytes are dead space: drop them before deciding to grow. */
    if (c->output_sent > 0) {
        memmove(c->output, c->output + c->output_sent, c->output_length - c->output_sent);
        c->output_length -= c->output_sent;
        c->output_sent = 0;
    }
    if (c->output_length + size > c->output_capacity) {
        size_t capacity = c->output_capacity ? c->output_capacity : 256;
        while (capacity < c->output_length + size)
            capacity *= 2;
        char *bigger = realloc(c->output, capacity);
        if (bigger == NULL)
            die_with_error("connection_append", ENOMEM);
        c->output = bigger;
        c->output_capacity = capacity;
    }
    memcpy(c->output + c->output_length, data, size);
    c->output_length += size;
}

enum io_status connection_receive(struct connection *c)
{
    /* Lines already handled are dead space: move what is left to the front, so the read has
     * room after it (once per read, not once per line: cheap). */
    if (c->input_start > 0) {
        memmove(c->input, c->input + c->input_start, c->input_length - c->input_start);
        c->input_length -= c->input_start;
        c->input_start = 0;
    }
    for (;;) {
        ssize_t got = read(c->fd, c->input + c->input_length,
                           sizeof c->input - c->input_length);
        if (got > 0) {
            c->input_length += (size_t)got;
            return IO_DONE;
        }
        if (got == 0)
            return IO_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return IO_AGAIN;
        return IO_FAILED;
    }
}

enum io_status connection_send(struct connection *c)
{
    /* A socket takes what fits in its send buffer; the rest waits for "writable". Stopping at
     * the first short write would drop the end of a reply. */
    while (c->output_sent < c->output_length) {
        ssize_t sent = send(c->fd, c->output + c->output_sent,
                            c->output_length - c->output_sent, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return IO_AGAIN;
            return IO_FAILED;
        }
        c->output_sent += (size_t)sent;
    }
    c->output_sent = c->output_length = 0;
    return IO_DONE;
}

bool connection_wants_input(const struct connection *c)
{
    return !c->closing && !c->ended && !c->busy &&
           c->output_length - c->output_sent < OUTPUT_LIMIT;
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
