/* thread_watch.c - see thread_watch.h. */
#include "thread_watch.h"

#include <stdio.h>
#include <sys/syscall.h>

bool can_watch_threads_sleep(void)
{
#if defined(__linux__) && defined(__GLIBC__)
    return true;
#else
    return false;
#endif
}

uintptr_t futex_address(int tid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return 0;   /* the thread has ended */
    bool read = fgets(line, sizeof line, file) != NULL;
    fclose(file);
    long number;
    unsigned long address;
    if (!read || sscanf(line, "%ld %lx", &number, &address) != 2 || number != SYS_futex)
        return 0;
    return (uintptr_t)address;
}

bool asleep_on(int tid, const void *object, size_t size)
{
    uintptr_t address = futex_address(tid);
    return address >= (uintptr_t)object && address < (uintptr_t)object + size;
}
