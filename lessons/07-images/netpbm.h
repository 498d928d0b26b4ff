/* netpbm.h - a strict reader and writer of binary netpbm images: PPM (P6, colour) and PGM (P5,
 * gray).
 *
 * The format is a short text header and then the raw bytes of the pixels:
 *
 *     P6            the magic: P6 colour (3 bytes a pixel), P5 gray (1 byte a pixel)
 *     # a comment   from '#' to the end of the line, anywhere whitespace may be
 *     640 480       width and height, decimal
 *     255           maxval: the value of full brightness, from 1 to 255 here
 *     <one whitespace character, then width * height * channels bytes of pixels>
 *
 * "Strict" means that anything else is refused with a message that says what is wrong, and
 * nothing is trusted before it is checked: a negative or absurd size, a width and height whose
 * product overflows, a maxval of 0 or above 255 (16-bit samples), a sample above maxval, a file
 * that ends before its pixels do. A reader that believes a header's size and mallocs it is
 * how image files crash programs.
 */
#ifndef NETPBM_H
#define NETPBM_H

#include <stdio.h>

#include "image.h"

/* Reads a P6 or P5 image from `in` (positioned at the magic) into image (3 or 1 channels) and
 * returns 0; or returns -1 with a message in error and image->pixels NULL. Samples of a maxval
 * below 255 are scaled to 0..255, rounding to nearest. Bytes after the pixels are ignored. */
int netpbm_read_file(FILE *in, struct image *image, char error[IMAGE_ERROR_SIZE]);

/* The same, from the file at path (which may not exist: that is an error like any other). */
int netpbm_read(const char *path, struct image *image, char error[IMAGE_ERROR_SIZE]);

/* Writes image as P5 (1 channel) or P6 (3 channels), maxval 255, and returns 0; or returns -1
 * with a message in error (the folder does not exist or cannot be written, the disk is full),
 * removing what it wrote, so no half-written image is left behind. */
int netpbm_write(const char *path, const struct image *image, char error[IMAGE_ERROR_SIZE]);

#endif
