/* test_endings.h - which tests really reached their end.
 *
 * Check counts a test whose process ends with status 0 as passed, so code under test that
 * calls _exit(0) (exit() the runner already catches) would pass every test it is called from,
 * without one check having run. So each test's own process writes 'S' to a log the runner
 * holds when it starts, and 'E' once the test function has returned; tests run one after
 * another, so the Nth 'S' is the Nth test's, and a passed test with no 'E' after its 'S' did not
 * reach its end.
 */
#ifndef KIT_TEST_ENDINGS_H
#define KIT_TEST_ENDINGS_H

#include <stdbool.h>
#include <stddef.h>

/* In the runner, before the suite. */
void test_endings_open(void);

/* In each test's own process: before the test, and after it returned. */
void test_ending_started(void);
void test_ending_finished(void);

/* After the suite: whether the test that ran `index`th (from 0) reached its end. */
bool test_ending_reached(size_t index);

/* After the suite. */
void test_endings_close(void);

#endif
