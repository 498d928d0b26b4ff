/* deadlock_reports.h - the deadlock watchdog's reasons, from a test's process to the runner.
 *
 * The watchdog (deadlock_watchdog.h) ends a stuck test's process with an exit status of its own,
 * which is all that Check passes on. The reason in words goes another way, as the kit's other
 * per-test records do (test_endings.h): the runner opens a file before the suite, each test's
 * process inherits it, and a stuck one appends one line to it, "TEST<tab>REASON", before it
 * ends. Tests run one after another, so the lines are in the order of the tests that wrote them;
 * after the suite, the runner takes them back in that order.
 */
#ifndef KIT_DEADLOCK_REPORTS_H
#define KIT_DEADLOCK_REPORTS_H

#include <stdbool.h>
#include <stddef.h>

/* In the runner, before the suite. */
void deadlock_reports_open(void);

/* In a test's process: sends the reason the test `test` failed with. False if there is no runner
 * to send it to (the file was not opened) or it could not be written. */
bool deadlock_report_send(const char *test, const char *reason);

/* After the suite, for each test whose process the watchdog ended, in the order the tests ran:
 * the next reason sent by a test named `test`, copied into `reason`. False if there is none. */
bool deadlock_report_reason(const char *test, char *reason, size_t size);

/* After the suite. */
void deadlock_reports_close(void);

#endif
