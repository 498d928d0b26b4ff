/* deadlock_reports.c - see deadlock_reports.h. */
#include "deadlock_reports.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int log_fd = -1;
static char *lines;          /* the log, read back after the suite */
static size_t read_up_to;    /* where the next reason is looked for */

void deadlock_reports_open(void)
{
    char path[] = "/tmp/kit-deadlocks-XXXXXX";
    log_fd = mkstemp(path);
    if (log_fd < 0) {
        perror("deadlock_reports_open: mkstemp");
        exit(1);
    }
    /* Nobody else needs to find it: the tests' processes inherit the descriptor. */
    unlink(path);
    if (fcntl(log_fd, F_SETFL, O_APPEND) != 0) {
        perror("deadlock_reports_open: fcntl");
        exit(1);
    }
}

bool deadlock_report_send(const char *test, const char *reason)
{
    if (log_fd < 0)
        return false;
    /* One line, written in one call so that it stays whole: "TEST<tab>REASON<newline>", with
     * any tab or newline inside the reason made a space. */
    char line[2048];
    int length = snprintf(line, sizeof line, "%s\t", test);
    if (length < 0 || (size_t)length >= sizeof line)
        return false;
    for (const char *c = reason; *c != '\0' && (size_t)length < sizeof line - 1; c++)
        line[length++] = *c == '\t' || *c == '\n' ? ' ' : *c;
    line[length++] = '\n';
    return write(log_fd, line, (size_t)length) == length;
}

/* Reads the whole log once. */
static void read_log(void)
{
    struct stat status;
    if (fstat(log_fd, &status) != 0 || (lines = malloc((size_t)status.st_size + 1)) == NULL) {
        perror("deadlock_report_reason");
        exit(1);
    }
    ssize_t got = pread(log_fd, lines, (size_t)status.st_size, 0);
    lines[got > 0 ? got : 0] = '\0';
}

bool deadlock_report_reason(const char *test, char *reason, size_t size)
{
    if (log_fd < 0)
        return false;
    if (lines == NULL)
        read_log();
    size_t name_length = strlen(test);
    /* The next line from `test`: a line of another test before it was sent by a process whose
     * exit status Check did not see as the watchdog's, and is passed over. */
    for (char *line = lines + read_up_to; *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end == NULL)
            break;   /* a line cut short: its process did not finish writing it */
        char *next = end + 1;
        if (strncmp(line, test, name_length) == 0 && line[name_length] == '\t') {
            const char *text = line + name_length + 1;
            snprintf(reason, size, "%.*s", (int)(end - text), text);
            read_up_to = (size_t)(next - lines);
            return true;
        }
        line = next;
    }
    return false;
}

void deadlock_reports_close(void)
{
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
    free(lines);
    lines = NULL;
    read_up_to = 0;
}
