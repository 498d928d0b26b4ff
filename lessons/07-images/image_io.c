/* image_io.c - see image_io.h. Given code.
 *
 * stb_image.h and stb_image_write.h are included for their declarations only: the code is in
 * Debian's libstb.so (linked with `pkg-config --libs stb`), so STB_IMAGE_IMPLEMENTATION must not
 * be defined here. stb_image keeps its last error message per thread (it is built as C11, with
 * _Thread_local), so threads that load images at once do not mix up their errors.
 */
#include "image_io.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <stb_image.h>
#include <stb_image_write.h>

#include "netpbm.h"

/* An image stb_image decodes, copied into memory of our own so that every image is freed the
 * same way (image_free). */
static int load_with_stb(FILE *in, struct image *image, char error[IMAGE_ERROR_SIZE])
{
    int width, height, channels_in_file;
    if (!stbi_info_from_file(in, &width, &height, &channels_in_file)) {
        snprintf(error, IMAGE_ERROR_SIZE, "not an image this program can read (stb_image: %s)",
                 stbi_failure_reason());
        return -1;
    }
    /* Gray (and gray with alpha) stays gray; everything else becomes red, green, blue. */
    int channels = channels_in_file <= 2 ? 1 : 3;
    if (image_alloc(image, width, height, channels, error) != 0)
        return -1;
    unsigned char *decoded = stbi_load_from_file(in, &width, &height, &channels_in_file, channels);
    if (decoded == NULL) {
        snprintf(error, IMAGE_ERROR_SIZE, "cannot decode (stb_image: %s)", stbi_failure_reason());
        image_free(image);
        return -1;
    }
    memcpy(image->pixels, decoded, image_bytes(image));
    stbi_image_free(decoded);
    return 0;
}

int image_load(const char *path, struct image *image, char error[IMAGE_ERROR_SIZE])
{
    image->pixels = NULL;
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        image_error_errno(error, "cannot open", errno);
        return -1;
    }
    int first = getc(in);
    int status;
    if (first == EOF) {
        snprintf(error, IMAGE_ERROR_SIZE, "the file is empty");
        status = -1;
    } else if (ungetc(first, in) == EOF) {
        snprintf(error, IMAGE_ERROR_SIZE, "cannot read the file");
        status = -1;
    } else if (first == 'P') {
        status = netpbm_read_file(in, image, error);
    } else {
        status = load_with_stb(in, image, error);
    }
    fclose(in);   /* only read from: closing cannot lose data */
    return status;
}

static int ends_with(const char *text, const char *suffix)
{
    size_t length = strlen(text), suffix_length = strlen(suffix);
    return length >= suffix_length && strcmp(text + length - suffix_length, suffix) == 0;
}

int image_save(const char *path, const struct image *image, char error[IMAGE_ERROR_SIZE])
{
    if (!ends_with(path, ".png"))
        return netpbm_write(path, image, error);
    /* stb_image_write says only "failed" (0); the reason, if it was the file, is in errno. */
    errno = 0;
    if (!stbi_write_png(path, image->width, image->height, image->channels, image->pixels,
                        image->width * image->channels)) {
        if (errno != 0)
            image_error_errno(error, "cannot write the PNG file", errno);
        else
            snprintf(error, IMAGE_ERROR_SIZE, "cannot write the PNG file");
        remove(path);
        return -1;
    }
    return 0;
}
