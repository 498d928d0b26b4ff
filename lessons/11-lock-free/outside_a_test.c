/* outside_a_test.c - lets the demo use the tests' rival (common/rival.c) without Check.
 *
 * rival.c checks its set-up (mmap, sigaction, mprotect) with Check's ck_assert, which inside a
 * test reports to Check's runner. The demo runs no test and does not link Check, so it defines
 * the two functions those checks call, in plain C: a check that passes does nothing, and one
 * that fails says which and ends the demo with exit status 1.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void _mark_point(const char *file, int line)
{
    (void)file;
    (void)line;
}

void _ck_assert_failed(const char *file, int line, const char *expr, const char *msg, ...)
{
    fprintf(stderr, "lockfree: %s:%d: %s", file, line, expr);
    if (msg != NULL) {
        va_list args;
        va_start(args, msg);
        fputs(": ", stderr);
        vfprintf(stderr, msg, args);
        va_end(args);
    }
    fputc('\n', stderr);
    exit(1);
}
