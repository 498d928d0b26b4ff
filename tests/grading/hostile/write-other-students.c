/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-write-other-students: tries to spoil other students' grades: it looks for other
 * students' submissions (build/sample-class/STUDENT), staged workspaces (kit-grade-XXX/STUDENT,
 * build/grade-all/workspaces/STUDENT) and reports (build/grade-all/reports/STUDENT, results/STUDENT.stream) by
 * walking up from its working folder and binary and from the processes in /proc, and
 * globbing for siblings; it overwrites their parallel_map.c with an #error, their scores with
 * 0 and their results with a failure, and empties their results streams. It touches only paths
 * of a class being graded (never the kit's own lessons/ or solutions/).
 * Evidence if it succeeds: another student's row differs from the class graded without the
 * attackers.
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

/* Only files of a class being graded: never the kit's own lessons or solutions. */
static int hostile_in_a_class(const char *path)
{
    return strstr(path, "/sample-class/") != NULL || strstr(path, "/build/grade-all/") != NULL ||
           strstr(path, "/kit-grade-") != NULL;
}

static void hostile_attack(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    hostile_collect();
    const char *patterns[] = {
        /* submissions, as handed in, and workspaces, as staged */
        "%s/*/lessons/01-threads/parallel_map.c", "%s/*/01-threads/parallel_map.c",
        "%s/*/*/lessons/01-threads/parallel_map.c", "%s/*/*/01-threads/parallel_map.c",
        "%s/build/sample-class/*/lessons/01-threads/parallel_map.c",
        "%s/build/sample-class/*/01-threads/parallel_map.c",
        "%s/build/grade-all/workspaces/*/lessons/01-threads/parallel_map.c",
        "%s/kit-grade-*/*/lessons/01-threads/parallel_map.c",
        /* reports and results */
        "%s/build/grade-all/reports/*/scores.tsv", "%s/build/grade-all/reports/*/01-threads.results",
        "%s/build/grade-all/results/*.stream",
        "%s/build/grade-all/workspaces/*/build/reports/lessons/scores.tsv",
        "%s/build/grade-all/workspaces/*/build/reports/lessons/01-threads.results",
        "%s/*/build/reports/lessons/scores.tsv",
    };
    int changed = 0;
    for (int i = 0; i < hostile_places; i++) {
        const char *dir = strcmp(hostile_place[i], "/") == 0 ? "" : hostile_place[i];
        for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
            char pattern[800];
            snprintf(pattern, sizeof pattern, patterns[p], dir);
            glob_t matches;
            if (glob(pattern, GLOB_NOSORT, NULL, &matches) != 0)
                continue;
            for (size_t m = 0; m < matches.gl_pathc && m < 500; m++) {
                const char *path = matches.gl_pathv[m];
                if (strstr(path, "hostile-") != NULL || !hostile_in_a_class(path))
                    continue;
                const char *text =
                    strstr(path, ".c") ? "#error overwritten by hostile-write-other-students\n"
                    : strstr(path, "scores.tsv") ? "01-threads\t0\t18\t0.00\t10\n"
                    : strstr(path, ".results") ? "FAIL\texercise 1\tsplit_covers_everything_once\toverwritten by hostile-write-other-students\n"
                    : "";
                if (hostile_write_file(path, text, O_TRUNC) == 0 || text[0] == '\0')
                    changed++;
            }
            globfree(&matches);
        }
    }
    printf("HOSTILE write-other-students: changed %d files of other students\n", changed);
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
