/* test_event_loop.c - the tests of lesson 08: the connection buffers, the select and epoll
 * loops, and the worker pool, with real sockets on the loopback interface.
 *
 * Each test starts a server in a thread of its own on a free port (port 0) and stops it
 * through its stop pipe at the end; Check runs every test in a process of its own, so a test
 * that fails or hangs takes its server with it. No test asserts how fast anything is. "One
 * client does not hold up the others" is shown by the others being answered while that client
 * is still connected; a server that does hold them up leaves the test waiting until its
 * timeout. What is measured is the CPU time of an event loop whose clients are idle: a loop
 * that sleeps uses next to none, however slow or busy the machine, and one that spins uses a
 * core's worth.
 *
 * The servers run in this process, so the tests can look at the server's end of a connection
 * (server_end_of) and hold a lock of the worker pool, to make a rare order of events certain.
 */
#define _GNU_SOURCE   /* pipe2, accept4 in the servers' headers' company; F_SETPIPE_SZ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "kit_check.h"
#include "connection.h"
#include "listener.h"
#include "pool.h"
#include "protocol.h"
#include "rival.h"
#include "servers.h"
#include "sync.h"

/* Check sends a message to its runner for every ck_assert that passes, through a pipe the
 * runner reads only at the end: a few thousand passing asserts in a loop fill the pipe and
 * hang the test. So the tests here check with `if` and call ck_abort_msg only on failure. */

/* ---- A server in a thread of the test ----------------------------------------------------- */

/* EPOLL_WITH_POOL: serve_epoll with a pool the test starts and can look into. */
enum kind { SEQUENTIAL, THREADS, PROCESSES, SELECT, EPOLL, POOL, EPOLL_WITH_POOL };
static const char *kind_names[] = { "serve_sequential", "serve_threads", "serve_processes",
                                    "serve_select", "serve_epoll", "serve_pool",
                                    "serve_epoll with a pool" };

struct test_server {
    enum kind kind;
    long (*compute)(long n);   /* for POOL and EPOLL_WITH_POOL */
    unsigned workers;
    struct pool pool;          /* for EPOLL_WITH_POOL */
    int listen_fd;
    int stop[2];
    long port;
    pthread_t thread;
    atomic_bool finished;
    int status;
    int error;
    /* run_server writes a byte here as it returns, so that a test waiting for a reply wakes
     * up at once when the server has returned and no reply can ever come. */
    int returned[2];
};

static void *run_server(void *argument)
{
    struct test_server *s = argument;
    int status;
    switch (s->kind) {
    case SEQUENTIAL: status = serve_sequential(s->listen_fd, s->stop[0]); break;
    case THREADS: status = serve_threads(s->listen_fd, s->stop[0]); break;
    case PROCESSES: status = serve_processes(s->listen_fd, s->stop[0]); break;
    case SELECT: status = serve_select(s->listen_fd, s->stop[0]); break;
    case EPOLL: status = serve_epoll(s->listen_fd, s->stop[0], NULL); break;
    case EPOLL_WITH_POOL: status = serve_epoll(s->listen_fd, s->stop[0], &s->pool); break;
    default: status = serve_pool(s->listen_fd, s->stop[0], s->workers, s->compute); break;
    }
    s->error = errno;
    s->status = status;
    atomic_store(&s->finished, true);
    if (write(s->returned[1], "r", 1) != 1)
        abort();   /* cannot happen: the pipe is empty; without the byte a test would hang */
    return NULL;
}

static struct test_server *start_server(enum kind kind, long (*compute)(long n),
                                        unsigned workers)
{
    struct test_server *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->kind = kind;
    s->compute = compute;
    s->workers = workers;
    s->listen_fd = listen_on("127.0.0.1", 0, LISTEN_BACKLOG);
    if (!(s->listen_fd >= 0))
        ck_abort_msg("could not listen on 127.0.0.1");
    ck_assert_int_eq(stop_pipe_open(s->stop), 0);
    ck_assert_int_eq(pipe2(s->returned, O_CLOEXEC), 0);
    s->port = listening_port(s->listen_fd);
    if (kind == EPOLL_WITH_POOL)
        pool_start(&s->pool, workers, 64, compute);
    atomic_init(&s->finished, false);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, run_server, s), 0);
    return s;
}

static struct test_server *start(enum kind kind)
{
    return start_server(kind, fib, 2);
}

static struct test_server *start_pool(long (*compute)(long n), unsigned workers)
{
    return start_server(POOL, compute, workers);
}

/* Fails the test, in words, if the server has already returned. */
static void check_running(struct test_server *s)
{
    if (atomic_load(&s->finished))
        ck_abort_msg("%s returned %d (%s) while clients were still being served",
                     kind_names[s->kind], s->status,
                     s->error == ENOSYS ? "not written yet" : strerror(s->error));
}

static void stop(struct test_server *s)
{
    stop_pipe_trigger(s->stop[1]);
    ck_assert_int_eq(pthread_join(s->thread, NULL), 0);
    if (!(s->status == 0))
        ck_abort_msg("%s returned %d (%s) when asked to stop, not 0",
                     kind_names[s->kind], s->status, strerror(s->error));
    if (s->kind == EPOLL_WITH_POOL)
        pool_stop(&s->pool);
    close(s->listen_fd);
    close(s->stop[0]);
    close(s->stop[1]);
    close(s->returned[0]);
    close(s->returned[1]);
    free(s);
}

/* ---- Clients ------------------------------------------------------------------------------ */

/* Socket buffers of a fixed size, for tests that fill them: left to itself, the kernel grows
 * them up to net.ipv4.tcp_rmem and tcp_wmem's maxima, which differ from host to host. Set on
 * the listening socket, they are inherited by the server's end of every connection. */
#define SMALL_BUFFER (64 * 1024)

static void set_buffers(int fd, int bytes)
{
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes), 0);
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes), 0);
}

/* A socket connected to the server; with buffers of `buffer_bytes` if not 0 (set before
 * connecting, since the window the two ends agree on depends on them). */
static int connect_with_buffers(struct test_server *s, int buffer_bytes)
{
    struct sockaddr_in where = { .sin_family = AF_INET, .sin_port = htons((unsigned short)s->port) };
    inet_pton(AF_INET, "127.0.0.1", &where.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (!(fd >= 0))
        ck_abort_msg("socket: %s", strerror(errno));
    if (buffer_bytes > 0)
        set_buffers(fd, buffer_bytes);
    if (!(connect(fd, (struct sockaddr *)&where, sizeof where) == 0))
        ck_abort_msg("connect: %s",
                     strerror(errno));
    return fd;
}

static int connect_to(struct test_server *s)
{
    return connect_with_buffers(s, 0);
}

static void send_text(int fd, const char *text, size_t length)
{
    while (length > 0) {
        ssize_t sent = send(fd, text, length, MSG_NOSIGNAL);
        if (!(sent > 0))
            ck_abort_msg("send: %s", strerror(errno));
        text += sent;
        length -= (size_t)sent;
    }
}

static void send_line(int fd, const char *text)
{
    send_text(fd, text, strlen(text));
}

/* Reads one line (newline included) into line; returns its length, or 0 at end of file. Waits
 * as long as it takes, but fails at once if the server has returned (a stub returns at once). */
static size_t read_line(struct test_server *s, int fd, char *line, size_t size)
{
    size_t length = 0;
    while (length + 1 < size) {
        struct pollfd watch[2] = { { .fd = fd, .events = POLLIN },
                                   { .fd = s->returned[0], .events = POLLIN } };
        if (poll(watch, 2, -1) < 0 && errno != EINTR)
            ck_abort_msg("poll: %s", strerror(errno));
        if (watch[0].revents == 0) {
            check_running(s);
            continue;
        }
        ssize_t got = recv(fd, line + length, 1, 0);
        if (got < 0 && errno == ECONNRESET)
            got = 0;
        if (!(got >= 0))
            ck_abort_msg("recv: %s", strerror(errno));
        if (got == 0)
            break;
        length++;
        if (line[length - 1] == '\n')
            break;
    }
    line[length] = '\0';
    return length;
}

static void expect_line(struct test_server *s, int fd, const char *expected, const char *why)
{
    char line[256];
    read_line(s, fd, line, sizeof line);
    if (!(strcmp(line, expected) == 0))
        ck_abort_msg("%s: %s replied \"%.40s\", expected \"%.40s\"",
                     why, kind_names[s->kind], line, expected);
}

static void expect_error_line(struct test_server *s, int fd, const char *request)
{
    char line[256];
    read_line(s, fd, line, sizeof line);
    if (!(strncmp(line, "error:", 6) == 0 && line[strlen(line) - 1] == '\n'))
        ck_abort_msg("request \"%s\": %s replied \"%.40s\", expected a line starting \"error:\"",
                     request, kind_names[s->kind], line);
}

static void expect_end(struct test_server *s, int fd, const char *why)
{
    char line[256];
    size_t length = read_line(s, fd, line, sizeof line);
    if (!(length == 0))
        ck_abort_msg("%s: expected the server to close the connection, got \"%.40s\"",
                     why, line);
}

static char *fib_line(long n, char *buffer)
{
    snprintf(buffer, 32, "%ld\n", fib(n));
    return buffer;
}

static int open_fds(void)
{
    DIR *fds = opendir("/proc/self/fd");
    if (fds == NULL)
        return -1;
    int count = 0;
    while (readdir(fds) != NULL)
        count++;
    closedir(fds);
    return count;
}

/* Raises the soft limit on open files to the hard one, and returns it. */
static long raise_fd_limit(long wanted)
{
    struct rlimit limit;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &limit), 0);
    limit.rlim_cur = limit.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &limit), 0);
    if (!(limit.rlim_cur == RLIM_INFINITY || (long)limit.rlim_cur >= wanted))
        ck_abort_msg("this test needs %ld open files; the hard limit is %ld", wanted,
                     (long)limit.rlim_cur);
    return limit.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)limit.rlim_cur;
}

static void nap_ms(long ms)
{
    struct timespec pause = { ms / 1000, (ms % 1000) * 1000 * 1000 };
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
        continue;
}

static long long nanoseconds(clockid_t clock)
{
    struct timespec now;
    ck_assert_int_eq(clock_gettime(clock, &now), 0);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* The CPU time the server's thread (the event loop) has used so far, in ns. */
static long long server_cpu_ns(struct test_server *s)
{
    clockid_t clock;
    ck_assert_int_eq(pthread_getcpuclockid(s->thread, &clock), 0);
    return nanoseconds(clock);
}

/* An event loop with nothing to do sleeps in select() or epoll_wait(). One that is told
 * "ready" on every turn for nothing (a client's socket watched for "writable" with nothing to
 * send, a listening socket it cannot accept from) spins instead, and uses a whole core. Lets
 * 200 ms pass and fails if the loop's thread used more than a tenth of that much CPU time.
 * Not a measure of speed: a loop that sleeps uses next to nothing, however slow the machine or
 * busy its cores, and a spinning one gets its share of a core however busy they are. */
static void expect_loop_sleeps(struct test_server *s, const char *while_what)
{
    long long cpu_before = server_cpu_ns(s);
    long long start_ns = nanoseconds(CLOCK_MONOTONIC);
    nap_ms(200);
    long long cpu = server_cpu_ns(s) - cpu_before;
    long long elapsed = nanoseconds(CLOCK_MONOTONIC) - start_ns;
    check_running(s);
    if (!(cpu * 10 < elapsed))
        ck_abort_msg("%s used %lld ms of CPU time in %lld ms %s: its loop spins instead of "
                     "sleeping until a socket it watches is really ready", kind_names[s->kind],
                     cpu / 1000000, elapsed / 1000000, while_what);
}

/* The server's end of the test's connection `client`: the socket in this process whose peer
 * is the client's address. The server must have accepted the client already. */
static int server_end_of(int client)
{
    struct sockaddr_in mine, peer;
    socklen_t size = sizeof mine;
    ck_assert_int_eq(getsockname(client, (struct sockaddr *)&mine, &size), 0);
    for (int fd = 0; fd < 4096; fd++) {
        size = sizeof peer;
        if (fd != client && getpeername(fd, (struct sockaddr *)&peer, &size) == 0 &&
            peer.sin_family == AF_INET && peer.sin_port == mine.sin_port &&
            peer.sin_addr.s_addr == mine.sin_addr.s_addr)
            return fd;
    }
    ck_abort_msg("found no server end of the connection");
    return -1;
}

/* Waits until poll() reports one of `events` on fd (errors and hang-ups are always reported). */
static void wait_for_event(struct test_server *s, int fd, short events)
{
    struct pollfd watch = { .fd = fd, .events = events };
    while (poll(&watch, 1, 50) == 0)
        check_running(s);
}

/* Waits until the server has read every byte the client sent on this server end. */
static void wait_until_read(struct test_server *s, int server_end)
{
    for (;;) {
        int unread;
        ck_assert_int_eq(ioctl(server_end, FIONREAD, &unread), 0);
        if (unread == 0)
            return;
        check_running(s);
        nap_ms(1);
    }
}

/* ---- Checks every server must pass -------------------------------------------------------- */

/* Many clients connected at once, each sending its requests before anyone reads a reply. */
static void check_many_clients(enum kind kind, int clients)
{
    struct test_server *s = start(kind);
    int *fds = malloc((size_t)clients * sizeof *fds);
    ck_assert_ptr_nonnull(fds);
    for (int c = 0; c < clients; c++)
        fds[c] = connect_to(s);
    char request[64], expected[32];
    for (int c = 0; c < clients; c++) {
        snprintf(request, sizeof request, "%d\n%d\n%d\n", c % 20, (c + 1) % 20, (c + 2) % 20);
        send_line(fds[c], request);
    }
    for (int c = 0; c < clients; c++)
        for (int k = 0; k < 3; k++)
            expect_line(s, fds[c], fib_line((c + k) % 20, expected), "many clients at once");
    for (int c = 0; c < clients; c++)
        close(fds[c]);
    free(fds);
    stop(s);
}

static void check_request_in_pieces(enum kind kind)
{
    struct test_server *s = start(kind);
    int fd = connect_to(s);
    const char *request = "23\n";
    for (const char *byte = request; *byte != '\0'; byte++) {
        send_text(fd, byte, 1);
        struct timespec pause = { 0, 2 * 1000 * 1000 };   /* so each byte is a read of its own */
        nanosleep(&pause, NULL);
    }
    expect_line(s, fd, "28657\n", "\"23\\n\" sent one byte at a time");
    send_line(fd, "1");
    nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
    send_line(fd, "0\n7");
    nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
    send_line(fd, "\n");
    expect_line(s, fd, "55\n", "\"1\", \"0\\n7\", \"\\n\" in three sends");
    expect_line(s, fd, "13\n", "\"1\", \"0\\n7\", \"\\n\" in three sends");
    close(fd);
    stop(s);
}

/* 600 requests in one write: 2 KiB, more than one read's worth of the 1 KiB buffer. */
static void check_many_requests_in_one_write(enum kind kind)
{
    struct test_server *s = start(kind);
    int fd = connect_to(s);
    static char batch[600 * 4];
    size_t length = 0;
    for (int k = 0; k < 600; k++)
        length += (size_t)snprintf(batch + length, sizeof batch - length, "%d\n", k % 25);
    send_text(fd, batch, length);
    char expected[32];
    for (int k = 0; k < 600; k++)
        expect_line(s, fd, fib_line(k % 25, expected), "600 requests in one write");
    close(fd);
    stop(s);
}

static void check_bad_input(enum kind kind)
{
    struct test_server *s = start(kind);
    int fd = connect_to(s);
    const char *bad[] = { "abc\n", "-1\n", "46\n", "1000000000000000000000\n", "\n", "4 2\n",
                          "1.5\n", "\x01\xff\x7f\n", "0x10\n", "+3\n" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        send_line(fd, bad[k]);
        expect_error_line(s, fd, bad[k]);
    }
    send_line(fd, "10\r\n");
    expect_line(s, fd, "55\n", "after bad requests, \"10\\r\\n\" on the same connection");
    /* An over-long line: an error, and the connection is closed. Others are still served. */
    int other = connect_to(s);
    static char huge[3000];
    memset(huge, '7', sizeof huge);
    send_text(fd, huge, sizeof huge);
    expect_error_line(s, fd, "3000 digits");
    expect_end(s, fd, "after a request longer than 1 KiB");
    send_line(other, "12\n");
    expect_line(s, other, "144\n", "another client, after one sent an over-long line");
    close(fd);
    close(other);
    stop(s);
}

static void check_disconnects(enum kind kind)
{
    /* Counted before the server starts: every fd it opens (its epoll fd too) must be closed
     * again when it returns, and stop() closes the listening socket and the stop pipe. */
    int fds_before = open_fds();
    struct test_server *s = start(kind);
    /* Leaves in the middle of a request. */
    int half = connect_to(s);
    send_line(half, "1");
    close(half);
    /* Leaves without reading its replies: the server's writes then fail (EPIPE, ECONNRESET),
     * which must not kill it (SIGPIPE's default action ends the process). */
    for (int k = 0; k < 20; k++) {
        int rude = connect_to(s);
        send_line(rude, "20\n20\n20\n");
        struct linger now = { .l_onoff = 1, .l_linger = 0 };   /* close with a reset */
        if (k % 2)
            setsockopt(rude, SOL_SOCKET, SO_LINGER, &now, sizeof now);
        close(rude);
    }
    /* Hundreds of clients come and go one after another: fd numbers are reused, and a loop
     * that kept watching a closed fd fails (EBADF) or serves the wrong client. */
    for (int k = 0; k < 300; k++) {
        int fd = connect_to(s);
        send_line(fd, "6\n");
        expect_line(s, fd, "8\n", "clients coming and going");
        close(fd);
    }
    int fd = connect_to(s);
    send_line(fd, "9\n");
    expect_line(s, fd, "34\n", "after clients left in the middle");
    close(fd);
    stop(s);
    int fds_after = open_fds();
    if (!(fds_after <= fds_before))
        ck_abort_msg("%d fds open before the server started and %d after it stopped: it "
                     "leaves fds open (a client's socket, its epoll fd?)", fds_before, fds_after);
}

/* Client A sends and never reads. The server must stop reading from A once A's replies pile
 * up (A's writes then block), and must keep serving B meanwhile. */
static void check_client_that_never_reads(enum kind kind)
{
    struct test_server *s = start(kind);
    set_buffers(s->listen_fd, SMALL_BUFFER);
    int greedy = connect_with_buffers(s, SMALL_BUFFER);
    ck_assert_int_eq(set_nonblocking(greedy), 0);
    static char batch[64 * 1024];
    for (size_t k = 0; k < sizeof batch; k += 2)
        memcpy(batch + k, "1\n", 2);
    /* What a server that stops reading can have taken: requests for OUTPUT_LIMIT bytes of
     * replies ("1\n" for "1\n"), one read more, and what the four socket buffers hold (the
     * kernel doubles the size asked for, for its bookkeeping). Twice that, to spare. */
    long long total = 0;
    long long limit = 2 * (OUTPUT_LIMIT + REQUEST_MAX + 4 * 2 * SMALL_BUFFER);
    for (;;) {
        /* A send may take an odd number of bytes, ending inside a "1\n": start the next
         * one where that left off, so that the server sees only "1\n" requests. */
        size_t skip = (size_t)(total % 2);
        ssize_t sent = send(greedy, batch + skip, sizeof batch - skip, MSG_NOSIGNAL);
        if (sent > 0) {
            total += sent;
            if (!(total < limit))
                ck_abort_msg("%s took %lld bytes of requests from a client that "
                             "reads none of its replies: it must stop reading from a client "
                             "with OUTPUT_LIMIT bytes of replies unsent, or it buffers without end",
                             kind_names[s->kind], total);
            continue;
        }
        if (!(errno == EAGAIN || errno == EWOULDBLOCK))
            ck_abort_msg("send: %s", strerror(errno));
        /* Full. Wait a while for room: a server that still reads makes some. */
        struct pollfd watch = { .fd = greedy, .events = POLLOUT };
        if (poll(&watch, 1, 1000) == 0)
            break;
        check_running(s);
    }
    for (int k = 0; k < 3; k++) {
        int other = connect_to(s);
        send_line(other, "15\n");
        expect_line(s, other, "610\n", "another client, while one sends and never reads");
        close(other);
    }
    /* Now it reads: every reply must come, each "1\n" for a "1\n", none lost. A server that
     * stopped sending when the socket was full, and never watched for "writable", stalls. */
    ck_assert_int_eq(shutdown(greedy, SHUT_WR), 0);
    /* If the last send ended inside a "1\n", the server holds a "1" with no end of line when
     * the client shuts down its side: an unfinished request, which gets no reply. */
    long long expected = total - total % 2;
    long long received = 0;
    static char replies[256 * 1024];
    while (received < expected) {
        struct pollfd watch = { .fd = greedy, .events = POLLIN };
        if (poll(&watch, 1, 50) == 0) {
            check_running(s);
            continue;
        }
        ssize_t got = recv(greedy, replies, sizeof replies, 0);
        if (!(got > 0))
            ck_abort_msg("the client got %lld bytes of replies for %lld bytes of "
                         "requests, then the connection ended", received, expected);
        for (ssize_t k = 0; k < got; k++)
            if (!(replies[k] == ((received + k) % 2 ? '\n' : '1')))
                ck_abort_msg("reply byte %lld is wrong", received + k);
        received += got;
    }
    close(greedy);
    stop(s);
}

/* A client that is connected and says nothing, after a request and its reply: the loop must
 * sleep. One that watches every client for "writable" (almost always true) spins. */
static void check_loop_sleeps_while_clients_are_idle(enum kind kind)
{
    struct test_server *s = start(kind);
    int idle[3];
    for (int k = 0; k < 3; k++) {
        idle[k] = connect_to(s);
        send_line(idle[k], "7\n");
        expect_line(s, idle[k], "13\n", "before the clients fall silent");
    }
    expect_loop_sleeps(s, "while its three clients were connected and silent");
    for (int k = 0; k < 3; k++)
        close(idle[k]);
    stop(s);
}

/* Out of fds: accept() fails with EMFILE, the client waits in the backlog, and the listening
 * socket stays readable. The loop must go on serving its clients without spinning on the
 * listening socket, and accept the waiting client once an fd is free again. */
static void check_out_of_fds(enum kind kind)
{
    struct test_server *s = start(kind);
    int served = connect_to(s);
    send_line(served, "3\n");
    expect_line(s, served, "2\n", "before the fds run out");
    int waiting = socket(AF_INET, SOCK_STREAM, 0);   /* made now: later there is no fd left */
    ck_assert_int_ge(waiting, 0);
    /* Use up every fd, under a soft limit lowered to 256 so that it takes few. */
    struct rlimit saved, low;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
    low = saved;
    if (low.rlim_cur == RLIM_INFINITY || low.rlim_cur > 256)
        low.rlim_cur = 256;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    static int filler[256];
    int fillers = 0;
    while (fillers < 256 && (filler[fillers] = dup(served)) >= 0)
        fillers++;
    if (!(errno == EMFILE))
        ck_abort_msg("expected to run out of fds (EMFILE), got: %s", strerror(errno));
    struct sockaddr_in where = { .sin_family = AF_INET, .sin_port = htons((unsigned short)s->port) };
    inet_pton(AF_INET, "127.0.0.1", &where.sin_addr);
    ck_assert_int_eq(connect(waiting, (struct sockaddr *)&where, sizeof where), 0);
    expect_loop_sleeps(s, "out of fds, with a client waiting in the backlog");
    send_line(served, "5\n");
    expect_line(s, served, "5\n", "a client already connected, while the server is out of fds");
    for (int k = 0; k < fillers; k++)
        close(filler[k]);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
    send_line(waiting, "4\n");
    expect_line(s, waiting, "3\n", "the client that waited in the backlog, once fds were free");
    close(waiting);
    close(served);
    stop(s);
}

/* ---- given: protocol and the blocking servers --------------------------------------------- */

START_TEST(protocol_parses_and_bounds_requests)
{
    long n = -1;
    ck_assert(parse_request("0", 1, &n) && n == 0);
    ck_assert(parse_request("45", 2, &n) && n == 45);
    ck_assert(parse_request("30\r", 3, &n) && n == 30);
    ck_assert(!parse_request("46", 2, &n));
    ck_assert(!parse_request("", 0, &n));
    ck_assert(!parse_request("-1", 2, &n));
    ck_assert(!parse_request("1x", 2, &n));
    ck_assert(!parse_request("00045", 5, &n));
    ck_assert_int_eq(fib(0), 0);
    ck_assert_int_eq(fib(1), 1);
    ck_assert_int_eq(fib(30), 832040);
    char reply[REPLY_MAX];
    ck_assert_int_eq(answer_request("abc", 3, fib, reply), strlen(reply));
    ck_assert(strncmp(reply, "error:", 6) == 0);
}
END_TEST

START_TEST(sequential_server_answers)
{
    check_many_clients(SEQUENTIAL, 1);
    check_request_in_pieces(SEQUENTIAL);
    check_bad_input(SEQUENTIAL);
}
END_TEST

/* B is answered while A is connected and silent: not one client at a time. */
static void check_clients_at_once(enum kind kind)
{
    struct test_server *s = start(kind);
    int a = connect_to(s);
    send_line(a, "2");
    int b = connect_to(s);
    send_line(b, "20\n");
    expect_line(s, b, "6765\n", "B, while A is connected");
    send_line(a, "0\n");
    expect_line(s, a, "6765\n", "A, after B");
    close(a);
    close(b);
    stop(s);
}

START_TEST(threads_server_serves_clients_at_once)
{
    check_clients_at_once(THREADS);
    check_many_clients(THREADS, 20);
    check_bad_input(THREADS);
    check_disconnects(THREADS);
}
END_TEST

/* A blocking server whose send() waits for a client that never reads its replies: a stop
 * must still end it (and its threads, and its child processes). Stuck in the kernel, a
 * blocking send() never looks at the stop pipe. Fails by the test case's timeout. */
static void check_stops_despite_a_client_that_never_reads(enum kind kind)
{
    struct test_server *s = start(kind);
    set_buffers(s->listen_fd, SMALL_BUFFER);
    int greedy = connect_with_buffers(s, SMALL_BUFFER);
    ck_assert_int_eq(set_nonblocking(greedy), 0);
    static char batch[16 * 1024];
    for (size_t k = 0; k < sizeof batch; k += 2)
        memcpy(batch + k, "x\n", 2);   /* a 40-byte error reply for each 2 bytes sent */
    /* Send until the server stops reading: it waits for room to send its replies. */
    for (;;) {
        ssize_t sent = send(greedy, batch, sizeof batch, MSG_NOSIGNAL);
        if (sent > 0)
            continue;
        if (!(errno == EAGAIN || errno == EWOULDBLOCK))
            ck_abort_msg("send: %s", strerror(errno));
        struct pollfd watch = { .fd = greedy, .events = POLLOUT };
        if (poll(&watch, 1, 200) == 0)
            break;
        check_running(s);
    }
    stop(s);   /* waits for ever if the server cannot stop */
    close(greedy);
}

START_TEST(blocking_servers_stop_despite_a_client_that_never_reads)
{
    check_stops_despite_a_client_that_never_reads(SEQUENTIAL);
    check_stops_despite_a_client_that_never_reads(THREADS);
    check_stops_despite_a_client_that_never_reads(PROCESSES);
    errno = 0;
    if (!(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD))
        ck_abort_msg("serve_processes left a child nobody waited for");
}
END_TEST

START_TEST(processes_server_serves_clients_at_once_and_reaps)
{
    check_clients_at_once(PROCESSES);
    check_many_clients(PROCESSES, 10);
    check_bad_input(PROCESSES);
    errno = 0;
    if (!(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD))
        ck_abort_msg("serve_processes left a child nobody waited for");
}
END_TEST

/* ---- exercise 1: the connection's buffers ------------------------------------------------- */

/* A connection on one end of a socket pair; *peer is the other end, the "client". */
static struct connection *pair_connection(int *peer)
{
    int ends[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
    ck_assert_int_eq(set_nonblocking(ends[0]), 0);
    struct connection *c = malloc(sizeof *c);
    ck_assert_ptr_nonnull(c);
    connection_init(c, ends[0], 1);
    *peer = ends[1];
    return c;
}

static void free_connection(struct connection *c)
{
    close(c->fd);
    connection_release(c);
    free(c);
}

static void expect_taken(struct connection *c, const char *expected)
{
    const char *line = NULL;
    size_t length = 0;
    enum line_status status = connection_take_line(c, &line, &length);
    if (!(status == LINE_READY))
        ck_abort_msg("take_line: expected the line \"%s\", got status %d "
                     "(0 READY, 1 INCOMPLETE, 2 TOO_LONG)", expected, status);
    if (!(length == strlen(expected) && memcmp(line, expected, length) == 0))
        ck_abort_msg("take_line: expected \"%s\", got \"%.*s\"", expected, (int)length, line);
}

static void expect_status(struct connection *c, enum line_status expected, const char *why)
{
    const char *line = NULL;
    size_t length = 0;
    enum line_status status = connection_take_line(c, &line, &length);
    if (!(status == expected))
        ck_abort_msg("take_line, %s: status %d, expected %d "
                     "(0 READY, 1 INCOMPLETE, 2 TOO_LONG)", why, status, expected);
}

static void receive_from(struct connection *c, int peer, const char *text)
{
    send_text(peer, text, strlen(text));
    enum io_status status = connection_receive(c);
    if (!(status == IO_DONE))
        ck_abort_msg("connection_receive after the client sent \"%s\": "
                     "status %d, expected IO_DONE (0)", text, status);
}

START_TEST(take_line_splits_several_requests)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    receive_from(c, peer, "1\n22\n333\n44");
    expect_taken(c, "1");
    expect_taken(c, "22");
    expect_taken(c, "333");
    expect_status(c, LINE_INCOMPLETE, "after three lines, with \"44\" left");
    receive_from(c, peer, "4\n");
    expect_taken(c, "444");
    expect_status(c, LINE_INCOMPLETE, "with nothing left");
    close(peer);
    free_connection(c);
}
END_TEST

START_TEST(take_line_waits_for_the_rest_of_a_request)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    receive_from(c, peer, "1");
    expect_status(c, LINE_INCOMPLETE, "after \"1\"");
    receive_from(c, peer, "2");
    expect_status(c, LINE_INCOMPLETE, "after \"1\", \"2\"");
    receive_from(c, peer, "\n");
    expect_taken(c, "12");
    /* Many lines, many reads: the buffer must make room again as lines are taken. */
    char text[16];
    for (int k = 0; k < 2000; k++) {
        snprintf(text, sizeof text, "%d\n", k);
        receive_from(c, peer, text);
        text[strlen(text) - 1] = '\0';
        expect_taken(c, text);
    }
    close(peer);
    free_connection(c);
}
END_TEST

START_TEST(take_line_refuses_lines_over_the_limit)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    static char longest[REQUEST_MAX + 2];
    memset(longest, '5', REQUEST_MAX);
    longest[REQUEST_MAX] = '\n';
    send_text(peer, longest, REQUEST_MAX + 1);
    while (c->input_length < REQUEST_MAX + 1)
        if (connection_receive(c) != IO_DONE)
            ck_abort_msg("connection_receive did not receive what the client sent");
    const char *line;
    size_t length;
    if (!(connection_take_line(c, &line, &length) == LINE_READY && length == REQUEST_MAX))
        ck_abort_msg("a line of exactly REQUEST_MAX bytes and its newline must be taken whole");
    memset(longest, '5', REQUEST_MAX + 1);
    send_text(peer, longest, REQUEST_MAX + 1);
    while (c->input_length - c->input_start < REQUEST_MAX + 1)
        if (connection_receive(c) != IO_DONE)
            ck_abort_msg("connection_receive did not receive what the client sent");
    expect_status(c, LINE_TOO_LONG, "REQUEST_MAX + 1 bytes and no newline");
    close(peer);
    free_connection(c);
}
END_TEST

START_TEST(receive_tells_again_from_closed)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    enum io_status status = connection_receive(c);
    if (!(status == IO_AGAIN))
        ck_abort_msg("receive with nothing sent: status %d, expected IO_AGAIN "
                     "(1); the socket is non-blocking", status);
    receive_from(c, peer, "7\n");
    ck_assert_int_eq(c->input_length - c->input_start, 2);
    close(peer);
    status = connection_receive(c);
    if (!(status == IO_CLOSED))
        ck_abort_msg("receive after the client closed: status %d, expected "
                     "IO_CLOSED (2)", status);
    free_connection(c);
}
END_TEST

START_TEST(send_finishes_what_a_partial_write_left)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    int small = 4096;
    setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    /* 1 MB of numbered lines: far more than the socket takes at once. */
    size_t total = 0;
    char line[32];
    for (int k = 0; total < 1000000; k++) {
        int length = snprintf(line, sizeof line, "%d\n", k);
        connection_append(c, line, (size_t)length);
        total += (size_t)length;
    }
    if (!(connection_has_output(c)))
        ck_abort_msg("after connection_append, nothing is waiting");
    enum io_status status = connection_send(c);
    if (!(status == IO_AGAIN))
        ck_abort_msg("sending 1 MB into a full socket: status %d, expected "
                     "IO_AGAIN (1), with the rest kept for later", status);
    ck_assert(connection_has_output(c));
    /* Read everything on the client's side, sending again whenever there is room. */
    char *received = malloc(total + 1);
    ck_assert_ptr_nonnull(received);
    size_t got = 0;
    while (got < total) {
        ssize_t n = read(peer, received + got, total - got);
        if (!(n > 0))
            ck_abort_msg("the client got only %zu of %zu bytes", got, total);
        got += (size_t)n;
        status = connection_send(c);
        if (!(status == IO_DONE || status == IO_AGAIN))
            ck_abort_msg("send: status %d", status);
    }
    if (!(status == IO_DONE))
        ck_abort_msg("everything was sent, but send said %d, not IO_DONE (0)",
                     status);
    ck_assert(!connection_has_output(c));
    size_t checked = 0;
    for (int k = 0; checked < total; k++) {
        int length = snprintf(line, sizeof line, "%d\n", k);
        if (!(memcmp(received + checked, line, (size_t)length) == 0))
            ck_abort_msg("byte %zu: the client got \"%.8s\", expected \"%s\": bytes lost or "
                         "repeated around a partial write", checked, received + checked, line);
        checked += (size_t)length;
    }
    free(received);
    /* Appending after everything was sent starts afresh. */
    connection_append(c, "8\n", 2);
    ck_assert_int_eq(connection_send(c), IO_DONE);
    ck_assert_int_eq(read(peer, line, sizeof line), 2);
    close(peer);
    /* The client has gone: a send fails, and does not kill the process with SIGPIPE. */
    connection_append(c, "9\n", 2);
    if (!(connection_send(c) == IO_FAILED))
        ck_abort_msg("sending to a client that has gone must give IO_FAILED (3)");
    free_connection(c);
}
END_TEST

START_TEST(wants_input_only_while_replies_can_be_taken)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    if (!(connection_wants_input(c)))
        ck_abort_msg("a new connection must want input");
    static char block[1024];
    memset(block, 'x', sizeof block);
    for (int k = 0; k < OUTPUT_LIMIT / 1024 - 1; k++)
        connection_append(c, block, sizeof block);
    if (!(connection_wants_input(c)))
        ck_abort_msg("with less than OUTPUT_LIMIT unsent it must "
                     "still want input");
    connection_append(c, block, sizeof block);
    if (!(!connection_wants_input(c)))
        ck_abort_msg("with OUTPUT_LIMIT bytes unsent it must not "
                     "want input: the client is not reading its replies");
    connection_release(c);
    connection_init(c, c->fd, 1);
    c->busy = true;
    if (!(!connection_wants_input(c)))
        ck_abort_msg("a busy connection must not want input");
    c->busy = false;
    c->closing = true;
    if (!(!connection_wants_input(c)))
        ck_abort_msg("a closing connection must not want input");
    c->closing = false;
    c->ended = true;
    if (!(!connection_wants_input(c)))
        ck_abort_msg("an ended connection must not want input");
    close(peer);
    free_connection(c);
}
END_TEST

START_TEST(serve_answers_requests_in_order)
{
    int peer;
    struct connection *c = pair_connection(&peer);
    send_line(peer, "3\nx\n10\n1");
    if (!(connection_serve(c, true, NULL)))
        ck_abort_msg("connection_serve closed a good connection");
    char reply[64] = { 0 };
    /* connection_serve sends the replies before it returns, and on a socket pair what one end
     * sends is in the other end's buffer when send() returns: if nothing is there now, nothing
     * will come, and there is nothing to wait for. */
    struct pollfd watch = { .fd = peer, .events = POLLIN };
    if (!(poll(&watch, 1, 0) == 1))
        ck_abort_msg("for \"3\\nx\\n10\\n1\" the client got no reply at all: connection_serve "
                     "must read the requests, answer them and send the replies before it "
                     "returns");
    ssize_t got = read(peer, reply, sizeof reply - 1);
    if (!(got > 0 && strncmp(reply, "2\nerror:", 8) == 0 && strstr(reply, "\n55\n")))
        ck_abort_msg("for \"3\\nx\\n10\\n1\" the client got \"%s\"", reply);
    close(peer);
    free_connection(c);
}
END_TEST

/* ---- exercises 2 and 3: the loops ----------------------------------------------------------- */

START_TEST(select_serves_many_clients_at_once) { check_many_clients(SELECT, 50); }
END_TEST
START_TEST(select_request_in_pieces) { check_request_in_pieces(SELECT); }
END_TEST
START_TEST(select_many_requests_in_one_write) { check_many_requests_in_one_write(SELECT); }
END_TEST
START_TEST(select_bad_input) { check_bad_input(SELECT); }
END_TEST
START_TEST(select_clients_that_leave) { check_disconnects(SELECT); }
END_TEST
START_TEST(select_client_that_never_reads) { check_client_that_never_reads(SELECT); }
END_TEST
START_TEST(select_sleeps_while_clients_are_idle) { check_loop_sleeps_while_clients_are_idle(SELECT); }
END_TEST
START_TEST(select_out_of_fds) { check_out_of_fds(SELECT); }
END_TEST

/* A client whose fd is FD_SETSIZE or more cannot be put in an fd_set: it must be refused
 * (closed), not written past the end of the set. */
START_TEST(select_refuses_fds_beyond_fd_setsize)
{
    raise_fd_limit(FD_SETSIZE + 64);
    struct test_server *s = start(SELECT);
    int warm = connect_to(s);
    send_line(warm, "4\n");
    expect_line(s, warm, "3\n", "before the fds run high");
    int filler[FD_SETSIZE];
    int count = 0;
    for (;;) {
        int fd = dup(0);
        if (fd < 0)
            ck_abort_msg("dup: %s", strerror(errno));
        filler[count++] = fd;
        if (fd >= FD_SETSIZE)
            break;
    }
    int high = connect_to(s);   /* the server's end will be above FD_SETSIZE */
    send_line(high, "5\n");
    char line[256];
    size_t length = read_line(s, high, line, sizeof line);
    if (!(length == 0 || strncmp(line, "error:", 6) == 0))
        ck_abort_msg("a client on an fd >= FD_SETSIZE was served (\"%s\"): FD_SET on it writes "
                     "past the end of the fd_set", line);
    close(high);
    for (int k = 0; k < count; k++)
        close(filler[k]);
    send_line(warm, "6\n");
    expect_line(s, warm, "8\n", "after a client above FD_SETSIZE came and went");
    close(warm);
    stop(s);
}
END_TEST

START_TEST(epoll_serves_many_clients_at_once) { check_many_clients(EPOLL, 50); }
END_TEST
START_TEST(epoll_request_in_pieces) { check_request_in_pieces(EPOLL); }
END_TEST
START_TEST(epoll_many_requests_in_one_write) { check_many_requests_in_one_write(EPOLL); }
END_TEST
START_TEST(epoll_bad_input) { check_bad_input(EPOLL); }
END_TEST
START_TEST(epoll_clients_that_leave) { check_disconnects(EPOLL); }
END_TEST
START_TEST(epoll_client_that_never_reads) { check_client_that_never_reads(EPOLL); }
END_TEST
START_TEST(epoll_sleeps_while_clients_are_idle) { check_loop_sleeps_while_clients_are_idle(EPOLL); }
END_TEST
START_TEST(epoll_out_of_fds) { check_out_of_fds(EPOLL); }
END_TEST

/* The bytes of memory in use by malloc, in every thread's arena. (Built with a sanitizer, the
 * program allocates through the sanitizer instead, and this sees next to nothing.) */
static size_t heap_in_use(void)
{
    struct mallinfo2 heap = mallinfo2();
    return heap.uordblks + heap.hblkhd;
}

/* The epoll loop finds a client by its fd in a table. Sized by the limit on open files, the
 * table would take 8 GiB where that limit is 2^30 (container hosts). The hard limit here
 * cannot be raised that far, so the test runs the server under the highest limit it can set,
 * and checks that the server's memory follows its clients instead: ten of them must cost less
 * than 64 KiB. That catches a table sized by the limit wherever the hard limit is 8192 or more
 * (20000 on the machine the kit was written on; 2^20 or 2^30 on many hosts). */
START_TEST(epoll_memory_follows_the_clients_not_the_fd_limit)
{
    long limit = raise_fd_limit(64);
    size_t before = heap_in_use();
    struct test_server *s = start(EPOLL);
    enum { CLIENTS = 10 };
    int fds[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
        fds[c] = connect_to(s);
        send_line(fds[c], "8\n");
        expect_line(s, fds[c], "21\n", "a few clients, under a high limit on open files");
    }
    size_t used = heap_in_use() - before;
    if (!(used < 64 * 1024))
        ck_abort_msg("serve_epoll took %zu KiB of memory for %d clients, with the limit on open "
                     "files at %ld: is its table of clients sized by that limit (%zu KiB "
                     "here)? Grow it as fds come instead", used / 1024, CLIENTS, limit,
                     (size_t)limit * sizeof(struct connection *) / 1024);
    for (int c = 0; c < CLIENTS; c++)
        close(fds[c]);
    stop(s);
}
END_TEST

START_TEST(epoll_holds_a_thousand_connections)
{
    raise_fd_limit(2 * 1000 + 64);
    struct test_server *s = start(EPOLL);
    enum { CLIENTS = 1000 };
    static int fds[CLIENTS];
    for (int c = 0; c < CLIENTS; c++)
        fds[c] = connect_to(s);
    char request[16], expected[32];
    for (int c = 0; c < CLIENTS; c++) {
        snprintf(request, sizeof request, "%d\n", c % 15);
        send_line(fds[c], request);
    }
    for (int c = CLIENTS - 1; c >= 0; c--)
        expect_line(s, fds[c], fib_line(c % 15, expected), "1000 connections at once");
    for (int c = 0; c < CLIENTS; c++)
        close(fds[c]);
    stop(s);
}
END_TEST

/* ---- exercise 4: the worker pool ------------------------------------------------------------ */

/* A computation the test controls: fib(44) waits until the test opens the gate (and then
 * answers at once, without the 0.8 s of computing it). */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_changed = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static int gate_waiting;

static long gated(long n)
{
    if (n != 44)
        return fib(n);
    pthread_mutex_lock(&gate_lock);
    gate_waiting++;
    pthread_cond_broadcast(&gate_changed);
    while (!gate_open)
        pthread_cond_wait(&gate_changed, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    return 701408733;
}

/* Waits until `jobs` requests for fib(44) are held at the gate: with a worker. */
static void wait_until_gate_holds(struct test_server *s, int jobs)
{
    for (;;) {
        pthread_mutex_lock(&gate_lock);
        int waiting = gate_waiting;
        pthread_mutex_unlock(&gate_lock);
        if (waiting >= jobs)
            return;
        check_running(s);
        nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
    }
}

static void open_gate(void)
{
    pthread_mutex_lock(&gate_lock);
    gate_open = true;
    pthread_cond_broadcast(&gate_changed);
    pthread_mutex_unlock(&gate_lock);
}

struct resumed {
    struct connection *seen[64];
    int count;
};

static void note_resumed(struct connection *c, void *context)
{
    struct resumed *r = context;
    if (r->count < 64)
        r->seen[r->count] = c;
    r->count++;
}

/* The threads of this process, as the kernel counts them: a thread that has returned is no
 * longer counted, joined or not. */
static int threads_in_process(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    if (status == NULL)
        ck_abort_msg("/proc/self/status: %s", strerror(errno));
    char line[256];
    int threads = -1;
    while (fgets(line, sizeof line, status) != NULL)
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    fclose(status);
    if (!(threads > 0))
        ck_abort_msg("/proc/self/status says nothing of this process's threads");
    return threads;
}

/* The threads there were before the test started its pool. Once the count is back down to
 * it, every worker has returned, and what only a worker does (take a job, write the wake fd)
 * will never happen: the test can fail at once instead of waiting out its bound, which is
 * what a stub's workers, returning at once, would otherwise cost. (Under ThreadSanitizer,
 * whose own thread may start with the first worker, the count stays above it, and a test
 * waits out its bound as before.) */
static int threads_before_pool;

static void start_watched_pool(struct pool *pool, unsigned workers, size_t capacity,
                               long (*compute)(long n))
{
    threads_before_pool = threads_in_process();
    pool_start(pool, workers, capacity, compute);
}

static bool every_worker_has_returned(void)
{
    return threads_in_process() <= threads_before_pool;
}

/* Waits until the pool's wake fd says results are there, then collects them. The pool must
 * have been started by start_watched_pool. */
static size_t wait_and_collect(struct pool *pool, struct resumed *r)
{
    struct pollfd watch = { .fd = pool_wake_fd(pool), .events = POLLIN };
    for (int tries = 0; tries < 60; tries++) {   /* 3 s: the job itself takes microseconds */
        if (poll(&watch, 1, 50) == 1)
            return pool_collect(pool, note_resumed, r);
        /* Looked at again after the workers are known to be gone: the last may have written
         * the wake fd just before it returned. */
        if (every_worker_has_returned() && poll(&watch, 1, 0) == 0)
            break;
    }
    ck_abort_msg("the pool's wake fd never became readable: a worker that finishes a job must "
                 "write to the eventfd, or the loop sleeps on");
    return 0;
}

START_TEST(pool_computes_and_wakes_the_loop)
{
    struct pool pool;
    start_watched_pool(&pool, 1, 16, fib);
    struct connection c;
    connection_init(&c, -1, 1);
    ck_assert(pool_submit(&pool, &c, 20));
    c.busy = true;
    struct resumed r = { .count = 0 };
    size_t collected = wait_and_collect(&pool, &r);
    if (!(collected == 1 && r.count == 1 && r.seen[0] == &c))
        ck_abort_msg("pool_collect took %zu jobs and resumed %d connections; expected 1 and 1",
                     collected, r.count);
    if (!(!c.busy))
        ck_abort_msg("after its job came back, the connection must not be busy");
    if (!(c.output_length - c.output_sent == 5 && memcmp(c.output + c.output_sent,
                  "6765\n", 5) == 0))
        ck_abort_msg("the reply to fib(20) must be appended to its connection");
    if (!(pool_collect(&pool, note_resumed, &r) == 0 && r.count == 1))
        ck_abort_msg("a second pool_collect with nothing finished must take nothing");
    pool_stop(&pool);
    connection_release(&c);
}
END_TEST

START_TEST(pool_collects_every_job)
{
    struct pool pool;
    start_watched_pool(&pool, 2, 64, fib);
    static struct connection clients[50];
    for (int k = 0; k < 50; k++) {
        connection_init(&clients[k], -1, k);
        ck_assert(pool_submit(&pool, &clients[k], k % 23));
        clients[k].busy = true;
    }
    struct resumed r = { .count = 0 };
    size_t collected = 0;
    while (collected < 50)
        collected += wait_and_collect(&pool, &r);
    if (!(collected == 50 && r.count == 50))
        ck_abort_msg("50 jobs: collected %zu, resumed %d",
                     collected, r.count);
    if (!(pool.free_count == pool.capacity))
        ck_abort_msg("every job's slot must be free again");
    char expected[32];
    for (int k = 0; k < 50; k++) {
        fib_line(k % 23, expected);
        size_t length = strlen(expected);
        if (!(!clients[k].busy && clients[k].output_length == length &&
                      memcmp(clients[k].output, expected, length) == 0))
        ck_abort_msg("connection %d: the reply to fib(%d) is missing or wrong", k, k % 23);
        connection_release(&clients[k]);
    }
    pool_stop(&pool);
}
END_TEST

START_TEST(pool_server_answers_others_while_one_computes)
{
    struct test_server *s = start_pool(gated, 1);
    int slow = connect_to(s);
    send_line(slow, "44\n");
    wait_until_gate_holds(s, 1);
    for (int k = 0; k < 5; k++) {
        int quick = connect_to(s);
        send_line(quick, "1\n27\n");
        expect_line(s, quick, "1\n", "fib(1), while fib(44) is computed");
        close(quick);
    }
    /* Nothing else happens now: only the worker's wake-up can get the reply sent. */
    open_gate();
    expect_line(s, slow, "701408733\n", "fib(44), once computed (was the loop woken?)");
    close(slow);
    stop(s);
}
END_TEST

START_TEST(pool_server_keeps_replies_in_order)
{
    struct test_server *s = start_pool(fib, 2);
    int fd = connect_to(s);
    send_line(fd, "26\n1\n27\n2\nx\n28\n3\n");
    char expected[32];
    const int order[] = { 26, 1, 27, 2, -1, 28, 3 };
    for (int k = 0; k < 7; k++) {
        if (order[k] < 0)
            expect_error_line(s, fd, "x");
        else
            expect_line(s, fd, fib_line(order[k], expected), "replies in the order asked");
    }
    close(fd);
    stop(s);
}
END_TEST

START_TEST(pool_server_survives_a_client_leaving_mid_job)
{
    struct test_server *s = start_pool(gated, 1);
    int gone = connect_to(s);
    send_line(gone, "44\n5\n");
    wait_until_gate_holds(s, 1);
    close(gone);
    int other = connect_to(s);
    send_line(other, "7\n");
    expect_line(s, other, "13\n", "another client, while a job of a client that left runs");
    open_gate();
    send_line(other, "26\n");
    expect_line(s, other, "121393\n", "after the job of a client that left came back");
    close(other);
    stop(s);
}
END_TEST

/* epoll_wait() hands the loop a batch of events, every fd that was ready. An event early in a
 * batch may close a client (here: its job comes back, and sending the reply fails because the
 * client has reset the connection), which frees its fd number. A loop that accepted in the
 * middle of the batch could give that number to a new client; a later event of the same batch,
 * meant for the closed client (its reset: an error), would then be taken for the new client's,
 * and close it. The test makes that batch happen: it holds the loop up (on the lock of the
 * workers' queue, as the loop hands over a job), and meanwhile the job comes back, a new client
 * connects and the old client resets, in that order. */
START_TEST(pool_server_ignores_events_of_a_client_closed_in_the_same_batch)
{
    struct test_server *s = start_server(EPOLL_WITH_POOL, gated, 1);
    int placeholder = socket(AF_INET, SOCK_STREAM, 0);   /* see below */
    ck_assert_int_ge(placeholder, 0);
    int old = connect_to(s);
    send_line(old, "44\n");
    wait_until_gate_holds(s, 1);
    int old_end = server_end_of(old);
    int holder = connect_to(s);
    send_line(holder, "1\n");
    expect_line(s, holder, "1\n", "before the loop is held up");
    int holder_end = server_end_of(holder);
    /* Once the loop has read this request, it blocks handing it to the workers, until the
     * lock is released: no epoll_wait in between, so every event from now on waits for the
     * same next batch, in the order it happened. */
    mutex_lock(&s->pool.todo.lock);
    send_line(holder, "26\n");
    wait_until_read(s, holder_end);
    open_gate();
    wait_for_event(s, pool_wake_fd(&s->pool), POLLIN);     /* 1: the job is back */
    int fresh = connect_to(s);
    wait_for_event(s, s->listen_fd, POLLIN);               /* 2: a client to accept */
    /* 3: the old client resets its connection (SO_LINGER 0: close sends a reset). dup2
     * closes it and keeps its fd number taken, so that the only fd number the server frees
     * is the old client's own, and the fresh client gets it. */
    struct linger now = { .l_onoff = 1, .l_linger = 0 };
    ck_assert_int_eq(setsockopt(old, SOL_SOCKET, SO_LINGER, &now, sizeof now), 0);
    ck_assert_int_eq(dup2(placeholder, old), old);
    wait_for_event(s, old_end, 0);
    mutex_unlock(&s->pool.todo.lock);
    send_line(fresh, "5\n");
    expect_line(s, fresh, "5\n", "a client accepted in the batch in which a client with a job "
                "was closed (was it closed by an event meant for the old client?)");
    expect_line(s, holder, "121393\n", "the request that held the loop up");
    close(fresh);
    close(holder);
    close(old);
    close(placeholder);
    stop(s);
}
END_TEST

/* The rival (rival.h) runs at the worker's first write to the pool once the job is computed,
 * which is its queue_put into `done`: it records whether the loop has been woken already. */
static struct pool *put_watched_pool;
static atomic_bool woken_before_put;

__attribute__((no_sanitize("thread")))
static void note_whether_woken(void)
{
    struct pollfd watch = { .fd = put_watched_pool->wake_fd, .events = POLLIN };
    atomic_store(&woken_before_put, poll(&watch, 1, 0) == 1);
}

/* The worker must put the result in `done` first and wake the loop after: woken first, the
 * loop reads the count and calls queue_get on a `done` that may still be empty, and waits
 * there, every client with it, until the worker gets round to its put. */
START_TEST(pool_puts_the_result_before_waking_the_loop)
{
    struct pool *pool = rival_memory(sizeof *pool);
    start_watched_pool(pool, 1, 16, gated);
    struct connection c;
    connection_init(&c, -1, 1);
    ck_assert(pool_submit(pool, &c, 44));
    c.busy = true;
    for (int naps = 0; ; naps++) {   /* until the worker holds the job at the gate */
        pthread_mutex_lock(&gate_lock);
        int waiting = gate_waiting;
        pthread_mutex_unlock(&gate_lock);
        if (waiting > 0)
            break;
        if (every_worker_has_returned())
            ck_abort_msg("no worker took the job from the `todo` queue: the worker has "
                         "returned, and only a worker takes jobs");
        if (!(naps < 200))   /* a worker takes a job in microseconds: a second is plenty */
            ck_abort_msg("no worker took the job from the `todo` queue in a second");
        nap_ms(5);
    }
    put_watched_pool = pool;
    atomic_init(&woken_before_put, false);
    rival_arm(pool, sizeof *pool, note_whether_woken);
    open_gate();
    for (int naps = 0; !rival_has_run(); naps++) {
        if (!(naps < 600))
            ck_abort_msg("the worker computed the job but did not put it in `done` in 3 s");
        nap_ms(5);
    }
    if (!(!atomic_load(&woken_before_put)))
        ck_abort_msg("the worker wrote the eventfd before it put the result in `done`: the "
                     "loop, woken, may find `done` empty and wait in queue_get, with every "
                     "client. Put first, then wake.");
    struct resumed r = { .count = 0 };
    wait_and_collect(pool, &r);
    pool_stop(pool);
    connection_release(&c);
    rival_release(pool, sizeof *pool);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("08-event-loop");

    TCase *given = kit_tcase("given", 20);
    tcase_add_test(given, protocol_parses_and_bounds_requests);
    tcase_add_test(given, sequential_server_answers);
    tcase_add_test(given, threads_server_serves_clients_at_once);
    tcase_add_test(given, processes_server_serves_clients_at_once_and_reaps);
    tcase_add_test(given, blocking_servers_stop_despite_a_client_that_never_reads);
    suite_add_tcase(suite, given);

    TCase *buffers = kit_tcase("exercise 1", 5);
    tcase_add_test(buffers, take_line_splits_several_requests);
    tcase_add_test(buffers, take_line_waits_for_the_rest_of_a_request);
    tcase_add_test(buffers, take_line_refuses_lines_over_the_limit);
    tcase_add_test(buffers, receive_tells_again_from_closed);
    tcase_add_test(buffers, send_finishes_what_a_partial_write_left);
    tcase_add_test(buffers, wants_input_only_while_replies_can_be_taken);
    tcase_add_test(buffers, serve_answers_requests_in_order);
    suite_add_tcase(suite, buffers);

    TCase *select_loop = kit_tcase("exercise 2", 15);
    tcase_add_test(select_loop, select_serves_many_clients_at_once);
    tcase_add_test(select_loop, select_request_in_pieces);
    tcase_add_test(select_loop, select_many_requests_in_one_write);
    tcase_add_test(select_loop, select_bad_input);
    tcase_add_test(select_loop, select_clients_that_leave);
    tcase_add_test(select_loop, select_client_that_never_reads);
    tcase_add_test(select_loop, select_sleeps_while_clients_are_idle);
    tcase_add_test(select_loop, select_out_of_fds);
    tcase_add_test(select_loop, select_refuses_fds_beyond_fd_setsize);
    suite_add_tcase(suite, select_loop);

    TCase *epoll_loop = kit_tcase("exercise 3", 15);
    tcase_add_test(epoll_loop, epoll_serves_many_clients_at_once);
    tcase_add_test(epoll_loop, epoll_request_in_pieces);
    tcase_add_test(epoll_loop, epoll_many_requests_in_one_write);
    tcase_add_test(epoll_loop, epoll_bad_input);
    tcase_add_test(epoll_loop, epoll_clients_that_leave);
    tcase_add_test(epoll_loop, epoll_client_that_never_reads);
    tcase_add_test(epoll_loop, epoll_sleeps_while_clients_are_idle);
    tcase_add_test(epoll_loop, epoll_out_of_fds);
    tcase_add_test(epoll_loop, epoll_memory_follows_the_clients_not_the_fd_limit);
    tcase_add_test(epoll_loop, epoll_holds_a_thousand_connections);
    suite_add_tcase(suite, epoll_loop);

    TCase *pool = kit_tcase("exercise 4", 6);
    tcase_add_test(pool, pool_computes_and_wakes_the_loop);
    tcase_add_test(pool, pool_collects_every_job);
    tcase_add_test(pool, pool_server_answers_others_while_one_computes);
    tcase_add_test(pool, pool_server_keeps_replies_in_order);
    tcase_add_test(pool, pool_server_survives_a_client_leaving_mid_job);
    tcase_add_test(pool, pool_server_ignores_events_of_a_client_closed_in_the_same_batch);
    tcase_add_test(pool, pool_puts_the_result_before_waking_the_loop);
    suite_add_tcase(suite, pool);
    return suite;
}
