/* gray.c - exercise 1: colour to gray (see gray.h for the formula).
 *
 * The reference solution.
 */
#include "gray.h"

void gray_from_rgb(const unsigned char *rgb, unsigned char *gray, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        /* unsigned: the sum reaches 1000 * 255 + 500, far beyond a byte. The + 500 rounds to
         * the nearest whole number instead of always down. */
        unsigned red = rgb[3 * i], green = rgb[3 * i + 1], blue = rgb[3 * i + 2];
        gray[i] = (unsigned char)((299 * red + 587 * green + 114 * blue + 500) / 1000);
    }
}
