/* test_runner.c - tests of the runner's reports (common/check_main.c).
 *
 * A failure message is whatever the code under test put in it: bytes that are not UTF-8 (a
 * string read from a binary file, a buffer never ended), a newline. Check copies it as it is.
 * The runner's reports must still be one line per test in TAP, in the results file and on the
 * console, and valid UTF-8 in JUnit XML, which an XML parser otherwise rejects whole.
 *
 * The test starts this same program again (/proc/self/exe, Linux), with RUNNER_CHILD_VARIABLE
 * set so that its suite is one test that fails with such a message, and reads the reports the
 * runner wrote for it.
 */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include "kit_check.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common_tests.h"

/* "café", two bytes that are not UTF-8, and a newline in the middle of a sentence. */
#define BAD_REASON "caf\xC3\xA9 \xFF\xFE cut\nin half"
/* What the reports must say instead: the bad bytes as U+FFFD each, the newline as a space. */
#define CLEAN_REASON "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD cut in half"

START_TEST(fails_with_bad_bytes_and_a_newline)
{
    ck_abort_msg("%s", BAD_REASON);
}
END_TEST

Suite *runner_child_suite(void)
{
    Suite *suite = suite_create("runner-child");
    TCase *tc = kit_tcase("runner", 0);
    tcase_add_test(tc, fails_with_bad_bytes_and_a_newline);
    suite_add_tcase(suite, tc);
    return suite;
}

static char *read_file(const char *path)
{
    FILE *in = fopen(path, "rb");
    ck_assert_msg(in != NULL, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(in, 0, SEEK_END), 0);
    long size = ftell(in);
    ck_assert_int_ge(size, 0);
    rewind(in);
    char *text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(fread(text, 1, (size_t)size, in), (size_t)size);
    text[size] = '\0';
    fclose(in);
    return text;
}

/* Whether `text` is valid UTF-8, by the C library's own converter. */
static bool is_valid_utf8(const char *text)
{
    iconv_t converter = iconv_open("UTF-8", "UTF-8");
    ck_assert_msg(converter != (iconv_t)-1, "iconv_open: %s", strerror(errno));
    size_t in_left = strlen(text), out_left = 4 * in_left + 4;
    char *out = malloc(out_left);
    ck_assert_ptr_nonnull(out);
    char *in_at = (char *)text, *out_at = out;
    size_t converted = iconv(converter, &in_at, &in_left, &out_at, &out_left);
    free(out);
    iconv_close(converter);
    return converted != (size_t)-1 && in_left == 0;
}

/* The line of `text` that holds `needle`, checked to be there. */
static const char *line_holding(const char *text, const char *needle, const char *file)
{
    const char *found = strstr(text, needle);
    ck_assert_msg(found != NULL, "%s has no \"%s\" in one line:\n%s", file, needle, text);
    while (found > text && found[-1] != '\n')
        found--;
    return found;
}

START_TEST(reports_make_a_bad_reason_one_line_of_utf8)
{
    ck_assert_msg(!is_valid_utf8(BAD_REASON), "iconv takes " BAD_REASON " for UTF-8: "
                  "it cannot check the reports");
    char folder[] = "/tmp/runner-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(folder));
    char tap[64], xml[64], results[64], console[64];
    snprintf(tap, sizeof tap, "%s/r.tap", folder);
    snprintf(xml, sizeof xml, "%s/r.xml", folder);
    snprintf(results, sizeof results, "%s/r.results", folder);
    snprintf(console, sizeof console, "%s/console", folder);

    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        int out = open(console, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || dup2(out, STDOUT_FILENO) < 0)
            _exit(126);
        /* Only the failing test, whatever the outer run was told to leave out or add. */
        setenv(RUNNER_CHILD_VARIABLE, "1", 1);
        unsetenv("CK_RUN_SUITE");
        unsetenv("CK_RUN_CASE");
        unsetenv("CK_INCLUDE_TAGS");
        unsetenv("CK_EXCLUDE_TAGS");
        unsetenv("KIT_RACE_RESULTS");
        execl("/proc/self/exe", "check-runner-child", tap, xml, results, (char *)NULL);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "the runner with one failing "
                  "test ended with status %d, not exit status 1", status);

    char *text = read_file(tap);
    ck_assert_msg(is_valid_utf8(text), "the TAP file is not valid UTF-8:\n%s", text);
    for (const char *line = text; *line != '\0'; line = strchr(line, '\n') + 1) {
        ck_assert_msg(strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0 ||
                      strncmp(line, "1..", 3) == 0, "a TAP line that is neither a test nor the "
                      "plan:\n%s", text);
        ck_assert_msg(strchr(line, '\n') != NULL, "the TAP file's last line has no end");
    }
    ck_assert_msg(strncmp(line_holding(text, CLEAN_REASON, "TAP"), "not ok 1 - ", 11) == 0,
                  "the failing test's TAP line:\n%s", text);
    free(text);

    text = read_file(xml);
    ck_assert_msg(is_valid_utf8(text), "the JUnit XML is not valid UTF-8:\n%s", text);
    ck_assert_msg(strstr(line_holding(text, CLEAN_REASON, "JUnit XML"), "<failure message=\"")
                  != NULL, "the reason is not the failure's message:\n%s", text);
    free(text);

    text = read_file(results);
    ck_assert_msg(strcmp(text, "FAIL\trunner\tfails_with_bad_bytes_and_a_newline\t"
                         CLEAN_REASON "\n") == 0, "the results file says:\n%s", text);
    free(text);

    text = read_file(console);
    ck_assert_msg(strncmp(line_holding(text, CLEAN_REASON, "the console"),
                          "  FAIL runner: ", 15) == 0, "the console says:\n%s", text);
    free(text);

    const char *files[] = { tap, xml, results, console };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        ck_assert_int_eq(unlink(files[i]), 0);
    ck_assert_int_eq(rmdir(folder), 0);
}
END_TEST

TCase *runner_tests(void)
{
    TCase *tc = kit_tcase("runner", 0);
    tcase_add_test(tc, reports_make_a_bad_reason_one_line_of_utf8);
    return tc;
}
