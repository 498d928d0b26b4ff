/* test_filter.h - runs some of a suite's tests: one exercise's, or one test by name.
 *
 *   KIT_EXERCISE=2     only the tests of exercise 2 (test cases "exercise 2" and "exercise 2
 *                      hidden"): `make check EX=2` and `make watch`
 *   KIT_TEST=name      only the test of that name: `make debug TEST=name`, `make check TEST=name`
 *
 * Check can pick a test case by name (CK_RUN_CASE), but neither one test nor an exercise's
 * visible and hidden test cases together. So the kit links every test binary with
 * -Wl,--wrap=_tcase_add_test: each tcase_add_test() of a suite comes to this file first, and a
 * test the filter leaves out is never added. Test files need not know.
 */
#ifndef KIT_TEST_FILTER_H
#define KIT_TEST_FILTER_H

#include <check.h>

/* kit_tcase() tells the filter each test case's name, which Check keeps to itself. */
void test_filter_remember_case(TCase *test_case, const char *name);

/* After the suite is built: if a filter is set and no test was kept, says so on stderr, with
 * what there is to choose from, and ends the program with exit status 2. With KIT_LIST_TESTS=yes
 * it prints every test ("    test case: test", a line each) and ends with exit status 0. */
void test_filter_check_something_kept(void);

#endif
