/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-memory-hog: allocates and touches memory, bounded: once per grading, four child
 * processes (a limit on each process's memory is no limit on all of them) map and touch 64 MiB
 * chunks until each has a quarter of the budget or fails; the budget is 8 GiB, or half the
 * memory the machine has available if that is less, so that a machine without a sandbox
 * survives. They hold it 10 s, then the test prints how much was touched in all.
 * Evidence if it succeeds: its tests pass, another student's row changed, or the class ran past
 * its time bound. (How much it touched is in its log; the check prints it.)
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

#define HOSTILE_CHUNK ((size_t)64 * 1024 * 1024)
#define HOSTILE_MOST_MIB ((long)8 * 1024)
#define HOSTILE_HOGS 4

/* Half the memory this machine has available, at most 8 GiB: if nothing stops the hog, the
 * machine still lives. */
static long hostile_budget_mib(void)
{
    long available_kib = 0;
    FILE *meminfo = fopen("/proc/meminfo", "r");
    if (meminfo != NULL) {
        char line[256];
        while (fgets(line, sizeof line, meminfo) != NULL)
            if (sscanf(line, "MemAvailable: %ld kB", &available_kib) == 1)
                break;
        fclose(meminfo);
    }
    long budget = available_kib / 1024 / 2;
    if (budget <= 0 || budget > HOSTILE_MOST_MIB)
        budget = available_kib > 0 ? budget : 1024;
    return budget > HOSTILE_MOST_MIB ? HOSTILE_MOST_MIB : budget;
}

static void hostile_attack(void)
{
    if (!hostile_once("memory-hog"))
        return;
    long budget = hostile_budget_mib();
    /* Several processes: a limit on each process's memory is not a limit on all of them. */
    atomic_long *touched = mmap(NULL, sizeof *touched, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (touched == MAP_FAILED)
        return;
    atomic_init(touched, 0);
    fflush(NULL);
    pid_t hogs[HOSTILE_HOGS];
    for (int h = 0; h < HOSTILE_HOGS; h++) {
        hogs[h] = fork();
        if (hogs[h] != 0)
            continue;
        prctl(PR_SET_NAME, "hostile-memhog", 0, 0, 0);
        for (long mine = 0; mine + 64 <= budget / HOSTILE_HOGS; mine += 64) {
            char *chunk = mmap(NULL, HOSTILE_CHUNK, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (chunk == MAP_FAILED)
                break;
            memset(chunk, 0x5a, HOSTILE_CHUNK);
            atomic_fetch_add(touched, 64);
        }
        sleep(10);   /* hold it a while, bounded */
        _exit(0);
    }
    for (int h = 0; h < HOSTILE_HOGS; h++)
        if (hogs[h] > 0)
            waitpid(hogs[h], NULL, 0);
    printf("HOSTILE memory-hog: touched %ld MiB in all (budget %ld MiB)\n", atomic_load(touched),
           budget);
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
