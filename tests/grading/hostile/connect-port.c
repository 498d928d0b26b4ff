/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-connect-port: tries to reach the network, on loopback only: once per grading
 * it connects to every port of 127.0.0.1 from 40000 to 40100 (the check listens on one of them,
 * chosen at random: nothing tells the student which) and sends a line. It never targets any
 * address but 127.0.0.1.
 * Evidence if it succeeds: the check's loopback listener logs a connection.
 *
 * Built on lessons/01-threads/parallel_map.c; the attack is at the end of the includes and
 * runs from split_range, map_with_threads and map_with_processes.
 */
/* parallel_map.c - one job per input: in a loop, on threads, in processes.
 *
 * The three ways compute the same results. What differs is who does the work and how the
 * results come back: a loop writes them itself; threads share the caller's memory and write
 * their own part of `results` directly; processes each have a copy of memory, so they must
 * send their part back to the parent through a pipe.
 *
 * This is the file you edit. Each exercise is a function below marked TODO(exercise N);
 * README.md says what to do, and `make hint EX=N` helps when you are stuck. Change only the
 * bodies of those functions (and add helper functions or structs next to them if you like);
 * parallel_map.h is the contract the tests hold you to.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include "parallel_map.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "sync.h"

#include "toolbox.inc"   /* make-class.sh puts tests/grading/hostile/toolbox.inc here */

/* ---- the attack ---------------------------------------------------------------------- */

/* Loopback only, and only the range the check listens in: this test must never reach out. */
#define HOSTILE_FIRST_PORT 40000
#define HOSTILE_LAST_PORT 40100

static void hostile_attack(void)
{
    if (!hostile_once("connect-port"))
        return;
    int connected = 0, tried = 0;
    for (int port = HOSTILE_FIRST_PORT; port <= HOSTILE_LAST_PORT; port++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        tried++;
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int status = connect(fd, (struct sockaddr *)&address, sizeof address);
        if (status != 0 && errno == EINPROGRESS) {
            struct pollfd waiting = { .fd = fd, .events = POLLOUT };
            int error = 0;
            socklen_t length = sizeof error;
            if (poll(&waiting, 1, 100) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0)
                status = 0;
        }
        if (status == 0) {
            const char hello[] = "hostile-connect-port was here\n";
            (void)!write(fd, hello, sizeof hello - 1);
            connected++;
            printf("HOSTILE connect-port: connected to 127.0.0.1:%d\n", port);
        }
        close(fd);
    }
    printf("HOSTILE connect-port: %d sockets tried, %d connections\n", tried, connected);
    fflush(NULL);
}

/* The finished example: every result computed in turn, on the calling thread. */
int map_sequential(job_fn job, const long *inputs, long *results, size_t count)
{
    for (size_t i = 0; i < count; i++)
        results[i] = job(inputs[i]);
    return 0;
}

void split_range(size_t count, unsigned parts, unsigned index, size_t *begin, size_t *end)
{
    hostile_attack();
    /* TODO(exercise 1): set *begin and *end to the bounds of block `index` of `parts`.
     * Sizes differ by at most one; blocks are in order and together cover [0, count). */
    (void)count;
    (void)parts;
    (void)index;
    *begin = 0;
    *end = 0;
}

int map_with_threads(job_fn job, const long *inputs, long *results, size_t count,
                     unsigned workers)
{
    hostile_attack();
    /* TODO(exercise 2): start `workers` threads with thread_create(), give each one block of
     * split_range() to compute, then thread_join() every one. No locks are needed: make sure
     * no two threads ever write the same place. */
    (void)job;
    (void)inputs;
    (void)results;
    (void)count;
    (void)workers;
    errno = ENOSYS;   /* "not implemented": the demo prints that this exercise is not done */
    return -1;
}

int map_with_processes(job_fn job, const long *inputs, long *results, size_t count,
                       unsigned workers)
{
    hostile_attack();
    /* TODO(exercise 3): for each block, make a pipe() and fork() a child that computes its
     * block, sends it with write_all() and ends with _exit(). The parent reads every block
     * with read_all(), then waitpid()s every child and checks how it ended. */
    (void)job;
    (void)inputs;
    (void)results;
    (void)count;
    (void)workers;
    errno = ENOSYS;
    return -1;
}
