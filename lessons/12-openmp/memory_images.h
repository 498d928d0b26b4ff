/* memory_images.h - lesson 07's image sets, made in memory: the side-by-side runs time the
 * threads sharing out the images, not the disk.
 *
 * The job for image i is lesson 07's: gray_from_rgb(), then halve(). Every version, pthreads
 * or OpenMP, calls the same job on the same images, so that the only difference between them
 * is how the images are shared out.
 */
#ifndef MEMORY_IMAGES_H
#define MEMORY_IMAGES_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

struct image_set {
    size_t count;
    int width;                 /* of the small images; a large one is wider */
    struct image *colour;      /* the inputs, 3 channels */
    unsigned char **gray;      /* each image's gray version */
    unsigned char **half;      /* each gray image halved */
};

/* Makes `count` colour images of width x height in memory, the first `large` even-numbered ones
 * (0, 2, 4, ...) `scale` times wider and taller, as lesson 07's makeimages does, with the
 * room for their results. Returns 0, or -1 with a message on stderr (no memory). */
int image_set_make(struct image_set *set, size_t count, int width, int height, size_t large,
                   int scale);
void image_set_free(struct image_set *set);

/* The job of image `index` (an image_job of lesson 07's batch.h, context: the set): gray, then
 * halve. Traced as a span "image I" on the lane of the thread that does it. Returns 0. */
int image_set_job(size_t index, unsigned worker, void *context);

/* A checksum of every halved image: the same for every version that did every image. */
uint64_t image_set_checksum(const struct image_set *set);

/* Clears the results, so that a version that skips an image shows in the checksum. */
void image_set_clear(struct image_set *set);

#endif
