/* epoch.h - epoch-based reclamation: free a node only once no thread can still be reading it.
 *
 * A lock-free pop takes a node off the stack while other threads may still hold a pointer to
 * it: each read top, was paused, and will read top->next before its compare-and-swap fails.
 * Freeing the node at once would make that read a use after free; reusing it makes ABA. So a
 * popped node is not freed but retired, and freed later, once every thread that could have
 * seen it has finished what it was doing.
 *
 * Epochs tell when that is (K. Fraser, "Practical lock-freedom", PhD thesis, University of
 * Cambridge, 2004; technical report UCAM-CL-TR-579). A global epoch counts up. Each thread marks the stretch of
 * code in which it reads the shared structure: epoch_enter() records "inside, since epoch e",
 * epoch_exit() "outside". The epoch moves from e to e + 1 only when every thread inside
 * entered in epoch e. An object retired when the epoch was e was unlinked before that: a
 * thread that could have found it entered in epoch e or earlier, and by the time the epoch is
 * e + 2 every such thread has left. So objects retired in epoch e are freed once it is e + 2.
 *
 * The price: a thread that stops inside (a long sleep, a crash) stops the epoch, and nothing
 * retired after that is ever freed. Hazard pointers (M. M. Michael, "Hazard Pointers: Safe
 * Memory Reclamation for Lock-Free Objects", IEEE TPDS 15(6), 2004) bound what is left
 * unfreed instead, at the cost of publishing every pointer a thread is about to follow.
 *
 * Every thread that uses a domain joins it (epoch_join) and leaves it (epoch_leave). Retired
 * objects are freed by the domain's free function, by whichever thread notices they can be.
 */
#ifndef EPOCH_H
#define EPOCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define EPOCH_MAX_THREADS 64

/* Objects one thread retired while the global epoch was `epoch`. */
struct epoch_bag {
    unsigned long epoch;
    void **objects;
    size_t count;
    size_t capacity;
};

/* A thread's record. Only its thread touches the bags; others read `state`. */
struct epoch_thread {
    _Atomic unsigned long state;   /* 0: outside; 2e + 1: inside, entered in epoch e */
    atomic_bool taken;             /* a thread has joined with this record */
    struct epoch_domain *domain;
    struct epoch_bag bags[3];      /* retired in epochs e, e - 1, e - 2 (slot: epoch % 3) */
    unsigned long retired;         /* retired through this record, ever */
};

struct epoch_domain {
    _Atomic unsigned long epoch;
    void (*free_object)(void *object);
    atomic_long freed;             /* objects freed so far, for the tests and the demo */
    struct epoch_thread threads[EPOCH_MAX_THREADS];
};

/* A domain in epoch 0; retired objects will be freed with free_object. */
void epoch_init(struct epoch_domain *domain, void (*free_object)(void *object));

/* Frees every object still retired. No thread may be inside. */
void epoch_destroy(struct epoch_domain *domain);

/* The calling thread's record. Ends the program if EPOCH_MAX_THREADS threads have joined. */
struct epoch_thread *epoch_join(struct epoch_domain *domain);

/* Gives the record back (its retired objects stay, for the next thread or epoch_destroy). */
void epoch_leave(struct epoch_thread *thread);

/* From here to epoch_exit, nothing retired meanwhile is freed. */
void epoch_enter(struct epoch_thread *thread);
void epoch_exit(struct epoch_thread *thread);

/* Hands an object that is no longer reachable (already unlinked) to the domain, to be freed
 * once no thread can be reading it. Inside or outside: either is correct. */
void epoch_retire(struct epoch_thread *thread, void *object);

/* Moves the epoch on if every thread inside has entered in the current one, and frees the
 * calling thread's objects that can be freed. Returns the epoch it then saw. */
unsigned long epoch_collect(struct epoch_thread *thread);

#endif
