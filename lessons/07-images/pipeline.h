/* pipeline.h - what the batch does to one image: read it, make it gray, halve it, write it.
 *
 * Each image goes through these steps on its own, touching nothing another image touches, so
 * any number of them can go through at once on different threads.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stddef.h>

#include "image.h"

/* What became of one image. */
struct shrunk {
    size_t input_pixels;        /* width * height of the input, for megapixels per second */
    int width, height;          /* of the output */
    unsigned long long digest;  /* FNV-1a hash of the output's size and pixels, to compare runs */
};

/* Reads the image at input (netpbm, PNG, JPEG, ...), turns it gray (gray_from_rgb, unless it is
 * gray already), halves it (halve) and writes it to output (PGM, or PNG if output ends in
 * ".png"). Returns 0 and fills *result, or returns -1 with a message in error. Frees
 * everything it allocated either way. */
int shrink_to_gray(const char *input, const char *output, struct shrunk *result,
                   char error[IMAGE_ERROR_SIZE]);

#endif
