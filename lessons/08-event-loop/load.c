/* load.c - see load.h. Given. */
#define _GNU_SOURCE   /* epoll is Linux's */
#include "load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol.h"
#include "timing.h"

/* Giving up: no reply from any connection for this long means the server is stuck. */
#define STALL_SECONDS 10.0

struct client {
    int fd;
    bool connected;
    bool waiting;            /* a request is out, its reply not complete yet */
    double sent_at;
    char reply[64];
    size_t reply_length;
    long replies;
};

struct load {
    const struct load_options *options;
    struct client *clients;
    int epoll_fd;
    char request[32];
    size_t request_length;
    char expected[32];
    size_t expected_length;
    long issued;             /* requests sent so far */
    double *latencies;       /* seconds, one per answered (or given-up) request */
    size_t latency_count, latency_capacity;
};

static int make_address(const char *text, long port, struct sockaddr_in *where)
{
    memset(where, 0, sizeof *where);
    where->sin_family = AF_INET;
    where->sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, text, &where->sin_addr) != 1) {
        fprintf(stderr, "load: '%s' is not an IPv4 address\n", text);
        return -1;
    }
    return 0;
}

long raise_file_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur != limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            return -1;
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)limit.rlim_cur;
}

static int enough_fds(long wanted)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur != RLIM_INFINITY && (long)limit.rlim_cur < wanted + 16) {
        fprintf(stderr, "load: %ld connections need more open files than the limit of %ld "
                "(ulimit -n)\n", wanted, (long)limit.rlim_cur);
        return -1;
    }
    return 0;
}

static void record_latency(struct load *load, double seconds)
{
    if (load->latency_count == load->latency_capacity) {
        load->latency_capacity = load->latency_capacity ? 2 * load->latency_capacity : 4096;
        double *bigger = realloc(load->latencies, load->latency_capacity * sizeof *bigger);
        if (bigger == NULL) {
            perror("load");
            exit(1);
        }
        load->latencies = bigger;
    }
    load->latencies[load->latency_count++] = seconds;
}

/* Sends the next request on c, if the budget allows. Returns 0, or -1 on an error. */
static int send_next(struct load *load, struct client *c, double now, double deadline)
{
    const struct load_options *o = load->options;
    if ((o->requests > 0 && load->issued >= o->requests) || (deadline > 0 && now >= deadline))
        return 0;
    /* A few bytes on a connected socket: the kernel takes them all at once. */
    ssize_t sent = send(c->fd, load->request, load->request_length, MSG_NOSIGNAL);
    if (sent != (ssize_t)load->request_length) {
        perror("load: send");
        return -1;
    }
    load->issued++;
    c->waiting = true;
    c->sent_at = now;
    c->reply_length = 0;
    return 0;
}

static int percentile_index(size_t count, double fraction)
{
    size_t index = (size_t)(fraction * (double)count);
    return (int)(index >= count ? count - 1 : index);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int connect_all(struct load *load, long count, const struct sockaddr_in *where)
{
    for (long i = 0; i < count; i++) {
        struct client *c = &load->clients[i];
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0) {
            perror("load: socket");
            return -1;
        }
        /* Non-blocking: connect() starts the handshake and returns; the socket becomes
         * writable once it is done. All of them are under way at once. */
        if (connect(c->fd, (const struct sockaddr *)where, sizeof *where) != 0 &&
            errno != EINPROGRESS) {
            perror("load: connect");
            return -1;
        }
        struct epoll_event event = { .events = EPOLLOUT, .data.u64 = (uint64_t)i };
        if (epoll_ctl(load->epoll_fd, EPOLL_CTL_ADD, c->fd, &event) != 0) {
            perror("load: epoll_ctl");
            return -1;
        }
    }
    long connected = 0;
    struct epoll_event events[256];
    while (connected < count) {
        int ready = epoll_wait(load->epoll_fd, events, 256, (int)(STALL_SECONDS * 1000));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            fprintf(stderr, "load: only %ld of %ld connections were made\n", connected, count);
            return -1;
        }
        for (int k = 0; k < ready; k++) {
            struct client *c = &load->clients[events[k].data.u64];
            int error = 0;
            socklen_t size = sizeof error;
            if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
                fprintf(stderr, "load: connect: %s\n", strerror(error ? error : errno));
                return -1;
            }
            struct epoll_event event = { .events = EPOLLIN, .data = events[k].data };
            if (epoll_ctl(load->epoll_fd, EPOLL_CTL_MOD, c->fd, &event) != 0) {
                perror("load: epoll_ctl");
                return -1;
            }
            c->connected = true;
            connected++;
        }
    }
    return 0;
}

/* Reads what c's server sent; on a whole reply, checks it, records it and sends the next. */
static int receive(struct load *load, struct client *c, struct load_result *result,
                   double deadline)
{
    ssize_t got = recv(c->fd, c->reply + c->reply_length, sizeof c->reply - c->reply_length, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (got <= 0) {
        fprintf(stderr, "load: the server %s a connection\n", got == 0 ? "closed" : "reset");
        return -1;
    }
    c->reply_length += (size_t)got;
    char *newline = memchr(c->reply, '\n', c->reply_length);
    if (newline == NULL) {
        if (c->reply_length == sizeof c->reply) {
            result->wrong++;
            return -1;
        }
        return 0;
    }
    double now = now_seconds();
    size_t length = (size_t)(newline - c->reply) + 1;
    if (length != load->expected_length || memcmp(c->reply, load->expected, length) != 0 ||
        length != c->reply_length)
        result->wrong++;
    else
        result->completed++;
    if (!c->waiting)
        result->wrong++;   /* a reply nobody asked for */
    c->replies++;
    if (c->waiting) {
        record_latency(load, now - c->sent_at);
        c->waiting = false;
    }
    return send_next(load, c, now, deadline);
}

int run_load(const struct load_options *options, struct load_result *result)
{
    memset(result, 0, sizeof *result);
    struct sockaddr_in where;
    long count = options->connections;
    if (make_address(options->address, options->port, &where) != 0 || enough_fds(count) != 0)
        return -1;
    struct load load = { .options = options };
    if (options->ping) {
        load.request_length = (size_t)snprintf(load.request, sizeof load.request, "PING\r\n");
        load.expected_length = (size_t)snprintf(load.expected, sizeof load.expected,
                                                "+PONG\r\n");
    } else {
        load.request_length = (size_t)snprintf(load.request, sizeof load.request, "%ld\n",
                                               options->fib_n);
        load.expected_length = format_reply(fib(options->fib_n), load.expected);
    }
    load.clients = calloc((size_t)count, sizeof *load.clients);
    load.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (load.clients == NULL || load.epoll_fd < 0) {
        perror("load");
        free(load.clients);
        return -1;
    }
    for (long i = 0; i < count; i++)
        load.clients[i].fd = -1;
    int status = 0;
    double connect_start = now_seconds();
    if (connect_all(&load, count, &where) != 0)
        status = -1;
    double start = now_seconds();
    result->connect_seconds = start - connect_start;
    double deadline = options->seconds > 0 ? start + options->seconds : 0;
    double grace = options->seconds > 0.5 ? options->seconds : 0.5;
    double last_reply = start;
    double stall = options->give_up_seconds > 0 ? options->give_up_seconds : STALL_SECONDS;
    for (long i = 0; i < count && status == 0; i++)
        status = send_next(&load, &load.clients[i], start, deadline);
    long outstanding = 0;
    double last_progress = start;
    struct epoll_event events[256];
    while (status == 0) {
        double now = now_seconds();
        outstanding = 0;
        for (long i = 0; i < count; i++)
            outstanding += load.clients[i].waiting;
        /* Past the deadline no new request goes out, but the ones under way may still be
         * answered for a while (as long again, at least half a second). */
        if (outstanding == 0 || (deadline > 0 && now >= deadline + grace))
            break;
        if (now - last_progress > stall) {
            fprintf(stderr, "load: no reply for %.0f s; is the server stuck?\n", stall);
            status = -1;
            break;
        }
        double until = deadline > 0 ? deadline + grace : now + stall;
        int wait_ms = (int)((until - now) * 1000) + 1;
        int ready = epoll_wait(load.epoll_fd, events, 256, wait_ms);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            perror("load: epoll_wait");
            status = -1;
            break;
        }
        if (ready > 0)
            last_progress = now_seconds();
        long before = result->completed;
        for (int k = 0; k < ready && status == 0; k++)
            status = receive(&load, &load.clients[events[k].data.u64], result, deadline);
        if (result->completed > before)
            last_reply = now_seconds();
    }
    double end = now_seconds();
    result->seconds = last_reply - start;
    /* Requests still out when the time was up: counted as waiting at least until now. */
    for (long i = 0; i < count; i++) {
        struct client *c = &load.clients[i];
        if (c->waiting) {
            result->unanswered++;
            record_latency(&load, end - c->sent_at);
        }
        if (c->fd >= 0)
            close(c->fd);
        result->connections_served += c->replies > 0;
    }
    close(load.epoll_fd);
    if (result->completed > 0)
        result->requests_per_second = (double)result->completed /
                                      (result->seconds > 0 ? result->seconds : 1e-9);
    if (load.latency_count > 0) {
        qsort(load.latencies, load.latency_count, sizeof *load.latencies, compare_doubles);
        result->p50_ms = 1e3 * load.latencies[percentile_index(load.latency_count, 0.50)];
        result->p99_ms = 1e3 * load.latencies[percentile_index(load.latency_count, 0.99)];
        result->max_ms = 1e3 * load.latencies[load.latency_count - 1];
    }
    free(load.latencies);
    free(load.clients);
    if (status == 0 && result->wrong > 0) {
        fprintf(stderr, "load: %ld wrong replies\n", result->wrong);
        status = -1;
    }
    return status;
}

int *open_idle_connections(const char *address, long port, long count)
{
    struct sockaddr_in where;
    if (make_address(address, port, &where) != 0 || enough_fds(count) != 0)
        return NULL;
    int *fds = calloc((size_t)count, sizeof *fds);
    if (fds == NULL) {
        perror("open_idle_connections");
        return NULL;
    }
    for (long i = 0; i < count; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&where, sizeof where) != 0) {
            fprintf(stderr, "open_idle_connections: connection %ld: %s\n", i, strerror(errno));
            for (long j = 0; j <= i; j++)
                if (fds[j] >= 0)
                    close(fds[j]);
            free(fds);
            return NULL;
        }
    }
    return fds;
}
