/* kit_check.h - what every test suite of the kit shares.
 *
 * A lesson's test file defines kit_suite() and builds its test cases with kit_tcase(); the
 * kit's runner (check_main.c) provides main(). Conventions, so grading can read the results:
 *   - a test case named "exercise N" holds the tests of exercise N. Every one of them must
 *     fail on the untouched TODO stub (`make test` checks that), so each asserts something
 *     the stub does not do;
 *   - a test case named "exercise N hidden" holds hidden tests of exercise N (see
 *     kit_add_hidden_tests below), held to the same rules;
 *   - a test case named "given" tests code that comes finished with the lesson.
 *   - tests run in their own process (Check's fork mode) with a timeout, so a deadlock, a crash
 *     or an exit() in the code under test fails that one test with a reason;
 *   - only the test's own thread calls ck_assert; worker threads record what they saw;
 *   - tests make their threads with sync.h's thread_create and thread_join, and take a lesson's
 *     locks with mutex_lock, so that the deadlock watchdog (deadlock_watchdog.h) knows them all:
 *     a deadlock then fails its test at once, saying who waits for whom (waits_name gives the
 *     objects in that sentence their names), where a thread it cannot see leaves the timeout;
 *   - a check made thousands of times (every pixel, every reply byte) is an `if` that calls
 *     ck_abort_msg() when it fails: every ck_assert that passes also sends Check's runner a
 *     message, and thousands of them take seconds, or fill the channel and hang the test;
 *   - a test case that runs racy code on purpose (to show the race) is tagged
 *     "racy-on-purpose" with tcase_set_tags(), and is left out of ThreadSanitizer runs;
 *   - so is a test case tagged "no-race-check": code that ThreadSanitizer reports races in that
 *     are not there (12-openmp's tasks: with LLVM 14's OpenMP runtime it reports a race on the
 *     runtime's own memory for a task, on a correct solution). Its tests must catch the
 *     mistakes they are about without the sanitizer's help.
 */
#ifndef KIT_CHECK_H
#define KIT_CHECK_H

#include <check.h>

/* Seconds a test may run before it counts as hung, unless the test case says otherwise. */
#define KIT_TEST_TIMEOUT 10

/* The lesson's suite; defined by the lesson's test file. */
Suite *kit_suite(void);

/* Adds the lesson's hidden tests to its suite: tests that grading runs and the student edition
 * leaves out, in test cases named "exercise N hidden" (their points: "LESSON N hidden POINTS"
 * in tests/points). Defined in tests/LESSON/hidden/ when the lesson has any; otherwise
 * common/no_hidden_tests.c defines it to add none. */
void kit_add_hidden_tests(Suite *suite);

/* A test case with a timeout (in seconds; 0 for KIT_TEST_TIMEOUT) that also catches code under
 * test that calls exit() before the test finishes, which Check would count as a pass. */
TCase *kit_tcase(const char *name, int timeout_seconds);

/* `seconds`, times CK_TIMEOUT_MULTIPLIER as Check reads it (a number from the environment; 1
 * when it is unset, not a number, or 0). For a wait that a correct solution must win (a
 * thread reaching a point, threads meeting): a grader that gives every test three times longer
 * on a slow machine gives these waits three times longer too. */
double kit_scaled_seconds(double seconds);

/* How many times a stress test repeats its contended work: `rounds` in a plain build, and a
 * tenth of it (at least 1) built with ThreadSanitizer. The plain run needs many rounds, since a
 * race must happen to lose an update; ThreadSanitizer reports a race from one pair of unordered
 * accesses whether or not it lost anything, and makes every access and every thread about ten
 * times dearer. So grading's race run (common/grade.sh) costs about what the plain run does. */
long kit_rounds(long rounds);

#endif
