/* protocol.c - see protocol.h. Given: every server of the lesson shares this file. */
#include "protocol.h"

#include <stdio.h>

long fib(long n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

bool parse_request(const char *line, size_t length, long *n)
{
    if (length > 0 && line[length - 1] == '\r')   /* nc -C, telnet and redis-cli send CRLF */
        length--;
    if (length == 0 || length > 3)                /* "45" at most; "007" is fine, "0045" not */
        return false;
    long value = 0;
    for (size_t i = 0; i < length; i++) {
        if (line[i] < '0' || line[i] > '9')        /* letters, signs, spaces, binary bytes */
            return false;
        value = 10 * value + (line[i] - '0');
    }
    if (value > FIB_MAX)
        return false;
    *n = value;
    return true;
}

size_t format_reply(long value, char *reply)
{
    return (size_t)snprintf(reply, REPLY_MAX, "%ld\n", value);
}

size_t format_bad_request(char *reply)
{
    return (size_t)snprintf(reply, REPLY_MAX, "error: send a whole number from 0 to %d\n",
                            FIB_MAX);
}

size_t format_too_long(char *reply)
{
    return (size_t)snprintf(reply, REPLY_MAX, "error: request longer than %d bytes\n",
                            REQUEST_MAX);
}

size_t answer_request(const char *line, size_t length, long (*compute)(long n), char *reply)
{
    long n;
    if (!parse_request(line, length, &n))
        return format_bad_request(reply);
    return format_reply(compute(n), reply);
}
