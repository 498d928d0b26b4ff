/* image.c - see image.h. */
#include "image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int image_alloc(struct image *image, long width, long height, int channels,
                char error[IMAGE_ERROR_SIZE])
{
    image->pixels = NULL;
    if (width < 1 || height < 1 || (channels != 1 && channels != 3)) {
        snprintf(error, IMAGE_ERROR_SIZE, "bad image size %ld x %ld x %d", width, height,
                 channels);
        return -1;
    }
    /* Checked by division, so the check itself cannot overflow. */
    if ((unsigned long)width > IMAGE_MAX_PIXELS / (unsigned long)height) {
        snprintf(error, IMAGE_ERROR_SIZE, "image too large: %ld x %ld pixels, at most %zu in all",
                 width, height, IMAGE_MAX_PIXELS);
        return -1;
    }
    image->width = (int)width;
    image->height = (int)height;
    image->channels = channels;
    /* calloc, not malloc: an exercise not done yet leaves zeros, not whatever was in memory,
     * so its output is at least the same on every run. (Large blocks come fresh from the
     * system, already zero, so this costs almost nothing.) */
    image->pixels = calloc(image_bytes(image), 1);
    if (image->pixels == NULL) {
        snprintf(error, IMAGE_ERROR_SIZE, "out of memory for %ld x %ld pixels", width, height);
        return -1;
    }
    return 0;
}

void image_free(struct image *image)
{
    free(image->pixels);
    image->pixels = NULL;
}

size_t image_pixel_count(const struct image *image)
{
    return (size_t)image->width * (size_t)image->height;
}

size_t image_bytes(const struct image *image)
{
    return image_pixel_count(image) * (size_t)image->channels;
}

void image_error_errno(char error[IMAGE_ERROR_SIZE], const char *what, int errnum)
{
    char reason[128];
    if (strerror_r(errnum, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", errnum);
    snprintf(error, IMAGE_ERROR_SIZE, "%s: %s", what, reason);
}
