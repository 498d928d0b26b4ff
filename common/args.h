/* args.h - reading numbers from the command line strictly.
 *
 * atoi("12abc") is 12 and atoi("lots") is 0; a program that trusts it runs with numbers nobody
 * asked for. parse_long() accepts a whole decimal number in a range and nothing else, so every
 * program of the kit can answer bad input with its usage line and exit status 2.
 */
#ifndef KIT_ARGS_H
#define KIT_ARGS_H

#include <stdbool.h>

/* Stores text's value in *value and returns true if text is a whole decimal number from min to
 * max; returns false, leaving *value alone, otherwise. */
bool parse_long(const char *text, long min, long max, long *value);

/* For an option's value: returns text's value if it is a whole decimal number from min to max;
 * otherwise prints "PROGRAM: NAME needs a whole number from MIN to MAX, not 'TEXT'" and the
 * usage line, and exits with status 2. */
long number_argument(const char *program, const char *usage, const char *name,
                     const char *text, long min, long max);

/* Prints "PROGRAM: PROBLEM" and then "usage: PROGRAM USAGE" on stderr and exits with status 2,
 * the status that means "you called me wrong". problem may be NULL. */
void usage_error(const char *program, const char *usage, const char *problem)
    __attribute__((noreturn));

#endif
