/* args.c - see args.h. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

bool parse_long(const char *text, long min, long max, long *value)
{
    char *end;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    /* Nothing read, something left over, or too large for a long: not a number we accept. */
    if (end == text || *end != '\0' || errno == ERANGE)
        return false;
    if (parsed < min || parsed > max)
        return false;
    *value = parsed;
    return true;
}

void usage_error(const char *program, const char *usage, const char *problem)
{
    if (problem != NULL)
        fprintf(stderr, "%s: %s\n", program, problem);
    fprintf(stderr, "usage: %s %s\n", program, usage);
    exit(2);
}

long number_argument(const char *program, const char *usage, const char *name,
                     const char *text, long min, long max)
{
    long value;
    if (!parse_long(text, min, max, &value)) {
        char problem[256];
        snprintf(problem, sizeof problem, "%s needs a whole number from %ld to %ld, not '%s'",
                 name, min, max, text);
        usage_error(program, usage, problem);
    }
    return value;
}
