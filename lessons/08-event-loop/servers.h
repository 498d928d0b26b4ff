/* servers.h - the lesson's fib server, five ways (and a sixth: the epoll loop with workers).
 *
 * Every server takes a listening socket (listener.h) and the read end of a stop pipe, serves
 * clients by the protocol of protocol.h until the stop pipe becomes readable, then stops
 * accepting, ends every connection, waits for every thread or child process it started,
 * closes every socket it opened (not listen_fd, which belongs to the caller) and returns 0.
 * On an error it returns -1 with errno set; a stub returns -1 with errno ENOSYS.
 */
#ifndef SERVERS_H
#define SERVERS_H

struct pool;

/* Given. One client at a time: the next waits in the listen backlog until this one leaves. */
int serve_sequential(int listen_fd, int stop_fd);

/* Given. A thread per connection, each running the blocking code of the sequential server. */
int serve_threads(int listen_fd, int stop_fd);

/* Given. A child process per connection (fork), reaped as soon as it ends. */
int serve_processes(int listen_fd, int stop_fd);

/* Exercise 2. One thread, every connection, with select(). */
int serve_select(int listen_fd, int stop_fd);

/* Exercise 3. One thread, every connection, with epoll. With a pool (pool.h) it also hands
 * CPU-heavy requests to the pool's workers; with NULL it computes everything itself. */
int serve_epoll(int listen_fd, int stop_fd, struct pool *pool);

/* Given, for the blocking servers: serves one client until it leaves or a stop is asked for,
 * reading and writing with blocking calls, one request at a time. Does not close fd. */
void serve_blocking_connection(int fd, int stop_fd, long number);

#endif
