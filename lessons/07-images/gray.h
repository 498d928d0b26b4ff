/* gray.h - exercise 1: colour to gray.
 *
 * The brightness the eye sees in a colour is not the plain average of red, green and blue: the
 * eye is most sensitive to green and least to blue. The ITU-R BT.601 weights (0.299, 0.587,
 * 0.114, the ones Pillow, JPEG and television use) turn a pixel into its luma Y. In whole
 * numbers, rounding to the nearest:
 *
 *     Y = (299 * R + 587 * G + 114 * B + 500) / 1000      (integer division)
 *
 * The weights add up to 1000, so Y is always from 0 to 255. Whole numbers make the result the
 * same, to the bit, on every machine and for every number of threads.
 */
#ifndef GRAY_H
#define GRAY_H

#include <stddef.h>

/* Exercise 1. For each of the `count` pixels of rgb (3 bytes each: red, green, blue), writes
 * its luma by the formula above to gray[i]. Writes exactly `count` bytes; reads exactly
 * 3 * count. */
void gray_from_rgb(const unsigned char *rgb, unsigned char *gray, size_t count);

#endif
