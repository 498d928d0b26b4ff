/* results_channel.h - test results that only the runner can send to the grader.
 *
 * When a class is graded (grading/grade-all.sh), each student's code runs in a sandbox, and a
 * results file inside it could be rewritten by a process the code under test started. So the
 * grader, outside the sandbox, opens a file there that the sandbox cannot see and hands it in as
 * a file descriptor, named by KIT_RESULTS_FD. The runner sends each test's result through it,
 * after the whole suite has run; each test's own process closes it before the test starts, so
 * nothing the code under test starts inherits it; and the runner makes itself non-dumpable, so
 * that no other process of the same user can reach it through /proc/PID/fd or ptrace.
 *
 * What this cannot stop: code that runs inside the runner's own process (a constructor, say).
 * The grader's report of suspicious submissions (grading/suspicious.sh) looks for that.
 */
#ifndef KIT_RESULTS_CHANNEL_H
#define KIT_RESULTS_CHANNEL_H

#include <stdbool.h>

/* In the runner, before the suite: takes the descriptor from KIT_RESULTS_FD, if set. */
void results_channel_open(void);

/* In each test's own process, before the test: closes the descriptor, then makes the process
 * dumpable again (the runner is not, so that no other process can reach its descriptor through
 * /proc). With the descriptor gone there is nothing to protect, and a test may need its own
 * /proc files: lesson 05's tests read /proc/self/task/TID/syscall to see a thread asleep, which
 * a process that is not dumpable cannot do unless it runs as root. */
void results_channel_close_in_test(void);

/* After the suite, for each test: "LESSON RUN ok|FAIL TEST_CASE TEST REASON", tab-separated,
 * RUN being "plain" or "races" (built with ThreadSanitizer). */
void results_channel_send(const char *lesson, const char *run, bool passed,
                          const char *test_case, const char *test, const char *reason);

/* After the last result. */
void results_channel_close(void);

#endif
