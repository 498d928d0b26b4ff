/* gray.c - exercise 1: colour to gray (see gray.h for the formula).
 *
 * This is a file you edit: write the body of gray_from_rgb() below. Change nothing else in
 * the lesson; gray.h is the contract the tests hold you to.
 */
#include "gray.h"

void gray_from_rgb(const unsigned char *rgb, unsigned char *gray, size_t count)
{
    /* TODO(exercise 1): for each pixel i, read rgb[3 * i] (red), rgb[3 * i + 1] (green) and
     * rgb[3 * i + 2] (blue) and store (299 R + 587 G + 114 B + 500) / 1000 in gray[i].
     * Compute in an int or unsigned, not in a byte: the weighted sum goes up to 255 500. */
    (void)rgb;
    (void)gray;
    (void)count;
}
