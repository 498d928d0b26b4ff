/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-write-outside: tries to leave a file outside its workspace: from every exercise
 * function, once per test process, it writes hostile-was-here-write-outside-PID into every
 * folder it can think of (the folders above its working folder and its binary, the kit's top
 * folder found through the working folders of the grader's processes in /proc, /tmp, $HOME,
 * /root, /work, /dev/shm, /var/tmp, the folders in /home). To stay cleanable it writes only under /tmp,
 * /var/tmp, /dev/shm, /root, /home, /work and /kit, which the check searches and cleans.
 * Evidence if it succeeds: a file named hostile-was-here-* in any of those places after
 * grading (its own workspace excepted).
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

static void hostile_attack(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    hostile_collect();
    int wrote = 0;
    for (int i = 0; i < hostile_places; i++) {
        if (!hostile_may_write(hostile_place[i]))
            continue;
        char path[700];
        snprintf(path, sizeof path, "%s/hostile-was-here-write-outside-%d", hostile_place[i],
                 (int)getpid());
        if (hostile_write_file(path, "hostile-write-outside was here\n", O_CREAT | O_EXCL) == 0)
            wrote++;
    }
    printf("HOSTILE write-outside: wrote %d markers\n", wrote);
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
