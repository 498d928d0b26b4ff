/* servers.c - lesson 08: the fib server five ways (and a sixth), measured under load.
 *
 * Each server runs in a child process of its own; this program plays the clients with the
 * load client (load.h) and prints, for every server, the requests per second it answered and
 * the latency its clients saw, at several numbers of connections, for cheap requests (fib(1):
 * the work is I/O) and for expensive ones (fib(30): the work is CPU).
 *
 * --bench adds the experiments the README quotes: two clients of the threaded server against
 * one (the source material's Python contrast), the epoll server against redis-server, 10,000
 * idle connections, the worker pool against the plain epoll loop while other clients ask for
 * fib(40), and the source material's listen(5) against a thousand clients connecting at once.
 *
 * With --trace PREFIX it runs one server (--trace-server) in this process instead, traced,
 * with three clients, and writes the diagrams.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "args.h"
#include "io.h"
#include "launch.h"
#include "listener.h"
#include "load.h"
#include "pool.h"
#include "protocol.h"
#include "servers.h"
#include "sync.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--connections N,N,...] [--fib N,N,...] [--ms MS] [--repeat N] [--bench] "
    "[--trace PREFIX [--trace-server KIND]]";

#define MAX_LIST 8
#define MAX_REPEAT 21
#define ADDRESS "127.0.0.1"

struct options {
    long connections[MAX_LIST];
    int connection_count;
    long fibs[MAX_LIST];
    int fib_count;
    long cell_ms;         /* how long each measurement lasts */
    long repeat;          /* runs of each comparison in --bench; the median is reported */
    bool bench;
    const char *trace_prefix;
    const struct server_kind *trace_kind;
};

static const char *program = "servers";

static int parse_list(const char *name, const char *text, long min, long max, long *values)
{
    char copy[256];
    if (strlen(text) >= sizeof copy)
        usage_error(program, usage_text, "list too long");
    strcpy(copy, text);
    int count = 0;
    for (char *item = strtok(copy, ","); item != NULL; item = strtok(NULL, ",")) {
        if (count == MAX_LIST)
            usage_error(program, usage_text, "at most 8 values in a list");
        values[count++] = number_argument(program, usage_text, name, item, min, max);
    }
    if (count == 0)
        usage_error(program, usage_text, "empty list");
    return count;
}

static unsigned workers_for_pool(void)
{
    /* One core stays free for the loop: workers that filled every core would make the loop
     * wait for a core to answer even the cheap requests. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 1 ? (unsigned)(cores - 1) : 1;
}

static unsigned unsigned_cores(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (unsigned)cores : 1;
}

/* Runs one load against a started server; false (with a message) if the load failed. */
static bool measure(long port, long connections, long fib_n, bool ping, double seconds,
                    struct load_result *result)
{
    struct load_options o = { .address = ADDRESS, .port = port, .connections = connections,
                              .seconds = seconds, .fib_n = fib_n, .ping = ping };
    return run_load(&o, result) == 0;
}

static void print_loadavg(const char *when)
{
    FILE *in = fopen("/proc/loadavg", "r");
    char line[128];
    if (in != NULL && fgets(line, sizeof line, in) != NULL)
        printf("Load average %s (1, 5, 15 minutes; this machine has %u cores): %s", when,
               unsigned_cores(), line);
    if (in != NULL)
        fclose(in);
}

/* ---- The main table ----------------------------------------------------------------------- */

static bool main_table(const struct options *options)
{
    bool all_right = true;
    printf("Each server in its own process; %ld ms per measurement; latency in ms; "
           "\"served\": connections that got at least one reply.\n",
           options->cell_ms);
    for (int f = 0; f < options->fib_count; f++) {
        long n = options->fibs[f];
        printf("\nfib(%ld): %s\n", n, n <= 20 ? "the work is I/O" : "the work is CPU");
        printf("  %-10s %6s %11s %9s %9s %11s\n", "server", "conns", "requests/s", "p50",
               "p99", "served");
        for (int k = 0; k < server_kind_count; k++) {
            const struct server_kind *kind = &server_kinds[k];
            for (int c = 0; c < options->connection_count; c++) {
                long connections = options->connections[c];
                struct running_server server;
                int started = start_server(kind, ADDRESS, LISTEN_BACKLOG, workers_for_pool(),
                                           &server);
                if (started != 0) {
                    all_right = all_right && started > 0 && kind->exercise > 0;
                    break;
                }
                struct load_result r;
                bool ok = measure(server.port, connections, n, false,
                                  (double)options->cell_ms / 1000, &r);
                ok = stop_server(&server) == 0 && ok;
                if (!ok) {
                    printf("  %-10s %6ld   FAILED (see above)\n", kind->name, connections);
                    all_right = false;
                    continue;
                }
                printf("  %-10s %6ld %11.0f %9.3f %8.3f%s %5ld/%-5ld\n", kind->name,
                       connections, r.requests_per_second, r.p50_ms, r.p99_ms,
                       r.unanswered > 0 ? ">" : " ", r.connections_served, connections);
            }
        }
    }
    printf("\n");
    return all_right;
}

/* ---- The --bench experiments ------------------------------------------------------------- */

/* Median over `repeat` runs of one measurement on a fresh server each time. */
static bool median_run(const char *kind_name, unsigned workers, long connections, long fib_n,
                       double seconds, long repeat, double *rate, double *p50, double *p99)
{
    double rates[MAX_REPEAT], p50s[MAX_REPEAT], p99s[MAX_REPEAT];
    for (long run = 0; run < repeat; run++) {
        struct running_server server;
        if (start_server(find_server_kind(kind_name), ADDRESS, LISTEN_BACKLOG, workers,
                         &server) != 0)
            return false;
        struct load_result r;
        bool ok = measure(server.port, connections, fib_n, false, seconds, &r);
        if (stop_server(&server) != 0 || !ok)
            return false;
        rates[run] = r.requests_per_second;
        p50s[run] = r.p50_ms;
        p99s[run] = r.p99_ms;
    }
    *rate = median(rates, (size_t)repeat);
    *p50 = median(p50s, (size_t)repeat);
    *p99 = median(p99s, (size_t)repeat);
    return true;
}

static void threads_against_python(const struct options *options)
{
    printf("The source material's experiment: fib(30) from one client, then from two at once, "
           "on the threaded server\n(Python: each of two clients waited twice as long). Medians of %ld "
           "runs of 1 s:\n", options->repeat);
    double rate[2], p50[2], p99[2];
    for (int clients = 1; clients <= 2; clients++) {
        if (!median_run("threads", 0, clients, 30, 1.0, options->repeat, &rate[clients - 1],
                        &p50[clients - 1], &p99[clients - 1])) {
            printf("  (the threaded server failed)\n\n");
            return;
        }
        printf("  %d client%s  each request %7.3f ms (p50), %7.3f ms (p99); %6.0f requests/s "
               "in all\n", clients, clients == 1 ? " " : "s", p50[clients - 1],
               p99[clients - 1], rate[clients - 1]);
    }
    printf("  two clients' latency / one client's: %.2f; throughput: %.2f times\n\n",
           p50[1] / p50[0], rate[1] / rate[0]);
}

static int open_dev_null(void)
{
    return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

/* A port nobody listens on now (the kernel's pick for port 0, released again). */
static long free_port(void)
{
    int fd = listen_on(ADDRESS, 0, 1);
    if (fd < 0)
        return -1;
    long port = listening_port(fd);
    close(fd);
    return port;
}

static pid_t start_redis(long port)
{
    char port_text[24];
    snprintf(port_text, sizeof port_text, "%ld", port);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open_dev_null();
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execlp("redis-server", "redis-server", "--port", port_text, "--bind", ADDRESS,
               "--save", "", "--appendonly", "no", "--daemonize", "no", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void redis_comparison(const struct options *options)
{
    long port = free_port();
    pid_t redis = port > 0 ? start_redis(port) : -1;
    if (redis < 0) {
        printf("Could not start redis-server.\n\n");
        return;
    }
    /* Wait until it answers (or has ended: not installed). */
    struct load_result r;
    bool up = false;
    for (int tries = 0; tries < 100 && !up; tries++) {
        sleep_ms(50);
        int status;
        if (waitpid(redis, &status, WNOHANG) == redis) {
            printf("redis-server is not installed (make bench installs it with deps.sh "
                   "bench), or it did not start.\n\n");
            return;
        }
        int saved = dup(2), null = open_dev_null();
        dup2(null, 2);   /* "connection refused" while it starts is expected: keep it quiet */
        struct load_options o = { .address = ADDRESS, .port = port, .connections = 1,
                                  .requests = 1, .ping = true };
        up = run_load(&o, &r) == 0;
        dup2(saved, 2);
        close(saved);
        close(null);
    }
    printf("The epoll server (fib(1)) against redis-server (inline PING), 100 connections, "
           "the same client,\nalternating, %ld runs of 1 s each; medians:\n", options->repeat);
    double ours[MAX_REPEAT], theirs[MAX_REPEAT], our_p99[MAX_REPEAT], their_p99[MAX_REPEAT];
    bool ok = up;
    for (long run = 0; run < options->repeat && ok; run++) {
        struct running_server server;
        ok = start_server(find_server_kind("epoll"), ADDRESS, LISTEN_BACKLOG, 0, &server) == 0;
        if (!ok)
            break;
        ok = measure(server.port, 100, 1, false, 1.0, &r);
        ok = stop_server(&server) == 0 && ok;
        ours[run] = r.requests_per_second;
        our_p99[run] = r.p99_ms;
        ok = ok && measure(port, 100, 0, true, 1.0, &r);
        theirs[run] = r.requests_per_second;
        their_p99[run] = r.p99_ms;
    }
    kill(redis, SIGTERM);
    waitpid(redis, NULL, 0);
    if (!ok) {
        printf("  (a run failed)\n\n");
        return;
    }
    double our_rate = median(ours, (size_t)options->repeat);
    double their_rate = median(theirs, (size_t)options->repeat);
    printf("  epoll server  %8.0f requests/s, p99 %.3f ms\n", our_rate,
           median(our_p99, (size_t)options->repeat));
    printf("  redis-server  %8.0f requests/s, p99 %.3f ms\n", their_rate,
           median(their_p99, (size_t)options->repeat));
    printf("  epoll / redis: %.2f (the goal: at least 0.80)\n\n", our_rate / their_rate);
}

static void idle_connections(void)
{
    long limit = raise_file_limit();
    long idle = 10000;
    printf("10,000 idle connections held by the epoll server (the soft limit on open files "
           "raised to %ld), then 10 busy ones, fib(1), 1 s:\n", limit);
    if (limit < idle + 100) {
        printf("  the limit is too low for 10,000 connections; skipped\n\n");
        return;
    }
    struct running_server server;
    if (start_server(find_server_kind("epoll"), ADDRESS, LISTEN_BACKLOG, 0, &server) != 0)
        return;
    double start = now_seconds();
    int *fds = open_idle_connections(ADDRESS, server.port, idle);
    double opened = now_seconds() - start;
    struct load_result r;
    bool ok = fds != NULL && measure(server.port, 10, 1, false, 1.0, &r);
    if (ok)
        printf("  %ld idle connections opened in %.2f s; the busy ones: %.0f requests/s, "
               "p99 %.3f ms\n", idle, opened, r.requests_per_second, r.p99_ms);
    if (fds != NULL) {
        for (long i = 0; i < idle; i++)
            close(fds[i]);
        free(fds);
    }
    if (stop_server(&server) != 0 || !ok)
        printf("  FAILED\n");
    printf("\n");
}

/* Other clients asking for fib(40) without end, from a child process, while the fib(1)
 * clients are measured. */
static void tail_latency(void)
{
    unsigned workers = workers_for_pool();
    printf("fib(1) from 10 connections while 2 other connections ask for fib(40) (0.13 s "
           "each) without end, 2 s:\n");
    const char *kinds[] = { "epoll", "pool" };
    for (int k = 0; k < 2; k++) {
        struct running_server server;
        if (start_server(find_server_kind(kinds[k]), ADDRESS, LISTEN_BACKLOG, workers,
                         &server) != 0)
            continue;
        fflush(stdout);
        pid_t heavy = fork();
        if (heavy == 0) {
            struct load_result r;
            struct load_options o = { .address = ADDRESS, .port = server.port,
                                      .connections = 2, .seconds = 3.0, .fib_n = 40 };
            _exit(run_load(&o, &r) == 0 ? 0 : 1);
        }
        sleep_ms(200);   /* the fib(40) requests are under way */
        struct load_result r;
        bool ok = heavy > 0 && measure(server.port, 10, 1, false, 2.0, &r);
        if (heavy > 0)
            waitpid(heavy, NULL, 0);
        ok = stop_server(&server) == 0 && ok;
        if (!ok) {
            printf("  %-6s FAILED\n", kinds[k]);
            continue;
        }
        printf("  %-6s%s fib(1): %8.0f requests/s, p50 %8.3f ms, p99 %8.3f ms\n", kinds[k],
               k == 1 ? (workers == 1 ? " (1 worker) " : " (workers)  ") : "            ",
               r.requests_per_second, r.p50_ms, r.p99_ms);
    }
    printf("\n");
}

static void listen_backlog(void)
{
    printf("1000 clients connect at once to the epoll server and send fib(1) once each:\n");
    int backlogs[] = { 5, LISTEN_BACKLOG };
    for (int b = 0; b < 2; b++) {
        struct running_server server;
        if (start_server(find_server_kind("epoll"), ADDRESS, backlogs[b], 0, &server) != 0)
            return;
        struct load_result r;
        /* A dropped handshake is retried after 1 s, then 3, 7, 15, 31 s (the retries back
         * off): give the slowest clients time. */
        struct load_options o = { .address = ADDRESS, .port = server.port,
                                  .connections = 1000, .requests = 1000, .fib_n = 1,
                                  .give_up_seconds = 40 };
        bool ok = run_load(&o, &r) == 0;
        ok = stop_server(&server) == 0 && ok;
        if (!ok) {
            printf("  listen(fd, %4d): some clients still had no reply after 40 s\n",
                   backlogs[b]);
            continue;
        }
        printf("  listen(fd, %4d): every client answered after %.3f s; slowest connect+reply "
               "%.0f ms\n", backlogs[b], r.connect_seconds + r.seconds,
               1000 * r.connect_seconds + r.max_ms);
    }
    printf("\n");
}

/* ---- The traced run ---------------------------------------------------------------------- */

struct traced_server {
    const struct server_kind *kind;
    int listen_fd, stop_fd;
    int status;
    int error;   /* errno when the server returned: ENOSYS from a stub */
};

static void *run_traced_server(void *argument)
{
    struct traced_server *s = argument;
    trace_name_thread("%s", s->kind->exercise ? "event loop" : "accept loop");
    s->status = serve_kind(s->kind, s->listen_fd, s->stop_fd, 1);
    s->error = errno;
    /* A server that failed (a stub fails at once) answers nobody: shutting down the listening
     * socket resets the clients waiting in its backlog and refuses those still to come, so
     * that none of them waits for ever for a reply. */
    if (s->status != 0 && shutdown(s->listen_fd, SHUT_RDWR) != 0)
        perror("traced run: shutdown");
    return NULL;
}

struct traced_client {
    long port;
    long first_n;
    bool ok;
};

/* A client of the traced run: not traced itself (it is not part of the server), it sends
 * three requests one after another and checks the replies. */
static void *run_traced_client(void *argument)
{
    struct traced_client *client = argument;
    client->ok = false;
    struct sockaddr_in where = { .sin_family = AF_INET, .sin_port = htons((unsigned short)client->port) };
    inet_pton(AF_INET, ADDRESS, &where.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&where, sizeof where) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    bool ok = true;
    for (long k = 0; k < 3 && ok; k++) {
        long n = client->first_n + k;
        char request[16], reply[REPLY_MAX], expected[REPLY_MAX];
        int length = snprintf(request, sizeof request, "%ld\n", n);
        size_t expected_length = format_reply(fib(n), expected);
        ok = send_all(fd, request, (size_t)length) == 0 &&
             read_all(fd, reply, expected_length) == 0 &&
             memcmp(reply, expected, expected_length) == 0;
    }
    close(fd);
    client->ok = ok;
    return NULL;
}

static int traced_run(const struct options *options)
{
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    trace_set_limit(120);
    trace_name_thread("main");
    int stop[2];
    struct traced_server server = { .kind = options->trace_kind };
    server.listen_fd = listen_on(ADDRESS, 0, LISTEN_BACKLOG);
    if (server.listen_fd < 0 || stop_pipe_open(stop) != 0) {
        perror("traced run");
        return 1;
    }
    server.stop_fd = stop[0];
    pthread_t server_thread, clients[3];
    struct traced_client client_args[3];
    thread_create(&server_thread, run_traced_server, &server);
    for (int k = 0; k < 3; k++) {
        client_args[k] = (struct traced_client){ .port = listening_port(server.listen_fd),
                                                 .first_n = 27 + k };
        int error = pthread_create(&clients[k], NULL, run_traced_client, &client_args[k]);
        if (error != 0)
            die_with_error("pthread_create", error);
    }
    bool ok = true;
    for (int k = 0; k < 3; k++) {
        int error = pthread_join(clients[k], NULL);
        if (error != 0)
            die_with_error("pthread_join", error);
        ok = ok && client_args[k].ok;
    }
    stop_pipe_trigger(stop[1]);
    thread_join(server_thread);
    close(server.listen_fd);
    close(stop[0]);
    close(stop[1]);
    if (trace_close() != 0)
        return 1;
    /* Unfinished exercises are no error here: the diagrams are drawn from a run that only
     * says why. */
    const struct server_kind *kind = options->trace_kind;
    if (server.status != 0 && server.error == ENOSYS && kind->needs != NULL) {
        printf("the %s server needs %s (lessons/08-event-loop/%s); skipped, and the diagrams "
               "say so\n", kind->name, kind->needs, kind->files);
        return trace_skipped(options->trace_prefix, "skipped: the %s server needs %s",
                             kind->name, kind->needs) == 0 ? 0 : 1;
    }
    printf("traced run of the %s server with 3 clients: %s\n", options->trace_kind->name,
           ok && server.status == 0 ? "every reply right" : "WRONG REPLIES");
    return ok && server.status == 0 ? 0 : 1;
}

/* ---- main -------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    struct options options = { .cell_ms = 1000, .repeat = 5,
                               .trace_kind = find_server_kind("epoll") };
    options.connection_count = parse_list("--connections", "1,10,100", 1, 2000,
                                          options.connections);
    options.fib_count = parse_list("--fib", "1,30", 0, 35, options.fibs);
    static const struct option long_options[] = {
        { "connections", required_argument, NULL, 'c' }, { "fib", required_argument, NULL, 'f' },
        { "ms", required_argument, NULL, 'm' }, { "repeat", required_argument, NULL, 'r' },
        { "bench", no_argument, NULL, 'b' }, { "trace", required_argument, NULL, 't' },
        { "trace-server", required_argument, NULL, 'k' }, { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'c':
            options.connection_count = parse_list("--connections", optarg, 1, 2000,
                                                  options.connections);
            break;
        case 'f': options.fib_count = parse_list("--fib", optarg, 0, 35, options.fibs); break;
        case 'm': options.cell_ms = number_argument(program, usage_text, "--ms", optarg, 10, 60000); break;
        case 'r':
            options.repeat = number_argument(program, usage_text, "--repeat", optarg, 1, MAX_REPEAT);
            break;
        case 'b': options.bench = true; break;
        case 't': options.trace_prefix = optarg; break;
        case 'k':
            options.trace_kind = find_server_kind(optarg);
            if (options.trace_kind == NULL)
                usage_error(program, usage_text, "--trace-server must name a server");
            break;
        default: usage_error(program, usage_text, NULL);
        }
    }
    if (optind < argc)
        usage_error(program, usage_text, "unexpected argument");
    signal(SIGPIPE, SIG_IGN);
    if (options.trace_prefix != NULL)
        return traced_run(&options);
    if (options.bench)
        print_loadavg("before");
    /* 1000 connections need 1000 fds on each side, beyond the usual soft limit of 1024. */
    raise_file_limit();
    bool all_right = main_table(&options);
    if (options.bench) {
        threads_against_python(&options);
        redis_comparison(&options);
        tail_latency();
        idle_connections();
        listen_backlog();
        print_loadavg("after");
    }
    return all_right ? 0 : 1;
}
