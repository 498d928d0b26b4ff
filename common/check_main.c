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
 * A test whose threads are all blocked for good (a deadlock) fails at once, with who waits for
 * whom as its reason, instead of at its timeout (deadlock_watchdog.h).
 *
 * Built with -fsanitize=thread, a test that makes a ThreadSanitizer report fails with the report
 * in one line (race_report.h). With KIT_RACE_RESULTS=FILE, the RESULTS_FILE of such a run, a
 * test that passes here but raced there fails too: grade.sh runs every suite both ways. With
 * KIT_RESULTS_FROM=FILE, an earlier run's RESULTS_FILE, the runner runs nothing and writes its
 * reports from that file (and KIT_RACE_RESULTS).
 *
 * KIT_EXERCISE=N runs only exercise N's tests, KIT_TEST=name only that test, and KIT_LIST_TESTS
 * =yes lists them all (test_filter.h). KIT_DEBUG=yes runs the one test KIT_TEST names in this
 * process, for a debugger (debug_one_test).
 */
#include "deadlock_reports.h"
#include "deadlock_watchdog.h"
#include "kit_check.h"
#include "race_report.h"
#include "results_channel.h"
#include "test_endings.h"
#include "test_filter.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit status that tells "the code under test called exit()" from every other failure. */
#define EXIT_CALLED_STATUS 70

/* The reason of a test that the deadlock watchdog ended, until its own description is read. */
#define DEADLOCK_REASON_LOST "deadlock: every thread waits for another, for good (the " \
    "watchdog's description of who waits for whom was lost)"

static bool test_finished;

/* `make debug`: one test in the runner's own process, under a debugger (debug_one_test). */
static bool debugging;

static void catch_early_exit(void)
{
    if (!test_finished) {
        /* exit() has just run inside the test's process; _exit keeps it from running more. */
        _exit(EXIT_CALLED_STATUS);
    }
}

/* Every test's process has a deadlock watchdog (deadlock_watchdog.h): a test whose threads
 * are all blocked for good fails at once, with who waits for whom, instead of at its timeout.
 * It starts before the test's code runs, so that it also catches a test whose only thread locks
 * a mutex twice. Its quiet period grows with CK_TIMEOUT_MULTIPLIER, as the timeouts do. */
static void start_deadlock_watchdog(void)
{
    deadlock_watchdog_start(kit_scaled_seconds(DEADLOCK_QUIET_SECONDS), tcase_name);
}

static void before_each_test(void)
{
    if (debugging)
        return;   /* no reports to write, and exit() is the debugger's to see */
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
    results_channel_close_in_test();
    test_ending_started();
    start_deadlock_watchdog();
}

static void after_each_test(void)
{
    test_finished = true;
    test_ending_finished();
}

TCase *kit_tcase(const char *name, int timeout_seconds)
{
    TCase *test_case = tcase_create(name);
    test_filter_remember_case(test_case, name);
    tcase_set_timeout(test_case, timeout_seconds > 0 ? timeout_seconds : KIT_TEST_TIMEOUT);
    /* Checked fixtures run in the test's own process, around each test. */
    tcase_add_checked_fixture(test_case, before_each_test, after_each_test);
    return test_case;
}

double kit_scaled_seconds(double seconds)
{
    const char *text = getenv("CK_TIMEOUT_MULTIPLIER");
    if (text == NULL)
        return seconds;
    char *end;
    double multiplier = strtod(text, &end);
    return end != text && *end == '\0' && multiplier > 0 ? seconds * multiplier : seconds;
}

long kit_rounds(long rounds)
{
    if (!race_reports_built_in())
        return rounds;
    return rounds >= 10 ? rounds / 10 : 1;
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
        if (status == DEADLOCK_EXIT_STATUS)
            return DEADLOCK_REASON_LOST;
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

/* ---- One line of valid UTF-8 ----------------------------------------------------------- */

/* How many bytes of valid UTF-8 start at `text` (1 to 4), or 0 if they are not valid UTF-8:
 * a stray continuation byte, a sequence cut short, an overlong form, a surrogate, or a code
 * point past U+10FFFF. */
static size_t utf8_sequence_length(const unsigned char *text)
{
    if (text[0] < 0x80)
        return 1;
    size_t length;
    unsigned long code_point;
    if (text[0] >= 0xC2 && text[0] <= 0xDF) {
        length = 2;
        code_point = text[0] & 0x1F;
    } else if (text[0] >= 0xE0 && text[0] <= 0xEF) {
        length = 3;
        code_point = text[0] & 0x0F;
    } else if (text[0] >= 0xF0 && text[0] <= 0xF4) {
        length = 4;
        code_point = text[0] & 0x07;
    } else {
        return 0;   /* a continuation byte, 0xC0 or 0xC1 (always overlong), or past 0xF4 */
    }
    for (size_t i = 1; i < length; i++) {
        if ((text[i] & 0xC0) != 0x80)
            return 0;   /* also stops at the terminating '\0' */
        code_point = code_point << 6 | (text[i] & 0x3F);
    }
    static const unsigned long smallest[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (code_point < smallest[length] || (code_point >= 0xD800 && code_point <= 0xDFFF) ||
        code_point > 0x10FFFF)
        return 0;
    return length;
}

/* Copies `text` into `line` (of `size` bytes) as one line of valid UTF-8, fit for every report:
 * a control character (a newline, a tab) becomes a space, and a byte that is not valid UTF-8
 * becomes U+FFFD, the replacement character. A failure message is whatever the code under
 * test put in it: a string it read from a file, a buffer it never ended. */
static void one_line_of_utf8(const char *text, char *line, size_t size)
{
    static const char replacement[] = "\xEF\xBF\xBD";   /* U+FFFD in UTF-8 */
    const unsigned char *in = (const unsigned char *)text;
    size_t used = 0;
    while (*in != '\0') {
        size_t length = utf8_sequence_length(in);
        const char *piece = (const char *)in;
        size_t piece_length = length;
        if (length == 0) {
            piece = replacement;
            piece_length = sizeof replacement - 1;
            length = 1;
        } else if (*in < 0x20 || *in == 0x7F) {
            piece = " ";
        }
        if (used + piece_length >= size)
            break;   /* never half a character at the end */
        memcpy(line + used, piece, piece_length);
        used += piece_length;
        in += length;
    }
    line[used] = '\0';
}

struct result {
    bool passed;
    char test_case[128];
    char test[128];
    char reason[1024];
};

/* Whether `line` starts the TAP line of test `number`: "ok 7 - " or "not ok 7 - ". Check
 * writes a failure message as it is, newlines included, so the lines after a test's line, up
 * to the next test's, belong to its message. */
static bool starts_test_line(const char *line, size_t number)
{
    char expected[64];
    snprintf(expected, sizeof expected, "ok %zu - ", number);
    if (strncmp(line, "not ", 4) == 0)
        line += 4;
    return strncmp(line, expected, strlen(expected)) == 0;
}

/* Whether `line` is the plan that ends a TAP file of `tests` tests: "1..12". */
static bool is_plan_line(const char *line, size_t tests)
{
    char plan[64];
    snprintf(plan, sizeof plan, "1..%zu", tests);
    return strcmp(line, plan) == 0;
}

/* One more entry at the end of `results`, which grows as needed. */
static struct result *new_result(struct result **results, size_t *count, size_t *capacity)
{
    if (*count == *capacity) {
        *capacity = *capacity ? 2 * *capacity : 32;
        *results = realloc(*results, *capacity * sizeof **results);
        if (*results == NULL) {
            perror("new_result");
            exit(1);
        }
    }
    return &(*results)[(*count)++];
}

/* Adds the test whose TAP text (a line or more, without the last newline) is `entry`:
 * "ok 1 - file.c:exercise 1:test_name: Passed". */
static void add_result(char *entry, struct result **results, size_t *count, size_t *capacity)
{
    bool passed = strncmp(entry, "ok ", 3) == 0;
    char *fields = strstr(entry, " - ") + 3;
    char *file = strtok(fields, ":");
    char *test_case = strtok(NULL, ":");
    char *test = strtok(NULL, ":");
    char *message = strtok(NULL, "");
    if (file == NULL || test_case == NULL || test == NULL)
        return;
    struct result *r = new_result(results, count, capacity);
    char buffer[1024];
    r->passed = passed;
    snprintf(r->test_case, sizeof r->test_case, "%s", test_case);
    snprintf(r->test, sizeof r->test, "%s", test);
    message = message ? message + strspn(message, " ") : "";
    snprintf(r->reason, sizeof r->reason, "%s", explain(message, buffer, sizeof buffer));
}

/* Reads Check's TAP file, a test at a time: its line, and the lines its message ran on to. */
static size_t read_tap(const char *tap_file, struct result **results)
{
    FILE *in = fopen(tap_file, "r");
    if (in == NULL) {
        perror(tap_file);
        exit(1);
    }
    size_t count = 0, capacity = 0;
    char *line = NULL, *entry = NULL;
    size_t line_capacity = 0, entry_length = 0;
    while (getline(&line, &line_capacity, in) != -1) {
        line[strcspn(line, "\n")] = '\0';
        size_t read = count + (entry != NULL);   /* tests read so far, the current one too */
        bool next_test = starts_test_line(line, read + 1);
        if (entry != NULL && (next_test || is_plan_line(line, read))) {
            add_result(entry, results, &count, &capacity);
            free(entry);
            entry = NULL;
            entry_length = 0;
        }
        if (!next_test && entry == NULL)
            continue;   /* the plan line "1..N" */
        size_t line_length = strlen(line);
        char *longer = realloc(entry, entry_length + line_length + 2);
        if (longer == NULL) {
            perror("read_tap");
            exit(1);
        }
        entry = longer;
        if (entry_length > 0)
            entry[entry_length++] = '\n';   /* kept, to become a space in the reason */
        memcpy(entry + entry_length, line, line_length + 1);
        entry_length += line_length;
    }
    if (entry != NULL) {
        add_result(entry, results, &count, &capacity);
        free(entry);
    }
    free(line);
    fclose(in);
    return count;
}

/* Makes every name and reason one line of valid UTF-8 (one_line_of_utf8), as the reports
 * need: TAP has a line per test, and JUnit XML must be valid UTF-8. */
static void make_printable(struct result *results, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char text[sizeof results[i].reason];
        one_line_of_utf8(results[i].test_case, text, sizeof results[i].test_case);
        memcpy(results[i].test_case, text, sizeof results[i].test_case);
        one_line_of_utf8(results[i].test, text, sizeof results[i].test);
        memcpy(results[i].test, text, sizeof results[i].test);
        one_line_of_utf8(results[i].reason, text, sizeof results[i].reason);
        memcpy(results[i].reason, text, sizeof results[i].reason);
    }
}

/* In a build with ThreadSanitizer, a test whose process stopped on a report fails with the
 * report in one line as its reason. */
static void explain_race_reports(struct result *results, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char reason[sizeof results[i].reason];
        if (!results[i].passed && race_report_reason(i, reason, sizeof reason)) {
            snprintf(results[i].reason, sizeof results[i].reason, "%s", reason);
            race_report_keep(i, results[i].test);
        }
    }
}

/* A test whose process the deadlock watchdog ended fails with the watchdog's description of
 * what its threads wait for. */
static void explain_deadlocks(struct result *results, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char reason[sizeof results[i].reason];
        if (!results[i].passed && strcmp(results[i].reason, DEADLOCK_REASON_LOST) == 0 &&
            deadlock_report_reason(results[i].test, reason, sizeof reason))
            snprintf(results[i].reason, sizeof results[i].reason, "%s", reason);
    }
}

/* Reads a RESULTS_FILE that an earlier run wrote: "ok" or "FAIL", test case, test, reason. */
static size_t read_results(const char *results_file, struct result **results)
{
    FILE *in = fopen(results_file, "r");
    if (in == NULL) {
        perror(results_file);
        exit(1);
    }
    size_t count = 0, capacity = 0;
    char line[2048];
    while (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *verdict = strtok(line, "\t");
        char *test_case = strtok(NULL, "\t");
        char *test = strtok(NULL, "\t");
        char *reason = strtok(NULL, "");
        if (verdict == NULL || test_case == NULL || test == NULL)
            continue;
        struct result *r = new_result(results, &count, &capacity);
        r->passed = strcmp(verdict, "ok") == 0;
        snprintf(r->test_case, sizeof r->test_case, "%s", test_case);
        snprintf(r->test, sizeof r->test, "%s", test);
        snprintf(r->reason, sizeof r->reason, "%s", reason != NULL ? reason : "");
    }
    fclose(in);
    return count;
}

/* Grading runs a suite twice: as it is, then, if any test passed, built with ThreadSanitizer.
 * KIT_RACE_RESULTS names the second run's RESULTS_FILE: every test that passed in the first
 * run but made a race report in the second fails, with the report as its reason. */
static void fail_tests_that_raced(const char *race_results_file, struct result *results,
                                  size_t count)
{
    struct result *races = NULL;
    size_t race_count = read_results(race_results_file, &races);
    for (size_t r = 0; r < race_count; r++) {
        if (races[r].passed ||
            strncmp(races[r].reason, RACE_REASON_PREFIX, strlen(RACE_REASON_PREFIX)) != 0)
            continue;
        for (size_t i = 0; i < count; i++) {
            if (results[i].passed && strcmp(results[i].test_case, races[r].test_case) == 0 &&
                strcmp(results[i].test, races[r].test) == 0) {
                results[i].passed = false;
                snprintf(results[i].reason, sizeof results[i].reason, "%s", races[r].reason);
            }
        }
    }
    free(races);
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

/* A test that passed without reaching its end: its process ended with status 0 before the
 * test function returned. */
static void fail_tests_that_did_not_end(struct result *results, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (results[i].passed && !test_ending_reached(i)) {
            results[i].passed = false;
            snprintf(results[i].reason, sizeof results[i].reason, "the test's process ended "
                     "with status 0 before the test did: _exit() in the code under test?");
        }
    }
}

/* Runs every test, each in a process of its own, and reads what Check said of them. */
static size_t run_suite(struct result **results)
{
    /* Check writes its own TAP to a file of the runner's; the reports are written from what
     * it says, with the reasons explained, after the whole suite has run. */
    char check_tap[] = "/tmp/kit-tap-XXXXXX";
    int fd = mkstemp(check_tap);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    close(fd);

    Suite *suite = kit_suite();
    kit_add_hidden_tests(suite);
    test_filter_check_something_kept();
    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_FORK);   /* the timeouts and crash reports need it */
    srunner_set_tap(runner, check_tap);
    race_reports_open();
    results_channel_open();
    test_endings_open();
    deadlock_reports_open();
    srunner_run_all(runner, CK_SILENT);
    srunner_free(runner);

    size_t count = read_tap(check_tap, results);
    unlink(check_tap);
    explain_race_reports(*results, count);
    race_reports_close();
    explain_deadlocks(*results, count);
    deadlock_reports_close();
    fail_tests_that_did_not_end(*results, count);
    test_endings_close();
    return count;
}

/* `make debug TEST=name`: the one test that KIT_TEST names runs in this process, not in a
 * child (CK_NOFORK), so a debugger started on the runner stops inside the test and the code it
 * tests. Check prints its verdict; no report is written. A test's timeout needs a process of
 * its own to kill, so there is none: the student at the debugger is the one watching. */
static int debug_one_test(void)
{
    debugging = true;
    Suite *suite = kit_suite();
    kit_add_hidden_tests(suite);
    test_filter_check_something_kept();
    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, CK_VERBOSE);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? 0 : 1;
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
    const char *debug = getenv("KIT_DEBUG");
    if (debug != NULL && strcmp(debug, "yes") == 0)
        return debug_one_test();
    struct result *results = NULL;
    size_t count;
    const char *lesson = lesson_name(argv[0]);
    const char *earlier_results = getenv("KIT_RESULTS_FROM");
    bool reports_again = earlier_results != NULL && *earlier_results != '\0';
    count = reports_again ? read_results(earlier_results, &results) : run_suite(&results);
    make_printable(results, count);
    /* Only a run of the suite sends results to the grader; reports written again do not. */
    if (!reports_again) {
        for (size_t i = 0; i < count; i++)
            results_channel_send(lesson, race_reports_built_in() ? "races" : "plain",
                                 results[i].passed, results[i].test_case, results[i].test,
                                 results[i].reason);
        results_channel_close();
    }
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
