/* test_filter.c - see test_filter.h. */
#include "test_filter.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CASES 64

struct named_case {
    TCase *test_case;
    const char *name;
};
static struct named_case cases[MAX_CASES];
static size_t case_count;

static size_t tests_kept;
/* Every test's case and name as it went by, for the message when none was kept. */
static char seen[8192];

void test_filter_remember_case(TCase *test_case, const char *name)
{
    if (case_count < MAX_CASES)
        cases[case_count++] = (struct named_case){ test_case, name };
}

static const char *case_name(const TCase *test_case)
{
    for (size_t i = 0; i < case_count; i++)
        if (cases[i].test_case == test_case)
            return cases[i].name;
    return "";
}

/* Whether test case `name` holds tests of exercise `exercise` ("2"): "exercise 2", or its
 * hidden tests, "exercise 2 hidden". */
static bool is_case_of_exercise(const char *name, const char *exercise)
{
    static const char prefix[] = "exercise ";
    if (strncmp(name, prefix, strlen(prefix)) != 0)
        return false;
    name += strlen(prefix);
    size_t length = strlen(exercise);
    return strncmp(name, exercise, length) == 0 &&
           (name[length] == '\0' || strcmp(name + length, " hidden") == 0);
}

static bool kept(const char *test_case, const char *test)
{
    const char *exercise = getenv("KIT_EXERCISE");
    const char *only_test = getenv("KIT_TEST");
    if (exercise != NULL && *exercise != '\0' && !is_case_of_exercise(test_case, exercise))
        return false;
    if (only_test != NULL && *only_test != '\0' && strcmp(test, only_test) != 0)
        return false;
    return true;
}

/* The linker sends every call of _tcase_add_test here (--wrap), and __real__tcase_add_test is
 * Check's own. */
void __real__tcase_add_test(TCase *tc, const TTest *ttest, int signal, int allowed_exit_value,
                            int start, int end);
void __wrap__tcase_add_test(TCase *tc, const TTest *ttest, int signal, int allowed_exit_value,
                            int start, int end);

void __wrap__tcase_add_test(TCase *tc, const TTest *ttest, int signal, int allowed_exit_value,
                            int start, int end)
{
    const char *name = case_name(tc);
    size_t used = strlen(seen);
    snprintf(seen + used, sizeof seen - used, "    %s: %s\n", name, ttest->name);
    if (!kept(name, ttest->name))
        return;
    tests_kept++;
    __real__tcase_add_test(tc, ttest, signal, allowed_exit_value, start, end);
}

void test_filter_check_something_kept(void)
{
    const char *list = getenv("KIT_LIST_TESTS");
    if (list != NULL && strcmp(list, "yes") == 0) {
        fputs(seen, stdout);
        exit(0);
    }
    if (tests_kept > 0)
        return;
    const char *exercise = getenv("KIT_EXERCISE");
    const char *only_test = getenv("KIT_TEST");
    if (only_test != NULL && *only_test != '\0')
        fprintf(stderr, "no test named '%s'%s%s; the tests are:\n%s", only_test,
                exercise != NULL && *exercise != '\0' ? " in exercise " : "",
                exercise != NULL ? exercise : "", seen);
    else if (exercise != NULL && *exercise != '\0')
        fprintf(stderr, "this lesson has no exercise %s; its tests are:\n%s", exercise, seen);
    else
        fprintf(stderr, "this lesson has no tests\n");
    exit(2);
}
