/* test_rival.c - tests of the rival (common/rival.c): it steps in once, at the first write to
 * its memory, and leaves every other fault alone, so that a crash in the code under test is
 * reported as a crash, not as a test that timed out while the rival stepped in again and
 * again.
 *
 * A fault "elsewhere" is a write to a page mapped with no access at all: a crash as real as a
 * NULL pointer's, without undefined behaviour the compiler could turn into something else. A
 * scenario that must crash runs in a child process of the test, which checks that the child
 * ended by SIGSEGV (on Linux; macOS may say SIGBUS): the test itself still runs to its end, as
 * the runner requires of every test that passes.
 */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS */
#include "kit_check.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common_tests.h"
#include "rival.h"

static atomic_long *shared;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_adds_one(void)
{
    atomic_fetch_add(shared, 1);
}

static void arm_the_rival(void)
{
    shared = rival_memory(sizeof *shared);
    rival_arm(shared, sizeof *shared, rival_adds_one);
}

/* Writes to a page nobody may touch: the process gets SIGSEGV. */
static void crash_elsewhere(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    volatile char *forbidden = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(forbidden != MAP_FAILED, "mmap failed");
    forbidden[0] = 1;
    ck_abort_msg("a write to a page without access went through");
}

START_TEST(the_rival_steps_in_once_at_the_first_write)
{
    arm_the_rival();
    ck_assert(!rival_has_run());
    atomic_fetch_add(shared, 1);
    ck_assert_msg(rival_has_run(), "the first write did not let the rival in");
    ck_assert_msg(atomic_load(shared) == 2, "the rival's 1 and ours make %ld, not 2",
                  atomic_load(shared));
    atomic_fetch_add(shared, 1);
    ck_assert_msg(atomic_load(shared) == 3, "a second write let the rival in again: %ld, not 3",
                  atomic_load(shared));
    rival_release(shared, sizeof *shared);
}
END_TEST

static void fault_elsewhere_after_the_rival_ran(void)
{
    arm_the_rival();
    atomic_fetch_add(shared, 1);
    ck_assert(rival_has_run());
    crash_elsewhere();
}

static void fault_elsewhere_before_the_rival_ran(void)
{
    arm_the_rival();
    crash_elsewhere();
}

static void fault_after_rival_release(void)
{
    arm_the_rival();
    rival_release(shared, sizeof *shared);
    crash_elsewhere();
}

/* Runs the scenario in a child process; it must end there by SIGSEGV (or SIGBUS). */
static void expect_crash(void (*scenario)(void), const char *name)
{
    pid_t child = fork();
    ck_assert_msg(child >= 0, "fork failed");
    if (child == 0) {
        scenario();
        _exit(0);
    }
    int status;
    ck_assert_msg(waitpid(child, &status, 0) == child, "waitpid failed");
    bool crashed = WIFSIGNALED(status) &&
                   (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS);
    ck_assert_msg(crashed, "%s: the process ended with %s %d, not by SIGSEGV", name,
                  WIFSIGNALED(status) ? "signal" : "exit status",
                  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

START_TEST(a_fault_elsewhere_after_the_rival_ran_is_a_crash)
{
    expect_crash(fault_elsewhere_after_the_rival_ran, "fault elsewhere after the rival ran");
}
END_TEST

START_TEST(a_fault_elsewhere_before_the_rival_ran_is_a_crash)
{
    expect_crash(fault_elsewhere_before_the_rival_ran, "fault elsewhere before the rival ran");
}
END_TEST

START_TEST(a_fault_after_rival_release_is_a_crash)
{
    expect_crash(fault_after_rival_release, "fault after rival release");
}
END_TEST

TCase *rival_tests(void)
{
    /* A rival that swallowed the crash would loop until this timeout. */
    TCase *tc = kit_tcase("rival", 10);
    tcase_add_test(tc, the_rival_steps_in_once_at_the_first_write);
    tcase_add_test(tc, a_fault_elsewhere_after_the_rival_ran_is_a_crash);
    tcase_add_test(tc, a_fault_elsewhere_before_the_rival_ran_is_a_crash);
    tcase_add_test(tc, a_fault_after_rival_release_is_a_crash);
    return tc;
}
