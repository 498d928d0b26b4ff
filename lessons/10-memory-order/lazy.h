/* lazy.h - an object made the first time someone asks for it, once, whatever the threads.
 *
 * Double-checked: a thread that finds the object made takes it without the lock (the fast
 * path, the one that runs millions of times); only while it is not made yet do threads take the
 * lock, and the one that gets it first makes it. The pointer is the flag: it is stored, with a
 * release, only once the object is whole, and loaded with an acquire, so a thread that sees the
 * pointer sees the object the maker built (as in the mailbox).
 */
#ifndef LAZY_H
#define LAZY_H

#include <pthread.h>
#include <stdatomic.h>

struct lazy {
    _Atomic(void *) object;     /* NULL until made; then the object, for good */
    pthread_mutex_t lock;       /* held while it is made */
    void *(*make)(void *arg);   /* makes the object (never NULL) */
    void *arg;
};

/* Given: nothing made yet; make(arg) will make it. */
void lazy_init(struct lazy *lazy, void *(*make)(void *arg), void *arg);

/* Given: frees the lock (not the object, which is the caller's). */
void lazy_destroy(struct lazy *lazy);

/* Exercise 3: the object; the first call (of any thread) makes it, exactly once. Once it is
 * made, takes no lock. Returns NULL with errno set to ENOSYS while it is not written. */
void *lazy_get(struct lazy *lazy);

/* Given: the same, taking the lock on every call: correct, and what the fast path saves. */
void *lazy_get_locked(struct lazy *lazy);

#endif
