/* race_report.c - see race_report.h. */
#include "race_report.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* gcc says -fsanitize=thread with __SANITIZE_THREAD__, clang with __has_feature. */
#if defined(__SANITIZE_THREAD__)
#define KIT_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KIT_THREAD_SANITIZER 1
#endif
#endif

#ifdef KIT_THREAD_SANITIZER
#include <sanitizer/common_interface_defs.h>

/* ThreadSanitizer reads these options before main. A test stops at its first report (so the
 * report is about the test that made it) with an exit status of its own. And its process
 * exits at once: by default the sanitizer sleeps a second in exit() (atexit_sleep_ms=1000),
 * to catch threads still running then, which cost a second per test, most of the race
 * check's time; a test joins every thread it starts before it ends. An environment variable
 * TSAN_OPTIONS still overrides them. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "halt_on_error=1 exitcode=66 atexit_sleep_ms=0";
}
#endif

bool race_reports_built_in(void)
{
#ifdef KIT_THREAD_SANITIZER
    return true;
#else
    return false;
#endif
}

static char folder[PATH_MAX];
static int reporting;

void race_reports_open(void)
{
#ifdef KIT_THREAD_SANITIZER
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/kit-races-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(folder) == NULL) {
        perror("race_reports_open: mkdtemp");   /* the reports then go to stderr */
        return;
    }
    reporting = 1;
#endif
}

void race_report_start_test(void)
{
    if (!reporting)
        return;
#ifdef KIT_THREAD_SANITIZER
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/report", folder);
    __sanitizer_set_report_path(path);   /* ThreadSanitizer adds ".PID" */
    /* Tests run one after another, so the Nth line is the Nth test's process. */
    snprintf(path, sizeof path, "%s/order", folder);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0 || dprintf(fd, "%ld\n", (long)getpid()) < 0)
        perror("race_report_start_test");
    if (fd >= 0)
        close(fd);
#endif
}

/* The process id of the test that ran `index`th, or 0 if there is none. */
static long test_process(size_t index)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/order", folder);
    FILE *order = fopen(path, "r");
    if (order == NULL)
        return 0;
    long pid = 0;
    for (size_t line = 0; line <= index; line++) {
        if (fscanf(order, "%ld", &pid) != 1) {
            pid = 0;
            break;
        }
    }
    fclose(order);
    return pid;
}

/* "    #0 counter_add /path/to/counter.c:12 (binary+0x1234)" becomes "counter_add (counter.c:12)".
 * Frames inside the sanitizer's own runtime are not what a student wrote: false for them.
 * clang adds a column ("counter.c:12:7"), which is left out, so the reason reads the same
 * whichever compiler built the tests. */
static int describe_frame(const char *line, char *out, size_t size)
{
    char function[256], location[PATH_MAX];
    if (sscanf(line, " #%*d %255s %4095s", function, location) != 2)
        return 0;
    if (location[0] != '/' || strstr(location, "sanitizer") != NULL)
        return 0;
    char *line_number = strchr(strrchr(location, '/'), ':');
    char *column = line_number != NULL ? strchr(line_number + 1, ':') : NULL;
    if (column != NULL)
        *column = '\0';
    const char *slash = strrchr(location, '/');
    snprintf(out, size, "%s (%s)", function, slash + 1);
    return 1;
}

/* "  Previous write of size 8 at 0x7b04... by thread T1:" becomes
 * "previous write of size 8 by thread T1": the address means nothing to a reader. */
static void describe_access(const char *header, char *out, size_t size)
{
    char text[512];
    snprintf(text, sizeof text, "%s", header + strspn(header, " "));
    text[strcspn(text, "\n")] = '\0';
    size_t length = strlen(text);
    if (length > 0 && text[length - 1] == ':')
        text[length - 1] = '\0';
    char *address = strstr(text, " at 0x");
    char *by = strstr(text, " by ");
    if (address != NULL && by != NULL && by > address)
        memmove(address, by, strlen(by) + 1);
    if (text[0] >= 'A' && text[0] <= 'Z')
        text[0] = (char)(text[0] - 'A' + 'a');
    snprintf(out, size, "%s", text);
}

/* Reads one ThreadSanitizer report into a line: the kind of problem, what memory, and the
 * first two stacks (for a data race, the two racing accesses), each by its first frame in
 * the kit's or the student's code. */
static int summarize_report(FILE *report, char *reason, size_t size)
{
    char line[1024];
    char kind[256] = "";
    char location[256] = "";
    char accesses[2][768];
    int stacks = 0;
    int frame_needed = 0;   /* the current stack has no frame in the report's own code yet */
    char header[512] = "";
    while (fgets(line, sizeof line, report) != NULL) {
        const char *warning = strstr(line, "WARNING: ThreadSanitizer: ");
        if (warning != NULL && kind[0] == '\0') {
            snprintf(kind, sizeof kind, "%s", warning + strlen("WARNING: ThreadSanitizer: "));
            kind[strcspn(kind, "\n")] = '\0';
            char *pid = strstr(kind, " (pid=");
            if (pid != NULL)
                *pid = '\0';
        } else if (strncmp(line, "  Location is global '", 22) == 0) {
            /* A stack seen by its address alone is a global named '??'; the line before has
             * said whose stack it is. */
            char name[200];
            if (sscanf(line + 22, "%199[^']", name) == 1 && strcmp(name, "<null>") != 0 &&
                strcmp(name, "??") != 0)
                snprintf(location, sizeof location, " on global '%s'", name);
        } else if (strncmp(line, "  Location is stack of ", 23) == 0) {
            /* A local variable that other threads reach: an OpenMP region's shared one. */
            char owner[200];
            if (sscanf(line + 23, "%199[^.\n]", owner) == 1)
                snprintf(location, sizeof location, " on the stack of %s", owner);
        } else if (strncmp(line, "  Location is heap block", 24) == 0) {
            snprintf(location, sizeof location, " on heap memory");
        } else if (line[0] == ' ' && line[1] == ' ' && line[2] != ' ' &&
                   strchr(line, ':') != NULL && line[strcspn(line, "\n") - 1] == ':' &&
                   strncmp(line, "  Thread T", 10) != 0 && strstr(line, " created at") == NULL &&
                   stacks < 2) {
            describe_access(line, header, sizeof header);
            frame_needed = 1;
        } else if (frame_needed && strncmp(line, "    #", 5) == 0) {
            char frame[300];
            if (describe_frame(line, frame, sizeof frame)) {
                snprintf(accesses[stacks], sizeof accesses[stacks], "%s in %s", header, frame);
                stacks++;
                frame_needed = 0;
            }
        }
    }
    if (kind[0] == '\0')
        return 0;
    int written = snprintf(reason, size, RACE_REASON_PREFIX "%s%s", kind, location);
    for (int i = 0; i < stacks && written >= 0 && (size_t)written < size; i++)
        written += snprintf(reason + written, size - (size_t)written, "%s %s",
                            i == 0 ? ":" : ";", accesses[i]);
    return 1;
}

bool race_report_reason(size_t index, char *reason, size_t size)
{
    if (!reporting)
        return false;
    long pid = test_process(index);
    if (pid == 0)
        return false;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/report.%ld", folder, pid);
    FILE *report = fopen(path, "r");
    if (report == NULL)
        return false;
    int found = summarize_report(report, reason, size);
    fclose(report);
    return found;
}

void race_report_keep(size_t index, const char *test)
{
    const char *keep = getenv("KIT_SANITIZER_REPORTS");
    if (!reporting || keep == NULL || *keep == '\0')
        return;
    char path[PATH_MAX + 32], kept[PATH_MAX + 256];
    snprintf(path, sizeof path, "%s/report.%ld", folder, test_process(index));
    snprintf(kept, sizeof kept, "%s/%s.txt", keep, test);
    FILE *in = fopen(path, "r");
    FILE *out = in != NULL ? fopen(kept, "w") : NULL;
    char buffer[4096];
    size_t got;
    while (out != NULL && (got = fread(buffer, 1, sizeof buffer, in)) > 0)
        fwrite(buffer, 1, got, out);
    if (out != NULL && fclose(out) != 0)
        perror(kept);
    if (in != NULL)
        fclose(in);
}

void race_reports_close(void)
{
    if (!reporting)
        return;
    char path[PATH_MAX + 32];
    for (size_t index = 0;; index++) {
        long pid = test_process(index);
        if (pid == 0)
            break;
        snprintf(path, sizeof path, "%s/report.%ld", folder, pid);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/order", folder);
    unlink(path);
    if (rmdir(folder) != 0)
        perror("race_reports_close: rmdir");
    reporting = 0;
}
