/* share.h - exercise 3: two ways to share out `count` images among `workers` threads.
 *
 * Static: decided before any thread starts. Worker w takes one contiguous block of images,
 *   the blocks in worker order and differing in size by at most one: 10 images on 4 workers
 *   are blocks of 3, 3, 2 and 2. Nothing is shared while the threads run, but a block full of
 *   large images keeps its worker busy long after the others have finished.
 * Dynamic: decided while the threads run. A worker that is free takes the next image nobody
 *   has taken yet, from one counter all the workers share. The load balances itself, at the
 *   price of one atomic operation per image.
 */
#ifndef SHARE_H
#define SHARE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Exercise 3. Stores the bounds [*begin, *end) of worker `worker`'s block of the images
 * 0 .. count - 1 shared among `workers` workers (0 <= worker < workers): blocks are contiguous
 * and in worker order, the first count % workers blocks one image longer than the others, and
 * together they cover every image exactly once. A block is empty (*begin == *end) when there are
 * more workers than images. */
void static_block(size_t count, unsigned workers, unsigned worker, size_t *begin, size_t *end);

/* The counter of the dynamic split: images 0 .. count - 1, next is the first not yet taken. */
struct shared_index {
    atomic_size_t next;
    size_t count;
};

/* Given. Sets the counter to 0 for `count` images; call it before the threads start. */
void shared_index_init(struct shared_index *shared, size_t count);

/* Exercise 3. Takes the next image: stores its number in *index and returns true, or returns
 * false when every image has been taken. Called by all the workers at once; no two calls may
 * ever get the same image, and none may be skipped. */
bool take_next(struct shared_index *shared, size_t *index);

#endif
