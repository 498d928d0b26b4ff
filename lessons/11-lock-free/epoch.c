/* epoch.c - epoch-based reclamation (see epoch.h).
 *
 * Memory order. Two stores each followed by a load, in two threads, is store buffering
 * (lesson 10): a thread entering stores its state and then loads the structure's pointers;
 * a thread retiring unlinked a node (a store to the structure) and then, to decide what may
 * be freed, loads the epoch and the other threads' states. If each could miss the other's
 * store, a reader could find a node that the retirer then frees. So every access to the epoch
 * and to the states is seq_cst, and a seq_cst fence follows the store in epoch_enter and
 * precedes the loads in epoch_retire: the two fences are ordered one way or the other in C11's
 * single order S (7.17.3), and whichever comes second sees the other side's store. If the
 * retirer's fence comes second, it reads the epoch no lower than the epoch the reader entered
 * in, and no advance to two epochs later can pass the reader's state; if the reader's fence
 * comes second, its loads find the node already unlinked.
 */
#include "epoch.h"

#include <stdio.h>
#include <stdlib.h>

/* How many retirements between two attempts to move the epoch on (each reads every record). */
#define RETIRES_PER_ADVANCE 16

void epoch_init(struct epoch_domain *domain, void (*free_object)(void *object))
{
    atomic_init(&domain->epoch, 0);
    domain->free_object = free_object;
    atomic_init(&domain->freed, 0);
    for (int i = 0; i < EPOCH_MAX_THREADS; i++) {
        struct epoch_thread *thread = &domain->threads[i];
        atomic_init(&thread->state, 0);
        atomic_init(&thread->taken, false);
        thread->domain = domain;
        thread->retired = 0;
        for (int b = 0; b < 3; b++)
            thread->bags[b] = (struct epoch_bag){ 0 };
    }
}

static void free_bag(struct epoch_domain *domain, struct epoch_bag *bag)
{
    for (size_t i = 0; i < bag->count; i++)
        domain->free_object(bag->objects[i]);
    atomic_fetch_add_explicit(&domain->freed, (long)bag->count, memory_order_relaxed);
    bag->count = 0;
}

void epoch_destroy(struct epoch_domain *domain)
{
    for (int i = 0; i < EPOCH_MAX_THREADS; i++)
        for (int b = 0; b < 3; b++) {
            free_bag(domain, &domain->threads[i].bags[b]);
            free(domain->threads[i].bags[b].objects);
            domain->threads[i].bags[b] = (struct epoch_bag){ 0 };
        }
}

struct epoch_thread *epoch_join(struct epoch_domain *domain)
{
    for (int i = 0; i < EPOCH_MAX_THREADS; i++) {
        bool free_record = false;
        if (atomic_compare_exchange_strong(&domain->threads[i].taken, &free_record, true))
            return &domain->threads[i];
    }
    fprintf(stderr, "epoch_join: more than %d threads\n", EPOCH_MAX_THREADS);
    exit(1);
}

void epoch_leave(struct epoch_thread *thread)
{
    atomic_store(&thread->taken, false);
}

void epoch_enter(struct epoch_thread *thread)
{
    unsigned long epoch = atomic_load(&thread->domain->epoch);
    atomic_store(&thread->state, 2 * epoch + 1);
    /* The state must be visible before this thread loads any pointer of the structure. */
    atomic_thread_fence(memory_order_seq_cst);
}

void epoch_exit(struct epoch_thread *thread)
{
    atomic_store(&thread->state, 0);
}

/* Moves the global epoch from e to e + 1 if every thread inside entered in epoch e. */
static unsigned long try_to_advance(struct epoch_domain *domain)
{
    unsigned long epoch = atomic_load(&domain->epoch);
    for (int i = 0; i < EPOCH_MAX_THREADS; i++) {
        unsigned long state = atomic_load(&domain->threads[i].state);
        if (state != 0 && state != 2 * epoch + 1)
            return epoch;   /* a thread inside since an older epoch: not yet */
    }
    /* If another thread moved it first, the epoch is epoch + 1 either way. */
    atomic_compare_exchange_strong(&domain->epoch, &epoch, epoch + 1);
    return atomic_load(&domain->epoch);
}

/* Frees the thread's bags retired two or more epochs before `epoch`. */
static void free_expired(struct epoch_thread *thread, unsigned long epoch)
{
    for (int b = 0; b < 3; b++) {
        struct epoch_bag *bag = &thread->bags[b];
        if (bag->count > 0 && bag->epoch + 2 <= epoch)
            free_bag(thread->domain, bag);
    }
}

unsigned long epoch_collect(struct epoch_thread *thread)
{
    atomic_thread_fence(memory_order_seq_cst);
    unsigned long epoch = try_to_advance(thread->domain);
    free_expired(thread, epoch);
    return epoch;
}

void epoch_retire(struct epoch_thread *thread, void *object)
{
    /* The object was unlinked before this fence; the epoch read after it is at least the
     * epoch of any thread that could have found it (see the top of this file). */
    atomic_thread_fence(memory_order_seq_cst);
    unsigned long epoch = atomic_load(&thread->domain->epoch);
    struct epoch_bag *bag = &thread->bags[epoch % 3];
    if (bag->epoch != epoch) {
        /* The slot holds objects of epoch - 3 or older: all of them are free to go. */
        free_bag(thread->domain, bag);
        bag->epoch = epoch;
    }
    if (bag->count == bag->capacity) {
        size_t capacity = bag->capacity == 0 ? 64 : 2 * bag->capacity;
        void **objects = realloc(bag->objects, capacity * sizeof *objects);
        if (objects == NULL) {
            fprintf(stderr, "epoch_retire: out of memory\n");
            exit(1);
        }
        bag->objects = objects;
        bag->capacity = capacity;
    }
    bag->objects[bag->count++] = object;
    if (++thread->retired % RETIRES_PER_ADVANCE == 0)
        epoch_collect(thread);
}
