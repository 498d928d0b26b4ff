/* connection.h - one client of an event loop: what has arrived, what is still to be sent.
 *
 * A blocking server keeps a client's state on the stack of the thread that serves it: it
 * reads until a whole line is there, answers, and reads again. An event loop serves thousands
 * of clients from one thread and never waits for any of them, so it cannot do that. Each time
 * a socket is ready it takes what the kernel has (a piece of a request, or ten requests at
 * once), and must remember the rest until the next time. That memory is this struct:
 *
 *   input   bytes received and not handled yet: input[input_start, input_length). One request
 *           may arrive in several pieces, and one read may hold several requests.
 *   output  replies not sent yet: output[output_sent, output_length). A write to a socket may
 *           take only part of what it is given, when the client reads slowly.
 *
 * None of these functions waits: on a non-blocking socket they do what can be done now.
 */
#ifndef CONNECTION_H
#define CONNECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

/* A connection with this many bytes of replies unsent takes no more requests until the client
 * reads some. Without the limit a client that sends and never reads makes the server buffer
 * replies without end, until it runs out of memory. */
#define OUTPUT_LIMIT (64 * 1024)

struct connection {
    int fd;                        /* the client's socket, non-blocking; -1 once closed */
    long number;                   /* which client, for the diagrams: "conn 3" */
    char input[REQUEST_MAX + 1];   /* room for the longest request and its newline */
    size_t input_start;            /* first byte not handled yet */
    size_t input_length;           /* end of the bytes received */
    char *output;                  /* malloc'ed, grown as needed */
    size_t output_sent;            /* first byte not sent yet */
    size_t output_length;          /* end of the bytes to send */
    size_t output_capacity;
    bool closing;                  /* take no more requests; close once the output is sent */
    bool ended;                    /* the client closed its end: no more bytes will come */
    bool busy;                     /* a request of this connection is with the workers (pool.h):
                                      later requests wait, so replies keep their order */
    int watched;                   /* what the loop has asked the kernel to watch: its own */
};

/* What connection_take_line() found. */
enum line_status {
    LINE_READY,       /* a whole line: *line and *length say where it is */
    LINE_INCOMPLETE,  /* no newline yet: wait for more bytes */
    LINE_TOO_LONG,    /* REQUEST_MAX + 1 bytes and no newline: the client breaks the protocol */
};

/* What a read or a write on the socket did. */
enum io_status {
    IO_DONE,     /* receive: some bytes came in; send: everything was sent */
    IO_AGAIN,    /* the socket is not ready (EAGAIN): try again when the loop says it is */
    IO_CLOSED,   /* receive: the client closed its end (read returned 0) */
    IO_FAILED,   /* the connection broke (ECONNRESET, EPIPE, ...): close it */
};

/* Given. A connection on the socket fd (already non-blocking), with empty buffers. */
void connection_init(struct connection *c, int fd, long number);

/* Given. Frees the output buffer. Does not close c->fd: the server does that, since it must
 * also stop watching it. */
void connection_release(struct connection *c);

/* Given. True if replies are waiting to be sent: the loop should watch for "writable". */
bool connection_has_output(const struct connection *c);

/* Exercise 1. Finds the first whole line in the input. On LINE_READY, *line points at it
 * inside c->input (without its '\n'; valid until the next call of take_line or receive),
 * *length is its length, and the line and its newline count as handled. Otherwise nothing is
 * handed out: LINE_INCOMPLETE if more bytes may still complete a line (keep what is there),
 * LINE_TOO_LONG if REQUEST_MAX + 1 bytes have arrived without a newline. */
enum line_status connection_take_line(struct connection *c, const char **line, size_t *length);

/* Exercise 1. Adds size bytes after the output not sent yet, growing c->output as needed (the
 * program stops with a message if memory runs out). */
void connection_append(struct connection *c, const char *data, size_t size);

/* Exercise 1. One read() from c->fd into the room after the input, having first moved the
 * bytes not handled yet to the front of c->input (lines already taken are dead space).
 * IO_DONE if bytes came, IO_AGAIN if none
 * are there now, IO_CLOSED at end of file, IO_FAILED on an error. A read interrupted by a
 * signal (EINTR) is tried again. */
enum io_status connection_receive(struct connection *c);

/* Exercise 1. Sends as much of the output as the socket takes now, with send() and
 * MSG_NOSIGNAL (a client that has gone gives EPIPE, not a SIGPIPE that kills the server).
 * IO_DONE once everything is sent (the output is then empty), IO_AGAIN if the socket is full
 * and bytes are left, IO_FAILED on an error. */
enum io_status connection_send(struct connection *c);

/* Exercise 1. True if the loop should read from this client now: it is neither closing nor
 * ended, has no request with the workers, and has fewer than OUTPUT_LIMIT bytes of replies
 * unsent. */
bool connection_wants_input(const struct connection *c);

struct pool;

/* Given. Answers every whole request in the input, in order, appending each reply. With a
 * pool (not NULL), a request for fib(n) with n > INLINE_FIB_MAX (pool.h) is handed to the
 * workers instead, the connection becomes busy, and the rest wait until its reply is back.
 * A line that is too long gets an error and makes the connection closing. */
void connection_answer_all(struct connection *c, struct pool *pool);

/* Given. True once the connection should be closed: it is closing or ended, no request of
 * it is with the workers, and every reply has been sent. */
bool connection_finished(const struct connection *c);

/* Given. One turn of a connection, when the loop has found its socket ready: reads once if
 * `readable` and the connection wants input (at end of file it becomes ended), answers every
 * whole request (connection_answer_all), and sends what the socket takes. Returns false if the
 * connection should now be closed: it broke, or it is finished. */
bool connection_serve(struct connection *c, bool readable, struct pool *pool);

#endif
