/* fibclient.c - the source material's perf client, and a load client, for any server of the
 * lesson (and for redis-server, with --ping).
 *
 *   fibclient --port P --latency 10 --fib 30     one connection, ten requests one after
 *                                                another, each one's time (the source
 *                                                material's perf.py)
 *   fibclient --port P --connections 100 --requests 100000 --fib 1
 *                                                100 connections at once: requests per
 *                                                second and latency percentiles
 *   fibclient --port P --connections 100 --seconds 2 --ping     the same against redis
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "io.h"
#include "load.h"
#include "protocol.h"
#include "timing.h"

static const char usage_text[] =
    "[--address IPV4] [--port N] [--fib N | --ping] "
    "[--latency REQUESTS | --connections N [--requests N] [--seconds S]]";

/* The perf client: one connection, one request at a time, each timed. */
static int measure_latency(const struct load_options *o, long repeat)
{
    struct sockaddr_in where = { .sin_family = AF_INET, .sin_port = htons((unsigned short)o->port) };
    if (inet_pton(AF_INET, o->address, &where.sin_addr) != 1) {
        fprintf(stderr, "fibclient: '%s' is not an IPv4 address\n", o->address);
        return 1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&where, sizeof where) != 0) {
        perror("fibclient: connect");
        return 1;
    }
    char request[32], reply[64];
    int length = o->ping ? snprintf(request, sizeof request, "PING\r\n")
                         : snprintf(request, sizeof request, "%ld\n", o->fib_n);
    for (long k = 0; k < repeat; k++) {
        double start = now_seconds();
        if (send_all(fd, request, (size_t)length) != 0) {
            perror("fibclient: send");
            return 1;
        }
        /* Read until the newline: a reply may come in pieces. */
        size_t got = 0;
        while (got == 0 || reply[got - 1] != '\n') {
            ssize_t n = read(fd, reply + got, sizeof reply - 1 - got);
            if (n <= 0) {
                fprintf(stderr, "fibclient: the server closed the connection\n");
                return 1;
            }
            got += (size_t)n;
            if (got == sizeof reply - 1)
                break;
        }
        reply[got] = '\0';
        printf("%.6f s  %s", now_seconds() - start, reply);
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    const char *program = "fibclient";
    struct load_options o = { .address = "127.0.0.1", .port = 25000, .connections = 0,
                              .fib_n = 30 };
    long latency = 0;
    static const struct option options[] = {
        { "address", required_argument, NULL, 'a' }, { "port", required_argument, NULL, 'p' },
        { "fib", required_argument, NULL, 'f' }, { "ping", no_argument, NULL, 'P' },
        { "latency", required_argument, NULL, 'l' },
        { "connections", required_argument, NULL, 'c' },
        { "requests", required_argument, NULL, 'r' }, { "seconds", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (option) {
        case 'a': o.address = optarg; break;
        case 'p': o.port = number_argument(program, usage_text, "--port", optarg, 1, 65535); break;
        case 'f': o.fib_n = number_argument(program, usage_text, "--fib", optarg, 0, FIB_MAX); break;
        case 'P': o.ping = true; break;
        case 'l': latency = number_argument(program, usage_text, "--latency", optarg, 1, 1000000); break;
        case 'c':
            o.connections = number_argument(program, usage_text, "--connections", optarg, 1, 100000);
            break;
        case 'r':
            o.requests = number_argument(program, usage_text, "--requests", optarg, 1, 1000000000);
            break;
        case 's': o.seconds = (double)number_argument(program, usage_text, "--seconds", optarg, 1, 3600); break;
        default: usage_error(program, usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error(program, usage_text, "unexpected argument");
    if (latency > 0 && o.connections > 0)
        usage_error(program, usage_text, "--latency or --connections, not both");
    if (latency == 0 && o.connections == 0)
        latency = 5;
    if (latency > 0)
        return measure_latency(&o, latency);
    if (o.requests == 0 && o.seconds == 0)
        o.requests = 1000 * o.connections;
    raise_file_limit();
    struct load_result r;
    if (run_load(&o, &r) != 0)
        return 1;
    printf("%ld connections, %ld requests of %s: %.0f requests/s, latency p50 %.3f ms, "
           "p99 %.3f ms, max %.3f ms\n", o.connections, r.completed,
           o.ping ? "PING" : "fib", r.requests_per_second, r.p50_ms, r.p99_ms, r.max_ms);
    if (r.unanswered > 0)
        printf("%ld requests were still unanswered at the end\n", r.unanswered);
    return 0;
}
