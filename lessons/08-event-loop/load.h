/* load.h - the load client: many connections at once, on one thread, with epoll.
 *
 * Each connection sends one request, waits for its reply, sends the next (a closed loop, like
 * a user who clicks again once the page has loaded). All connections run at once from one
 * event loop, with non-blocking connects, so the client costs little CPU and is never what
 * limits the measurement. Every reply is checked; every request's latency is recorded.
 */
#ifndef LOAD_H
#define LOAD_H

#include <stdbool.h>

struct load_options {
    const char *address;   /* the server's IPv4 address */
    long port;
    long connections;      /* how many at once */
    long requests;         /* requests in all, shared among the connections; 0: no limit */
    double seconds;        /* stop sending after this long; 0: no limit (requests must be set) */
    long fib_n;            /* each request asks for fib(fib_n) ... */
    bool ping;             /* ... or is redis's inline "PING\r\n", answered "+PONG\r\n" */
    double give_up_seconds; /* no reply at all for this long: fail (0: 10 s) */
};

struct load_result {
    long completed;          /* requests answered correctly */
    long wrong;              /* replies that were not the right answer */
    long unanswered;         /* requests still waiting when the time was up */
    long connections_served; /* connections that got at least one reply */
    double connect_seconds;  /* from the first connect() until every connection was made */
    double seconds;          /* from then until the last reply (or the time limit) */
    double requests_per_second;
    double p50_ms, p99_ms, max_ms;  /* latency; unanswered requests count as waiting until
                                       the time limit, so a server that never answered
                                       them shows it */
};

/* Runs the load. Returns 0, or -1 after printing why on stderr (no server, too many
 * connections for the fd limit). */
int run_load(const struct load_options *options, struct load_result *result);

/* Opens `count` connections that send nothing, for a server to hold. Returns an array of
 * their fds (close each, then free it), or NULL after printing why on stderr. */
int *open_idle_connections(const char *address, long port, long count);

/* Raises this process's soft limit on open files to its hard limit; returns the new soft
 * limit. The default soft limit (often 1024) is far below what a server of 10,000
 * connections needs. */
long raise_file_limit(void);

#endif
