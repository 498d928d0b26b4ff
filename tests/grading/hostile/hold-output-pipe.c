/* HOSTILE SUBMISSION, for tests/grading/check-class.sh: never graded outside a sandbox.
 *
 * hostile-hold-output-pipe: holds the grader's output pipe: built on the reference
 * solution (so its score may be full marks: its evidence is what counts), it starts, once per
 * grading, a double-forked, setsid daemon named "hostile-hold" that ignores SIGHUP, SIGTERM and
 * SIGINT, keeps stdout and stderr open and sleeps 300 s (bounded). A grader that reads the
 * output to its end waits for it.
 * Evidence if it succeeds: the class graded with the attackers takes longer than the class
 * without them plus one student's wall-clock limit (plus a margin), or a process named
 * hostile-hold alive after grade-all returns.
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

#include "toolbox.inc"   /* make-class.sh puts tests/grading/hostile/toolbox.inc here */

/* ---- the attack ---------------------------------------------------------------------- */

static void hostile_attack(void)
{
    if (!hostile_once("hold-output-pipe"))
        return;
    if (!hostile_daemonize("hostile-hold"))
        return;
    /* stdout and stderr stay open: whoever reads them to their end waits for this process.
     * Five minutes, then it gives up (bounded, in case nothing stops it). */
    fprintf(stderr, "HOSTILE hold-output-pipe: holding stdout and stderr for 300 s\n");
    for (int second = 0; second < 300; second++)
        sleep(1);
    _exit(0);
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
