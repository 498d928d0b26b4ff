/* test_endings.c - see test_endings.h. */
#include "test_endings.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int log_fd = -1;
static char *marks;       /* the log, read back after the suite */
static size_t mark_count;

void test_endings_open(void)
{
    char path[] = "/tmp/kit-endings-XXXXXX";
    log_fd = mkstemp(path);
    if (log_fd < 0) {
        perror("test_endings_open: mkstemp");
        exit(1);
    }
    /* Nobody else needs to find it: the tests' processes inherit the descriptor. */
    unlink(path);
    if (fcntl(log_fd, F_SETFL, O_APPEND) != 0) {
        perror("test_endings_open: fcntl");
        exit(1);
    }
}

/* One byte, appended: a test's process writes nothing else to the log. */
static void mark(char what)
{
    if (log_fd >= 0 && write(log_fd, &what, 1) != 1)
        _exit(1);
}

void test_ending_started(void)
{
    mark('S');
}

void test_ending_finished(void)
{
    mark('E');
}

bool test_ending_reached(size_t index)
{
    if (log_fd < 0)
        return true;   /* the suite was not run here: nothing to check */
    if (marks == NULL) {
        struct stat status;
        if (fstat(log_fd, &status) != 0 || (marks = malloc((size_t)status.st_size + 1)) == NULL) {
            perror("test_ending_reached");
            exit(1);
        }
        ssize_t got = pread(log_fd, marks, (size_t)status.st_size, 0);
        mark_count = got > 0 ? (size_t)got : 0;
    }
    size_t started = 0;
    for (size_t i = 0; i < mark_count; i++) {
        if (marks[i] != 'S')
            continue;
        if (started++ == index)
            return i + 1 < mark_count && marks[i + 1] == 'E';
    }
    return false;
}

void test_endings_close(void)
{
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
    free(marks);
    marks = NULL;
    mark_count = 0;
}
