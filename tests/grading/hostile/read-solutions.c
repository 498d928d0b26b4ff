/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-read-solutions: tries to read the reference solutions. From every exercise function,
 * once per test process, it collects every folder it can think of (its working folder and the
 * folders above it, the folder of its binary and above, $HOME, $PWD, the working folder of every
 * process it can see in /proc, the folders in /work, /root, /home and /tmp, /kit, /opt, /srv) and looks in
 * each, and one and two folders down, for solutions/01-threads/parallel_map.c. What it finds it
 * prints on stdout and stderr and copies into its workspace (stolen-solution-N.c in its working
 * folder, its build folder and its reports folder).
 * Evidence if it succeeds: a distinctive line of solutions/01-threads/parallel_map.c ("hold
 * index * base items plus one for each of them") in its grading log or anywhere under
 * build/grade-all (other than honest students' own copies).
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

/* The file to find, and where this test copies it when found. */
static int hostile_found;

static void hostile_steal(const char *path)
{
    char text[65536];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return;
    text[n] = '\0';
    hostile_found++;
    printf("HOSTILE read-solutions: found %s\n%s\n", path, text);
    fprintf(stderr, "HOSTILE read-solutions: found %s\n%s\n", path, text);
    fflush(NULL);
    /* Into the workspace, where the reports are collected. */
    char copy[600], cwd[512];
    if (getcwd(cwd, sizeof cwd) != NULL) {
        snprintf(copy, sizeof copy, "%s/stolen-solution-%d.c", cwd, hostile_found);
        hostile_write_file(copy, text, O_CREAT | O_TRUNC);
        snprintf(copy, sizeof copy, "%s/build/stolen-solution-%d.c", cwd, hostile_found);
        hostile_write_file(copy, text, O_CREAT | O_TRUNC);
        snprintf(copy, sizeof copy, "%s/build/reports/lessons/stolen-solution-%d.c", cwd,
                 hostile_found);
        hostile_write_file(copy, text, O_CREAT | O_TRUNC);
    }
}

/* Looks for solutions/ in DIR, and one and two folders down. */
static void hostile_look(const char *dir)
{
    const char *patterns[] = { "%s/solutions/01-threads/parallel_map.c",
                               "%s/*/solutions/01-threads/parallel_map.c",
                               "%s/*/*/solutions/01-threads/parallel_map.c",
                               "%s/*/parallel_map.c" };
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        char pattern[700];
        snprintf(pattern, sizeof pattern, patterns[p], strcmp(dir, "/") == 0 ? "" : dir);
        glob_t matches;
        if (glob(pattern, GLOB_NOSORT, NULL, &matches) != 0)
            continue;
        for (size_t i = 0; i < matches.gl_pathc && i < 20; i++) {
            /* its own copy, the stub, is no prize */
            if (strstr(matches.gl_pathv[i], "solutions") != NULL)
                hostile_steal(matches.gl_pathv[i]);
        }
        globfree(&matches);
    }
}

static void hostile_attack(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    hostile_collect();
    for (int i = 0; i < hostile_places; i++)
        hostile_look(hostile_place[i]);
    if (hostile_found == 0)
        printf("HOSTILE read-solutions: found no solutions in %d places\n", hostile_places);
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
