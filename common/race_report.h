/* race_report.h - ThreadSanitizer's reports, one per test, read back as one line of reason.
 *
 * A test can pass while the code under it races: the race happened not to change a value
 * this time. Built with -fsanitize=thread, the code reports the race itself. Grading runs
 * every lesson's tests a second time built that way, and counts a report as a failure of the
 * test that produced it, with the two racing accesses (function, file and line) as its reason.
 *
 * How a report finds its test: each test runs in a process of its own (Check's fork mode).
 * Before the test, race_report_start_test() sends that process's reports to a file of its own
 * and notes the process's id in run order; after the suite, race_report_reason() reads the
 * report of the Nth test that ran. In a build without ThreadSanitizer every function here
 * does nothing and finds nothing.
 */
#ifndef KIT_RACE_REPORT_H
#define KIT_RACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Every reason made from a report starts with this, so another tool can tell them apart. */
#define RACE_REASON_PREFIX "ThreadSanitizer: "

/* Whether this build has ThreadSanitizer. */
bool race_reports_built_in(void);

/* Before the suite, in the runner: makes the folder the reports go to. */
void race_reports_open(void);

/* In each test's own process, before the test. */
void race_report_start_test(void);

/* After the suite: the report of the test that ran `index`th (from 0), as one line in
 * `reason`. False if that test left no report. */
bool race_report_reason(size_t index, char *reason, size_t size);

/* With KIT_SANITIZER_REPORTS=DIR in the environment, keeps the whole report of the test that
 * ran `index`th as DIR/TEST.txt (its reason has only the gist): `make check SANITIZE=thread`
 * shows it. */
void race_report_keep(size_t index, const char *test);

/* After the suite: removes the reports and their folder. */
void race_reports_close(void);

#endif
