/* halve.h - exercise 2: halving an image's width and height with a box filter.
 *
 * Each pixel of the result is the average of a 2 x 2 box of the original: output pixel (X, Y)
 * averages the input pixels at columns 2X and 2X + 1 and rows 2Y and 2Y + 1. An odd width or
 * height leaves a last box that sticks out of the image: then only the pixels that exist are
 * averaged (2 of them on the last column or the last row, 1 in the bottom-right corner of an
 * image odd both ways). The result is halve_size(width) x halve_size(height): a 5 x 3 image
 * becomes 3 x 2, a 1 x 1 image stays 1 x 1.
 *
 * The average of n pixels (n = 4, 2 or 1) whose values add up to sum rounds to the nearest,
 * halves upwards:
 *
 *     (sum + n / 2) / n      (integer division)
 *
 * This is what Pillow's Image.reduce(2) computes.
 */
#ifndef HALVE_H
#define HALVE_H

/* The size of a side after halving: rounded up, so that no pixel is left out. */
static inline int halve_size(int size)
{
    return size / 2 + size % 2;
}

/* Exercise 2. Halves the gray image `in` (width x height bytes, row after row) into `out`
 * (halve_size(width) x halve_size(height) bytes, row after row) by the rule above. Reads only
 * the width * height bytes of in, writes only the bytes of out. width, height >= 1. */
void halve(const unsigned char *in, int width, int height, unsigned char *out);

#endif
