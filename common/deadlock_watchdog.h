/* deadlock_watchdog.h - a thread in each test's process that fails the test at once when its
 * threads can never go on, and says why.
 *
 * Without it, a test whose code deadlocks waits out its whole timeout and fails with "timed
 * out". With it, every ~100 ms the watchdog reads the wait registry (waits.h): when every thread
 * of the process is one the kit knows, blocked in one of sync.h's wrappers, and nothing has
 * moved for a while (DEADLOCK_QUIET_SECONDS), nothing can ever move again. The test then fails
 * with what each thread waits for, where, and who holds it (deadlock_description.h); the
 * process ends with DEADLOCK_EXIT_STATUS, and the runner reads the reason back
 * (deadlock_reports.h). With KIT_DEADLOCK_DIR=FOLDER in the environment, the wait-for graph is
 * also drawn into FOLDER/TEST_NAME.dot (Graphviz).
 *
 * A thread the kit does not know (made with pthread_create itself), or one that sleeps, polls or
 * spins outside the wrappers, might still wake the others: then the watchdog says nothing, and
 * the test's timeout stays the last resort.
 */
#ifndef KIT_DEADLOCK_WATCHDOG_H
#define KIT_DEADLOCK_WATCHDOG_H

/* Exit status of a test's process that the watchdog ended (EXIT_CALLED_STATUS is 70). */
#define DEADLOCK_EXIT_STATUS 71

/* How long every thread must have been blocked, with nothing moving, before the watchdog
 * speaks: long enough for a thread that was just woken to be seen running, even on a busy
 * machine; short enough that a deadlock fails its test in well under 2 seconds. */
#define DEADLOCK_QUIET_SECONDS 0.5

/* In a test's own process, before the test's code runs: turns the wait registry on with the
 * calling thread as the test's thread, and starts the watchdog. quiet_seconds is how long
 * nothing may move; test_name returns the running test's name (Check's tcase_name). Once per
 * process: later calls do nothing. */
void deadlock_watchdog_start(double quiet_seconds, const char *(*test_name)(void));

#endif
