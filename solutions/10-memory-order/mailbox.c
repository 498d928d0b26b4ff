/* mailbox.c - handing a message over through a flag (exercise 2).
 *
 * The message is written before the release store to `full`, and read after the acquire load
 * that saw it: the load synchronizes with the store, so the writes to the message happen before
 * the reads (C11 5.1.2.4, 7.17.3). On x86 both are plain `mov`s, and x86 keeps stores in order
 * and loads in order anyway; what the orders buy there is the compiler's promise not to move
 * the message's accesses across the flag's. On ARM, a relaxed store to `full` could become
 * visible before the message itself, or the message be read before `full`; release and
 * acquire (stlr, ldar) keep both in order.
 */
#include "mailbox.h"

void mailbox_init(struct mailbox *box)
{
    atomic_init(&box->full, 0);
}

int mailbox_put(struct mailbox *box, const struct message *message)
{
    box->message = *message;
    atomic_store_explicit(&box->full, 1, memory_order_release);
    return 0;
}

bool mailbox_take(struct mailbox *box, struct message *out)
{
    if (!atomic_load_explicit(&box->full, memory_order_acquire))
        return false;
    *out = box->message;
    return true;
}
