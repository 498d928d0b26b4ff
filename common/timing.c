/* timing.c - see timing.h. */
#include "timing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double now_seconds(void)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        perror("clock_gettime");
        exit(1);
    }
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

double median(double *values, size_t count)
{
    qsort(values, count, sizeof values[0], compare_doubles);
    if (count % 2 == 1)
        return values[count / 2];
    return (values[count / 2 - 1] + values[count / 2]) / 2;
}

void sleep_ms(long milliseconds)
{
    struct timespec left = { milliseconds / 1000, (milliseconds % 1000) * 1000000L };
    /* nanosleep stops early when a signal arrives and says how long was left: sleep on. */
    while (nanosleep(&left, &left) != 0) {
        if (errno != EINTR) {
            perror("nanosleep");
            exit(1);
        }
    }
}
