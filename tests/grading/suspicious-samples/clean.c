/* clean.c - the words of every construct where they do no harm: none of this is reported.
 * exit(0); fork(); system("rm -rf /"); socket(); #include <check.h> ck_assert(1);
 * __attribute__((constructor)) while (1) { } for (;;) 1 << 40 ??= */
// kill(getppid(), 9); getenv("HOME"); "/proc/self/mem" "../../solutions"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"

struct queue {
    bool open;
    int read, write;
};

static const char *message = "exit fork socket ck_assert kit_suite START_TEST for (;;)";
static const char *escaped = "a \" exit(0); fork(); \" b /* not a comment */";
static const char *divided = "%s/%s";
static const char quote = '"', slash = '/', backslash = '\\';

static int helper(int n)   /* static: only this file sees it, even named like a library's */
{
    return n + 1;
}

bool still_open(struct queue *q)
{
    bool open = q->open && q->read < q->write;   /* a variable named like a call */
    if (open)
        q->read++;
    return open;
}

int count_words(const char *s)
{
    int words = 0;
    for (int i = 0; s[i] != '\0'; i++)
        if (s[i] == ' ')
            words += helper(0);
    return words + (int)strlen(message) + (int)strlen(escaped) + (int)strlen(divided)
        + quote + slash + backslash + 1000000;   /* a million: not large */
}
