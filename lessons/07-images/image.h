/* image.h - an image in memory, and the limits every reader of the lesson enforces.
 *
 * Pixels are stored row after row, top row first, with no padding: the byte of channel c of
 * the pixel at column x, row y is pixels[((size_t)y * width + x) * channels + c]. A gray image
 * has one channel, a colour image three (red, green, blue), each a byte from 0 to 255.
 */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>

struct image {
    int width;
    int height;
    int channels;            /* 1: gray, 3: red, green, blue */
    unsigned char *pixels;   /* width * height * channels bytes, from malloc */
};

/* The largest image any reader accepts: 2^28 pixels (16384 x 16384), 768 MiB in colour. A file
 * that claims more is refused before anything is allocated, so a bad header cannot make the
 * program ask for gigabytes, nor make width * height * channels overflow. */
#define IMAGE_MAX_PIXELS ((size_t)1 << 28)

/* Room for an error message; every function that can fail writes one here. */
#define IMAGE_ERROR_SIZE 256

/* Allocates the pixels of a width x height image of `channels` channels (1 or 3) and returns 0,
 * or returns -1 with a message in error: a size that is not positive, more than
 * IMAGE_MAX_PIXELS pixels, or no memory. */
int image_alloc(struct image *image, long width, long height, int channels,
                char error[IMAGE_ERROR_SIZE]);

/* Writes "WHAT: REASON" into error, REASON being what the error number errnum means. Uses
 * strerror_r, which, unlike strerror, is safe when several threads report errors at once. */
void image_error_errno(char error[IMAGE_ERROR_SIZE], const char *what, int errnum);

/* Frees the pixels (image_free of an image whose pixels are NULL does nothing). */
void image_free(struct image *image);

/* The number of pixels and the number of bytes of pixels. */
size_t image_pixel_count(const struct image *image);
size_t image_bytes(const struct image *image);

#endif
