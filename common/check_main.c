/* check_main.c - the kit's test runner: main() for every lesson's Check suite.
 *
 *   test_binary [TAP_FILE [JUNIT_FILE [RESULTS_FILE]]]
 *
 * Runs kit_suite() with every test in a process of its own, prints one line per failed test
 * with the reason in plain words, and ends with "N passed, N failed". It writes the results
 * as TAP (one line per test) and as JUnit XML, which CI systems and learning-management systems
 * read, and as RESULTS_FILE, one tab-separated line per test (ok or FAIL, test case, test,
 * reason) for the kit's grading script. Exit status: 0 if every test passed, 1 otherwise, 2 on
 * bad arguments.
 *
 * Built with -fsanitize=thread, a test that makes a ThreadSanitizer report fails with the report
 * in one line (race_report.h). With KIT_RACE_RESULTS=FILE, the RESULTS_FILE of such a run, a
 * test that passes here but raced there fails too: grade.sh runs every suite both ways.
 */
#include "kit_check.h"
#include "race_report.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit status that tells "the code under test called exit()" from every other failure. */
#define EXIT_CALLED_STATUS 70

static bool test_finished;

static void catch_early_exit(void)
{
    if (!test_finished) {
        /* exit() has just run inside the test's process; _exit keeps it from running more. */
        _exit(EXIT_CALLED_STATUS);
    }
}

static void before_each_test(void)
{
    /* The runner ignores SIGPIPE (below); a test's code gets the usual behaviour back, so
     * a test that floods a closed output pipe ends instead of looping until its timeout. */
    signal(SIGPIPE, SIG_DFL);
    static bool registered;
    if (!registered) {
        if (atexit(catch_early_exit) != 0) {
            fputs("kit_tcase: atexit failed\n", stderr);
            _exit(1);
        }
        registered = true;
    }
    test_finished = false;
    race_report_start_test();
}

static void after_each_test(void)
{
    test_finished = true;
}

TCase *kit_tcase(const char *name, int timeout_seconds)
{
    TCase *test_case = tcase_create(name);
    tcase_set_timeout(test_case, timeout_seconds > 0 ? timeout_seconds : KIT_TEST_TIMEOUT);
    /* Checked fixtures run in the test's own process, around each test. */
    tcase_add_checked_fixture(test_case, before_each_test, after_each_test);
    return test_case;
}

/* Turns Check's terse reasons into what a student should look at. */
static const char *explain(const char *message, char *buffer, size_t size)
{
    int status;
    if (strstr(message, "Test timeout expired") != NULL)
        return "timed out: a deadlock, an endless loop, or a thread that never finishes?";
    if (sscanf(message, "Early exit with return value %d", &status) == 1) {
        if (status == EXIT_CALLED_STATUS)
            return "the code under test called exit() before the test finished";
        snprintf(buffer, size, "the test's process ended early with status %d "
                 "(a sanitizer report or an exit() in the code under test?)", status);
        return buffer;
    }
    if (strncmp(message, "Received signal 13", 18) == 0)
        return "killed by SIGPIPE: did it print without end? (grading keeps the first 1 MiB)";
    if (strncmp(message, "Received signal", 15) == 0) {
        snprintf(buffer, size, "crashed: %s", message + 9);
        return buffer;
    }
    return message;
}

static void write_xml_escaped(FILE *out, const char *text)
{
    for (; *text != '\0'; text++) {
        switch (*text) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default:
            /* XML 1.0 forbids most control characters, even escaped. */
            if ((unsigned char)*text >= 0x20 || *text == '\n' || *text == '\t')
                fputc(*text, out);
        }
    }
}

struct result {
    bool passed;
    char test_case[128];
    char test[128];
    char reason[1024];
};

/* Reads Check's TAP lines: "ok 1 - file.c:exercise 1:test_name: Passed". */
static size_t read_tap(const char *tap_file, struct result **results)
{
    FILE *in = fopen(tap_file, "r");
    if (in == NULL) {
        perror(tap_file);
        exit(1);
    }
    size_t count = 0, capacity = 0;
    char line[2048];
    while (fgets(line, sizeof line, in) != NULL) {
        bool passed = strncmp(line, "ok ", 3) == 0;
        if (!passed && strncmp(line, "not ok ", 7) != 0)
            continue;
        char *fields = strstr(line, " - ");
        if (fields == NULL)
            continue;
        fields += 3;
        line[strcspn(line, "\n")] = '\0';
        char *file = strtok(fields, ":");
        char *test_case = strtok(NULL, ":");
        char *test = strtok(NULL, ":");
        char *message = strtok(NULL, "");
        if (file == NULL || test_case == NULL || test == NULL)
            continue;
        if (count == capacity) {
            capacity = capacity ? 2 * capacity : 32;
            *results = realloc(*results, capacity * sizeof **results);
            if (*results == NULL) {
                perror("read_tap");
                exit(1);
            }
        }
        struct result *r = &(*results)[count++];
        char buffer[1024];
        r->passed = passed;
        snprintf(r->test_case, sizeof r->test_case, "%s", test_case);
        snprintf(r->test, sizeof r->test, "%s", test);
        message = message ? message + strspn(message, " ") : "";
        snprintf(r->reason, sizeof r->reason, "%s", explain(message, buffer, sizeof buffer));
    }
    fclose(in);
    return count;
}

/* In a build with ThreadSanitizer, a test whose process stopped on a report fails with the
 * report in one line as its reason. */
static void explain_race_reports(struct result *results, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char reason[sizeof results[i].reason];
        if (!results[i].passed && race_report_reason(i, reason, sizeof reason))
            snprintf(results[i].reason, sizeof results[i].reason, "%s", reason);
    }
}

/* Grading runs the tests twice: built with ThreadSanitizer first, then as they are. This run
 * reads the first one's results (KIT_RACE_RESULTS, the file written as RESULTS_FILE) and fails
 * every test that passed here but made a race report there, with the report as its reason. */
static void fail_tests_that_raced(const char *race_results_file, struct result *results,
                                  size_t count)
{
    FILE *in = fopen(race_results_file, "r");
    if (in == NULL) {
        perror(race_results_file);
        exit(1);
    }
    char line[2048];
    while (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *verdict = strtok(line, "\t");
        char *test_case = strtok(NULL, "\t");
        char *test = strtok(NULL, "\t");
        char *reason = strtok(NULL, "");
        if (verdict == NULL || test_case == NULL || test == NULL || reason == NULL ||
            strcmp(verdict, "FAIL") != 0 ||
            strncmp(reason, RACE_REASON_PREFIX, strlen(RACE_REASON_PREFIX)) != 0)
            continue;
        for (size_t i = 0; i < count; i++) {
            if (results[i].passed && strcmp(results[i].test_case, test_case) == 0 &&
                strcmp(results[i].test, test) == 0) {
                results[i].passed = false;
                snprintf(results[i].reason, sizeof results[i].reason, "%s", reason);
            }
        }
    }
    fclose(in);
}

/* One line per test: "ok" or "FAIL", test case, test, reason; tabs inside become spaces. */
static void write_results(const char *results_file, const struct result *results, size_t count)
{
    FILE *out = fopen(results_file, "w");
    if (out == NULL) {
        perror(results_file);
        exit(1);
    }
    for (size_t i = 0; i < count; i++) {
        char reason[sizeof results[i].reason];
        snprintf(reason, sizeof reason, "%s", results[i].reason);
        for (char *c = reason; *c != '\0'; c++)
            if (*c == '\t' || *c == '\n')
                *c = ' ';
        fprintf(out, "%s\t%s\t%s\t%s\n", results[i].passed ? "ok" : "FAIL",
                results[i].test_case, results[i].test, reason);
    }
    if (fclose(out) != 0) {
        perror(results_file);
        exit(1);
    }
}

/* TAP, one line per test: "not ok 3 - 02-races:exercise 1:test_name: reason". A reason is one
 * line, so a newline or other control character inside it becomes a space. */
static void write_tap(const char *tap_file, const char *lesson, const struct result *results,
                      size_t count)
{
    FILE *out = fopen(tap_file, "w");
    if (out == NULL) {
        perror(tap_file);
        exit(1);
    }
    fprintf(out, "1..%zu\n", count);
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "%s %zu - %s:%s:%s: ", results[i].passed ? "ok" : "not ok", i + 1, lesson,
                results[i].test_case, results[i].test);
        for (const char *c = results[i].reason; *c != '\0'; c++)
            fputc((unsigned char)*c < 0x20 || *c == 0x7f ? ' ' : *c, out);
        fputc('\n', out);
    }
    if (fclose(out) != 0) {
        perror(tap_file);
        exit(1);
    }
}

static void write_junit(const char *junit_file, const char *suite_name,
                        const struct result *results, size_t count, size_t failed)
{
    FILE *out = fopen(junit_file, "w");
    if (out == NULL) {
        perror(junit_file);
        exit(1);
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites tests=\"%zu\" failures=\"%zu\">\n", count, failed);
    fprintf(out, "  <testsuite name=\"");
    write_xml_escaped(out, suite_name);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", count, failed);
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "    <testcase classname=\"");
        write_xml_escaped(out, results[i].test_case);
        fprintf(out, "\" name=\"");
        write_xml_escaped(out, results[i].test);
        if (results[i].passed) {
            fprintf(out, "\"/>\n");
            continue;
        }
        fprintf(out, "\">\n      <failure message=\"");
        write_xml_escaped(out, results[i].reason);
        fprintf(out, "\"/>\n    </testcase>\n");
    }
    fprintf(out, "  </testsuite>\n</testsuites>\n");
    if (fclose(out) != 0) {
        perror(junit_file);
        exit(1);
    }
}

/* The lesson's name, from the binary's: build/.../check-01-threads is 01-threads. */
static const char *lesson_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash != NULL ? slash + 1 : path;
    return strncmp(name, "check-", 6) == 0 ? name + 6 : name;
}

int main(int argc, char **argv)
{
    if (argc > 4) {
        fprintf(stderr, "usage: %s [TAP_FILE [JUNIT_FILE [RESULTS_FILE]]]\n", argv[0]);
        return 2;
    }
    /* If the output goes to a pipe that closes (grading keeps only so much of it), the
     * runner must still finish and write its reports. */
    signal(SIGPIPE, SIG_IGN);
    /* Check writes its own TAP to a file of the runner's; the reports are written from what
     * it says, with the reasons explained, after the whole suite has run. */
    char check_tap[] = "/tmp/kit-tap-XXXXXX";
    int fd = mkstemp(check_tap);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);

    Suite *suite = kit_suite();
    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_FORK);   /* the timeouts and crash reports need it */
    srunner_set_tap(runner, check_tap);
    race_reports_open();
    srunner_run_all(runner, CK_SILENT);
    srunner_free(runner);

    struct result *results = NULL;
    size_t count = read_tap(check_tap, &results);
    unlink(check_tap);
    explain_race_reports(results, count);
    race_reports_close();
    const char *race_results_file = getenv("KIT_RACE_RESULTS");
    if (race_results_file != NULL && *race_results_file != '\0')
        fail_tests_that_raced(race_results_file, results, count);
    size_t failed = 0;
    for (size_t i = 0; i < count; i++) {
        if (results[i].passed)
            continue;
        failed++;
        printf("  FAIL %s: %s: %s\n", results[i].test_case, results[i].test, results[i].reason);
    }
    const char *lesson = lesson_name(argv[0]);
    if (argc > 1)
        write_tap(argv[1], lesson, results, count);
    if (argc > 2)
        write_junit(argv[2], lesson, results, count, failed);
    if (argc > 3)
        write_results(argv[3], results, count);
    free(results);

    printf("%zu passed, %zu failed\n", count - failed, failed);
    return failed == 0 && count > 0 ? 0 : 1;
}
