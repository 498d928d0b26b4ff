/* test_mpi.c - the tests of lesson 13's exercises.
 *
 * MPI code runs in processes that mpirun starts; a Check test is a process Check forked, not a
 * rank. So each test starts mpirun itself, on the lesson's mpicheck program (built beside this
 * test binary), which calls the exercise on every rank and prints, from rank 0, what each rank
 * returned: "ring 100: rank 2 got 101". The test compares those lines with what the exercise
 * should give. Nothing depends on timing:
 *   - a rank stuck inside an exercise is ended by mpicheck's own alarm after a few seconds,
 *     and prints where it was ("stalled: rank 1 inside exchange() with 131072 doubles ..."):
 *     the test's reason names the deadlock;
 *   - should mpirun itself not end, the test stops it (SIGTERM, then SIGKILL to its process
 *     group) before Check's timeout, and says so; no rank is left behind either way.
 * The ranks run on one machine, over shared memory (--mca btl self,vader), with more ranks
 * than cores allowed (--oversubscribe): the ring needs 3 ranks to tell left from right.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kit_check.h"

#define OUTPUT_SIZE 16384
#define STALL_SECONDS 4.0   /* mpicheck's alarm (times CK_TIMEOUT_MULTIPLIER) */
#define MPIRUN_SECONDS 8.0  /* the most mpirun may take here (times CK_TIMEOUT_MULTIPLIER) */
#define CASE_TIMEOUT 12     /* Check's own timeout, past both */

struct ranks_run {
    int status;                /* mpirun's exit status; -1 if it had to be stopped */
    char output[OUTPUT_SIZE];  /* what mpirun and the ranks printed, stdout and stderr */
};

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Where mpicheck is: beside this test binary, in the same build folder. */
static void mpicheck_path(char *path, size_t size)
{
    ssize_t length = readlink("/proc/self/exe", path, size - 1);
    ck_assert_msg(length > 0, "cannot find the test binary's folder: %s", strerror(errno));
    path[length] = '\0';
    char *slash = strrchr(path, '/');
    ck_assert_ptr_nonnull(slash);
    snprintf(slash + 1, size - (size_t)(slash + 1 - path), "mpicheck");
    ck_assert_msg(access(path, X_OK) == 0, "%s is not built (make test-binary builds it)", path);
}

/* Where mpirun is: the first PATH folder that has it. Looked up before fork(), since the child
 * of a process with threads (the kit's watchdog is one) may call only async-signal-safe
 * functions, such as execve, until it has exec'd. */
static void find_mpirun(char *path, size_t size)
{
    const char *folders = getenv("PATH");
    ck_assert_msg(folders != NULL, "no PATH in the environment to find mpirun in");
    for (const char *at = folders; *at != '\0';) {
        size_t length = strcspn(at, ":");
        snprintf(path, size, "%.*s/mpirun", (int)length, length > 0 ? at : ".");
        if (access(path, X_OK) == 0)
            return;
        at += length + (at[length] == ':');
    }
    ck_abort_msg("mpirun is not installed (Debian's openmpi-bin; make deps installs it)");
}

/* The environment of mpirun and its ranks: this one, plus what mpirun needs here. */
static char **mpirun_environment(void)
{
    extern char **environ;
    static char *const extra[] = {
        /* As root, mpirun refuses to start without these two (or --allow-run-as-root). */
        "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
        /* In a grading sandbox without /sys, hwloc would complain on every start. */
        "HWLOC_COMPONENTS=-linux",
    };
    size_t extra_count = access("/sys/devices/system/cpu", F_OK) == 0 ? 2 : 3, count = 0;
    while (environ[count] != NULL)
        count++;
    char **environment = malloc((count + extra_count + 1) * sizeof *environment);
    ck_assert_ptr_nonnull(environment);
    memcpy(environment, environ, count * sizeof *environment);
    memcpy(environment + count, extra, extra_count * sizeof *environment);
    environment[count + extra_count] = NULL;
    return environment;
}

/* Runs `mpirun -np RANKS mpicheck ARGS...` (args ends with NULL) and collects its output. */
static void run_ranks(int ranks, const char *const args[], struct ranks_run *run)
{
    char program[PATH_MAX], mpirun[PATH_MAX], np[16], stall[16];
    mpicheck_path(program, sizeof program);
    find_mpirun(mpirun, sizeof mpirun);
    snprintf(np, sizeof np, "%d", ranks);
    snprintf(stall, sizeof stall, "%.0f", kit_scaled_seconds(STALL_SECONDS) + 0.5);
    /* One machine, over shared memory; more ranks than cores allowed; no binding to cores. */
    const char *argv[32] = { "mpirun", "--oversubscribe", "--bind-to", "none", "--mca", "pml",
                             "ob1", "--mca", "btl", "self,vader", "-np", np, program,
                             "--stall-seconds", stall };
    int argc = 15;
    for (int i = 0; args[i] != NULL && argc < 31; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    char **environment = mpirun_environment();
    int pipe_ends[2];
    ck_assert_int_eq(pipe(pipe_ends), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        /* mpirun in a process group of its own, its output into the pipe. */
        if (setpgid(0, 0) != 0 || dup2(pipe_ends[1], STDOUT_FILENO) < 0 ||
            dup2(pipe_ends[1], STDERR_FILENO) < 0)
            _exit(126);
        execve(mpirun, (char *const *)argv, environment);
        static const char failed[] = "cannot start mpirun\n";
        ssize_t written = write(STDERR_FILENO, failed, sizeof failed - 1);
        (void)written;
        _exit(127);
    }
    free(environment);
    close(pipe_ends[1]);
    setpgid(child, child); /* also here, so that the group exists before any kill below */
    size_t length = 0;
    double deadline = seconds_now() + kit_scaled_seconds(MPIRUN_SECONDS);
    bool stopped = false;
    for (;;) {
        double left = deadline - seconds_now();
        if (left <= 0 && !stopped) {
            kill(-child, SIGTERM);         /* mpirun ends its ranks on SIGTERM */
            deadline = seconds_now() + 1;  /* and gets a second for it */
            stopped = true;
            continue;
        }
        if (left <= 0)
            break;
        struct pollfd ready = { .fd = pipe_ends[0], .events = POLLIN };
        int polled = poll(&ready, 1, (int)(left * 1000) + 1);
        if (polled < 0 && errno == EINTR)
            continue;
        if (polled <= 0)
            continue;
        char scrap[4096];
        char *into = length + 1 < OUTPUT_SIZE ? run->output + length : scrap;
        size_t room = length + 1 < OUTPUT_SIZE ? OUTPUT_SIZE - 1 - length : sizeof scrap;
        ssize_t got = read(pipe_ends[0], into, room);
        if (got <= 0)
            break;  /* end of output: mpirun and every rank are done */
        if (into != scrap)
            length += (size_t)got;
    }
    run->output[length] = '\0';
    close(pipe_ends[0]);
    kill(-child, SIGKILL);  /* whatever is left of the group; nothing, normally */
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    run->status = stopped ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The first line of output that begins with `start`, copied into line[size]; false if none. */
static bool find_line(const char *output, const char *start, char *line, size_t size)
{
    for (const char *at = output; at != NULL && *at != '\0';) {
        const char *end = strchr(at, '\n');
        size_t length = end != NULL ? (size_t)(end - at) : strlen(at);
        if (strncmp(at, start, strlen(start)) == 0) {
            snprintf(line, size, "%.*s", (int)length, at);
            return true;
        }
        at = end != NULL ? end + 1 : NULL;
    }
    return false;
}

/* Fails the test with a reason if the run stalled, was stopped or ended badly. `exercise`
 * names the function, `deadlock_advice` says what a stall in it most likely is. */
static void assert_run_ended(const struct ranks_run *run, const char *exercise,
                             const char *deadlock_advice)
{
    char line[256];
    if (find_line(run->output, "stalled: ", line, sizeof line))
        ck_abort_msg("deadlock: %s (mpicheck's alarm ended it). %s", line + 9, deadlock_advice);
    if (run->status == -1)
        ck_abort_msg("timed out: mpirun did not end within %.0f s and was stopped (%s stuck?)",
                     kit_scaled_seconds(MPIRUN_SECONDS), exercise);
    if (run->status == 127 || run->status == 126)
        ck_abort_msg("could not start mpirun: %.200s", run->output);
    if (run->status != 0) {
        /* MPI's default error handler ends the job on a failed call, with a message. */
        const char *error = strstr(run->output, "MPI_ERR");
        ck_abort_msg("mpirun ended with status %d: a rank crashed, or an MPI call failed%s%.120s",
                     run->status, error != NULL ? ": " : "", error != NULL ? error : "");
    }
}

/* The value rank `rank` reported on the line "LABEL: rank RANK got VALUE"; fails the test if
 * there is no such line or the rank returned an error. */
static long long reported(const struct ranks_run *run, const char *label, int rank,
                          const char *what)
{
    char start[96], line[256];
    snprintf(start, sizeof start, "%s: rank %d ", label, rank);
    ck_assert_msg(find_line(run->output, start, line, sizeof line),
                  "%s: no result from rank %d; the ranks printed: %.300s", label, rank, run->output);
    long status;
    if (sscanf(line + strlen(start), "returned %ld", &status) == 1)
        ck_abort_msg("%s: returned %ld on rank %d, expected 0", what, status, rank);
    long long value;
    ck_assert_msg(sscanf(line + strlen(start), "got %lld", &value) == 1 ||
                  sscanf(line + strlen(start), "received all of %lld", &value) == 1,
                  "%s: rank %d: %s", label, rank, line + strlen(start));
    return value;
}

/* ---- exercise 1: the ring --------------------------------------------------------------- */

START_TEST(ring_pass_goes_around_three_ranks_and_back)
{
    static const char *const args[] = { "ring", "100", "-7", NULL };
    struct ranks_run *run = malloc(sizeof *run);
    ck_assert_ptr_nonnull(run);
    run_ranks(3, args, run);
    assert_run_ended(run, "ring_pass()",
                     "If every rank receives first, no one ever sends: rank 0 must send first.");
    long starts[] = { 100, -7 };
    for (int s = 0; s < 2; s++) {
        char label[32];
        snprintf(label, sizeof label, "ring %ld", starts[s]);
        /* Rank 0 gets start + 1 + 2 back; rank 1 received start from rank 0, rank 2 start + 1. */
        long long expected[3] = { starts[s] + 3, starts[s], starts[s] + 1 };
        for (int rank = 0; rank < 3; rank++) {
            long long got = reported(run, label, rank, "ring_pass()");
            ck_assert_msg(got == expected[rank],
                          "ring_pass(start %ld) on 3 ranks: rank %d has %lld, expected %lld%s",
                          starts[s], rank, got, expected[rank],
                          rank == 0 ? " (what came back from rank 2)" : " (what it received)");
        }
    }
    free(run);
}
END_TEST

/* ---- exercise 2: the sum ---------------------------------------------------------------- */

/* mpicheck's values (see sum_value there). */
static long sum_value(long i)
{
    return i % 3 == 0 ? (1L << 35) + i : -(i * 7919 % 1000);
}

START_TEST(parallel_sum_adds_every_block_once_on_rank_zero)
{
    /* 3 ranks: a count they divide, one they do not, fewer values than ranks, and none. */
    static const char *const args[] = { "sum", "3000", "1001", "2", "0", NULL };
    long counts[] = { 3000, 1001, 2, 0 };
    struct ranks_run *run = malloc(sizeof *run);
    ck_assert_ptr_nonnull(run);
    run_ranks(3, args, run);
    assert_run_ended(run, "parallel_sum()",
                     "MPI_Reduce is a collective: every rank of the communicator must call it.");
    for (int c = 0; c < 4; c++) {
        char label[32];
        snprintf(label, sizeof label, "sum %ld", counts[c]);
        for (int rank = 0; rank < 3; rank++) {
            long begin = counts[c] * rank / 3, end = counts[c] * (rank + 1) / 3;
            long long expected = 0;
            for (long i = rank == 0 ? 0 : begin; i < (rank == 0 ? counts[c] : end); i++)
                expected += sum_value(i);
            long long got = reported(run, label, rank, "parallel_sum()");
            ck_assert_msg(got == expected,
                          "parallel_sum() of %ld values on 3 ranks: rank %d has %lld, expected "
                          "%lld (%s)", counts[c], rank, got, expected,
                          rank == 0 ? "the sum of all the values" :
                          "the sum of its own block, elements count * rank / size to "
                          "count * (rank + 1) / size");
        }
    }
    free(run);
}
END_TEST

/* ---- exercise 3: the exchange ----------------------------------------------------------- */

START_TEST(exchange_swaps_small_and_large_buffers)
{
    /* 1 and 100 doubles fit in Open MPI's eager limit over shared memory (4 KiB): sent at
     * once, so even send-then-receive on both ranks works. 131072 doubles (1 MiB) do not. */
    static const char *const args[] = { "exchange", "1", "100", "131072", NULL };
    long counts[] = { 1, 100, 131072 };
    struct ranks_run *run = malloc(sizeof *run);
    ck_assert_ptr_nonnull(run);
    run_ranks(2, args, run);
    char line[256];
    bool small_ones_passed = find_line(run->output, "exchange 100: rank 1 received all of 100",
                                       line, sizeof line);
    assert_run_ended(run, "exchange()", small_ones_passed ?
                     "The small exchanges went through and the 1 MiB one stalled: the send-send "
                     "deadlock. Both ranks sit in MPI_Send, each waiting for the other to post "
                     "its receive, which happens only above the eager limit. Use MPI_Sendrecv, "
                     "or MPI_Isend and MPI_Irecv with MPI_Waitall." :
                     "It stalled even with one double: do both ranks wait to receive first?");
    for (int c = 0; c < 3; c++) {
        char label[32];
        snprintf(label, sizeof label, "exchange %ld", counts[c]);
        for (int rank = 0; rank < 2; rank++) {
            char start[96];
            snprintf(start, sizeof start, "%s: rank %d wrong at element ", label, rank);
            long element;
            if (find_line(run->output, start, line, sizeof line) &&
                sscanf(line + strlen(start), "%ld", &element) == 1)
                ck_abort_msg("exchange() of %ld doubles: rank %d's receive[%ld] is not what rank "
                             "%d sent (a receive not waited for, or the wrong partner?)",
                             counts[c], rank, element, 1 - rank);
            ck_assert_int_eq(reported(run, label, rank, "exchange()"), counts[c]);
        }
    }
    free(run);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("13-mpi");
    TCase *ring = kit_tcase("exercise 1", CASE_TIMEOUT);
    tcase_add_test(ring, ring_pass_goes_around_three_ranks_and_back);
    suite_add_tcase(suite, ring);
    TCase *sum = kit_tcase("exercise 2", CASE_TIMEOUT);
    tcase_add_test(sum, parallel_sum_adds_every_block_once_on_rank_zero);
    suite_add_tcase(suite, sum);
    TCase *exchange = kit_tcase("exercise 3", CASE_TIMEOUT);
    tcase_add_test(exchange, exchange_swaps_small_and_large_buffers);
    suite_add_tcase(suite, exchange);
    return suite;
}
