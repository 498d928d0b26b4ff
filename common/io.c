/* io.c - see io.h. */
#include "io.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int write_all(int fd, const void *data, size_t size)
{
    const char *next = data;
    while (size > 0) {
        ssize_t written = write(fd, next, size);
        if (written < 0) {
            if (errno == EINTR)   /* a signal arrived before anything was written: again */
                continue;
            return -1;
        }
        next += written;
        size -= (size_t)written;
    }
    return 0;
}

int read_all(int fd, void *data, size_t size)
{
    char *next = data;
    while (size > 0) {
        ssize_t got = read(fd, next, size);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0) {
            errno = EPIPE;
            return -1;
        }
        next += got;
        size -= (size_t)got;
    }
    return 0;
}

int send_all(int fd, const void *data, size_t size)
{
    const char *next = data;
    while (size > 0) {
        ssize_t sent = send(fd, next, size, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        next += sent;
        size -= (size_t)sent;
    }
    return 0;
}
