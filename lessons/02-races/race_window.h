/* race_window.h - a named spot where a race can strike, which a test can hold open.
 *
 * A race needs bad timing: one thread must run between another's check and act, or between
 * its load and store. On a real machine that timing happens now and then, which makes a
 * racy program pass its tests most of the time. Code in this lesson calls race_window() at
 * exactly that spot. Normally it does nothing. A test (or the traced demo) installs a hook
 * that makes each thread wait there until the other arrives too, so the bad interleaving
 * happens on every run, not once in a thousand.
 */
#ifndef RACE_WINDOW_H
#define RACE_WINDOW_H

/* Called between the two halves of an operation that should be one. */
void race_window(void);

/* Installs the function race_window() calls (NULL for none). Call it before starting the
 * threads that pass through the window, never while they run. */
void race_window_set_hook(void (*hook)(void));

#endif
