/* mailbox.h - one message handed from one thread to another through a flag.
 *
 * The writer fills in the message, plain memory, then sets `full`; the reader waits until it
 * sees `full` set, then reads the message. The message itself is not atomic, and need not be:
 * what makes the reader's reads safe is that the writer's store to `full` is a release and the
 * reader's load of it an acquire. A load that acquires the value a release stored
 * "synchronizes with" it, and everything the writer did before the release then happens before
 * everything the reader does after the acquire (C11 5.1.2.4): the reader sees the whole message,
 * and the two threads' accesses to it are not a data race.
 */
#ifndef MAILBOX_H
#define MAILBOX_H

#include <stdatomic.h>
#include <stdbool.h>

#define MESSAGE_WORDS 8

struct message {
    long words[MESSAGE_WORDS];
};

/* `full` first: the tests rely on the message starting after it. */
struct mailbox {
    atomic_int full;          /* 0 until the message is all there, then 1, for good */
    struct message message;   /* written once, before full is set */
};

/* Given: an empty mailbox. */
void mailbox_init(struct mailbox *box);

/* Exercise 2: copies *message into the empty mailbox, then marks it full, so that a thread that
 * sees it full sees all of the message. One put per mailbox. Returns 0; or -1 with errno set to
 * ENOSYS while it is not written. */
int mailbox_put(struct mailbox *box, const struct message *message);

/* Exercise 2: if the mailbox is full, copies the message into *out and returns true; if not
 * (yet), returns false and leaves *out alone. It never waits: call it again to wait. While it
 * is not written, returns false with errno set to ENOSYS. */
bool mailbox_take(struct mailbox *box, struct message *out);

#endif
