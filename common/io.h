/* io.h - reading and writing a whole buffer through a file descriptor.
 *
 * read() and write() on a pipe or a socket may move fewer bytes than asked: a pipe holds only
 * 64 KiB, a signal can interrupt the call, the other side may send in pieces. Code that calls
 * them once and hopes loses data now and then. These two loop until the job is done.
 */
#ifndef KIT_IO_H
#define KIT_IO_H

#include <stddef.h>

/* Writes all `size` bytes. Returns 0, or -1 with errno set. */
int write_all(int fd, const void *data, size_t size);

/* Reads exactly `size` bytes. Returns 0, or -1 with errno set; end of file before `size`
 * bytes (the writer closed its end, or died) is -1 with errno = EPIPE. */
int read_all(int fd, void *data, size_t size);

/* Sends all `size` bytes on a socket, with MSG_NOSIGNAL: a peer that has gone makes it fail
 * with EPIPE instead of raising SIGPIPE, which would end the whole program. Returns 0, or -1
 * with errno set. */
int send_all(int fd, const void *data, size_t size);

#endif
