/* halve.c - exercise 2: halving an image with a box filter (see halve.h for the rule).
 *
 * The reference solution.
 */
#include "halve.h"

#include <stdbool.h>
#include <stddef.h>

void halve(const unsigned char *in, int width, int height, unsigned char *out)
{
    size_t in_width = (size_t)width, out_width = (size_t)halve_size(width);
    for (int out_y = 0; out_y < halve_size(height); out_y++) {
        /* The box's rows: 2Y and, if the image has it, 2Y + 1. On an odd height the last box
         * has one row, and reading a second would read past the end of the image. */
        const unsigned char *top = in + (size_t)(2 * out_y) * in_width;
        const unsigned char *bottom = 2 * out_y + 1 < height ? top + in_width : NULL;
        unsigned char *row = out + (size_t)out_y * out_width;
        for (size_t out_x = 0; out_x < out_width; out_x++) {
            size_t x = 2 * out_x;
            bool two_columns = x + 1 < in_width;
            unsigned sum = top[x] + (two_columns ? top[x + 1] : 0u);
            unsigned n = two_columns ? 2 : 1;
            if (bottom != NULL) {
                sum += bottom[x] + (two_columns ? bottom[x + 1] : 0u);
                n *= 2;
            }
            row[out_x] = (unsigned char)((sum + n / 2) / n);   /* nearest, halves up */
        }
    }
}
