/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-disk-filler: fills the disk, bounded: once per grading it writes 64 MiB files
 * named hostile-fill-* in turn into its working folder, its build folder, /tmp and its binary's
 * folder, until 4 GiB in all or every place refuses; it never takes a filesystem's last 2 GiB.
 * Evidence if it succeeds: the host's disk (the kit's filesystem and /tmp's) has lost more than
 * a few hundred MiB after grading (df before and after), hostile-fill-* files are left on the
 * host, the class ran past its time bound, or another student's row changed.
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

#define HOSTILE_FILE_MIB 64
#define HOSTILE_MOST_MIB (4 * 1024)

/* Free space, in MiB, of the filesystem holding DIR. */
static long hostile_free_mib(const char *dir)
{
    struct statvfs fs;
    if (statvfs(dir, &fs) != 0)
        return 0;
    return (long)((unsigned long long)fs.f_bavail * fs.f_frsize / (1024 * 1024));
}

static void hostile_attack(void)
{
    if (!hostile_once("disk-filler"))
        return;
    static char block[1024 * 1024];
    memset(block, 'F', sizeof block);
    char places[4][512] = { "", "", "/tmp", "" };
    if (getcwd(places[0], sizeof places[0]) != NULL)
        snprintf(places[1], sizeof places[1], "%.500s/build", places[0]);
    ssize_t n = readlink("/proc/self/exe", places[3], sizeof places[3] - 1);
    if (n > 0) {
        places[3][n] = '\0';
        char *slash = strrchr(places[3], '/');
        if (slash != NULL)
            *slash = '\0';
    }
    long written_mib = 0;
    int failed[4] = { 0 };
    for (int file = 0; written_mib < HOSTILE_MOST_MIB; file++) {
        int place = file % 4;
        if (failed[0] && failed[1] && failed[2] && failed[3])
            break;
        if (failed[place] || places[place][0] == '\0') {
            failed[place] = 1;
            continue;
        }
        /* Never take a machine's last 2 GiB, in case nothing stops us. */
        if (hostile_free_mib(places[place]) < 2048) {
            failed[place] = 1;
            continue;
        }
        char path[700];
        snprintf(path, sizeof path, "%s/hostile-fill-%d-%d", places[place], (int)getpid(), file);
        int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0) {
            failed[place] = 1;
            continue;
        }
        for (int mib = 0; mib < HOSTILE_FILE_MIB; mib++) {
            if (write(fd, block, sizeof block) != (ssize_t)sizeof block) {
                failed[place] = 1;
                break;
            }
            written_mib++;
        }
        close(fd);
    }
    printf("HOSTILE disk-filler: wrote %ld MiB\n", written_mib);
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
