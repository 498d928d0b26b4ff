/* image_io.h - reading and writing images of any format the lesson knows.
 *
 * Netpbm (P6, P5) goes through the lesson's own strict reader and writer (netpbm.h). PNG, JPEG
 * and the other formats stb_image knows (BMP, GIF, TGA, ...) go through stb_image and
 * stb_image_write, two public-domain libraries Debian packages as libstb-dev, so the batch can
 * shrink a folder of your own photos. The decoding is theirs, not the lesson's.
 */
#ifndef IMAGE_IO_H
#define IMAGE_IO_H

#include "image.h"

/* Reads the image at path: netpbm if the file starts with 'P', anything stb_image can decode
 * otherwise. A colour image comes back with 3 channels, a gray one with 1; an alpha channel is
 * dropped. Returns 0, or -1 with a message in error and image->pixels NULL. */
int image_load(const char *path, struct image *image, char error[IMAGE_ERROR_SIZE]);

/* Writes image to path: PNG if path ends in ".png", netpbm (P5 or P6) otherwise. Returns 0, or
 * -1 with a message in error, leaving no half-written file behind. */
int image_save(const char *path, const struct image *image, char error[IMAGE_ERROR_SIZE]);

#endif
