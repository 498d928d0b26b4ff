/* protocol.h - what every server of lesson 08 speaks: one number per line, fib of it back.
 *
 *   request:  a line holding a decimal n from 0 to FIB_MAX, e.g. "30\n" ("30\r\n" too)
 *   reply:    fib(n) in decimal and a newline, e.g. "832040\n"
 *
 * Anything else gets one line starting "error:" and the connection stays open: a client may
 * send the next request at once. A line longer than REQUEST_MAX bytes gets an error and the
 * connection is closed, since a server must not buffer without limit for one client.
 *
 * fib is computed the slow recursive way on purpose: each request costs CPU time that grows
 * about 1.6 times per step of n, so the same server can be tested with requests that are
 * nearly free (the work is I/O) and with requests that keep a core busy (the work is CPU).
 */
#ifndef PROTOCOL_H
#define PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

/* The largest n a server computes. Measured on a 2-core VM (make bench prints it again):
 * fib(40) takes 0.13 s of one core and fib(45) 1.4 s; fib(50) would take 15 s. 45 keeps the
 * worst request to about a second, so no client can tie up a core for minutes. */
#define FIB_MAX 45

/* The longest request line, in bytes, not counting its newline. */
#define REQUEST_MAX 1024

/* The longest reply line, newline included: fib(45) has 10 digits; error lines are longer. */
#define REPLY_MAX 128

/* fib(0) = 0, fib(1) = 1, fib(n) = fib(n-1) + fib(n-2), computed by that recursion. */
long fib(long n);

/* Reads a request line (without its newline; a trailing '\r' is allowed). Returns true with
 * *n set if it is a whole decimal number from 0 to FIB_MAX, false otherwise. */
bool parse_request(const char *line, size_t length, long *n);

/* Writes the reply line for fib(n) = value into reply (REPLY_MAX bytes); returns its length. */
size_t format_reply(long value, char *reply);

/* Writes the error line for a request that parse_request() refused; returns its length. */
size_t format_bad_request(char *reply);

/* Writes the error line for a request line longer than REQUEST_MAX; returns its length. */
size_t format_too_long(char *reply);

/* Everything at once, for the servers that compute on the thread that reads: parses the line,
 * computes fib(n) with `compute` (fib itself in the servers, something slower or traced in
 * tests and diagrams), and writes the reply or the error line. Returns its length. */
size_t answer_request(const char *line, size_t length, long (*compute)(long n), char *reply);

#endif
