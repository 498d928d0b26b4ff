/* common_tests.h - the test cases of the kit's own pieces (common/), one per file here. */
#ifndef KIT_COMMON_TESTS_H
#define KIT_COMMON_TESTS_H

#include <check.h>

TCase *tracer_tests(void);   /* test_trace.c: trace.c and the traced wrappers of sync.c */
TCase *rival_tests(void);    /* test_rival.c: rival.c */
TCase *runner_tests(void);   /* test_runner.c: the reports check_main.c writes */
TCase *deadlock_tests(void); /* test_deadlock.c: the deadlock watchdog and its reasons */

/* test_runner.c: the suite the runner's test runs in a process of its own, when the
 * environment holds RUNNER_CHILD_VARIABLE. */
#define RUNNER_CHILD_VARIABLE "KIT_RUNNER_TEST_CHILD"
Suite *runner_child_suite(void);

/* test_deadlock.c: the suite of the one child test that DEADLOCK_CHILD_VARIABLE names, run in
 * a runner of its own. */
#define DEADLOCK_CHILD_VARIABLE "KIT_DEADLOCK_TEST_CHILD"
Suite *deadlock_child_suite(void);

#endif
