/* suite.c - the suite of the kit's own tests (tracer, rival, runner, deadlock watchdog);
 * check_main.c runs it. */
#include "kit_check.h"

#include <stdlib.h>

#include "common_tests.h"

Suite *kit_suite(void)
{
    /* The runner's test starts this same program again to see what reports it writes for a
     * test that fails on purpose: that run gets only the failing test. */
    if (getenv(RUNNER_CHILD_VARIABLE) != NULL)
        return runner_child_suite();
    if (getenv(DEADLOCK_CHILD_VARIABLE) != NULL)
        return deadlock_child_suite();
    Suite *suite = suite_create("common");
    suite_add_tcase(suite, tracer_tests());
    suite_add_tcase(suite, rival_tests());
    suite_add_tcase(suite, runner_tests());
    suite_add_tcase(suite, deadlock_tests());
    return suite;
}
