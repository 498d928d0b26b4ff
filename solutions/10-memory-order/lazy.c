/* lazy.c - lazy initialisation, double-checked (exercise 3).
 *
 * First check, without the lock: an acquire load of the pointer. If it is not NULL, the release
 * store that put it there synchronizes with this load, and everything make() wrote happens
 * before what the caller does next. Second check, under the lock: another thread may have made
 * the object between our first check and our lock; the mutex orders its store before our load,
 * so a relaxed load is enough here, and it must be made again only if still NULL. The store is
 * a release, for the first check of every other thread.
 */
#include "lazy.h"

#include <stddef.h>

#include "sync.h"

void lazy_init(struct lazy *lazy, void *(*make)(void *arg), void *arg)
{
    atomic_init(&lazy->object, NULL);
    mutex_init(&lazy->lock);
    lazy->make = make;
    lazy->arg = arg;
}

void lazy_destroy(struct lazy *lazy)
{
    mutex_destroy(&lazy->lock);
}

void *lazy_get_locked(struct lazy *lazy)
{
    mutex_lock(&lazy->lock);
    void *object = atomic_load_explicit(&lazy->object, memory_order_relaxed);
    if (object == NULL) {
        object = lazy->make(lazy->arg);
        atomic_store_explicit(&lazy->object, object, memory_order_release);   /* for lazy_get */
    }
    mutex_unlock(&lazy->lock);
    return object;
}

void *lazy_get(struct lazy *lazy)
{
    void *object = atomic_load_explicit(&lazy->object, memory_order_acquire);
    if (object != NULL)
        return object;   /* made already: no lock */
    mutex_lock(&lazy->lock);
    object = atomic_load_explicit(&lazy->object, memory_order_relaxed);
    if (object == NULL) {
        object = lazy->make(lazy->arg);
        atomic_store_explicit(&lazy->object, object, memory_order_release);
    }
    mutex_unlock(&lazy->lock);
    return object;
}
