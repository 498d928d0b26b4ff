/* pipeline.c - see pipeline.h. Given code. */
#include "pipeline.h"

#include "gray.h"
#include "halve.h"
#include "image_io.h"

/* FNV-1a, 64 bits: a few lines, and two different images almost never hash the same. The
 * batch compares the hashes of every run with those of the sequential run. */
static unsigned long long fnv1a(unsigned long long hash, const unsigned char *bytes, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

int shrink_to_gray(const char *input, const char *output, struct shrunk *result,
                   char error[IMAGE_ERROR_SIZE])
{
    struct image original, gray = { 0 }, half = { 0 };
    if (image_load(input, &original, error) != 0)
        return -1;
    int status = -1;
    const struct image *source = &original;
    if (original.channels == 3) {
        if (image_alloc(&gray, original.width, original.height, 1, error) != 0)
            goto done;
        gray_from_rgb(original.pixels, gray.pixels, image_pixel_count(&original));
        source = &gray;
    }
    if (image_alloc(&half, halve_size(source->width), halve_size(source->height), 1, error) != 0)
        goto done;
    halve(source->pixels, source->width, source->height, half.pixels);
    if (image_save(output, &half, error) != 0)
        goto done;

    result->input_pixels = image_pixel_count(&original);
    result->width = half.width;
    result->height = half.height;
    unsigned long long digest = 14695981039346656037ULL;
    int size[2] = { half.width, half.height };
    digest = fnv1a(digest, (const unsigned char *)size, sizeof size);
    result->digest = fnv1a(digest, half.pixels, image_bytes(&half));
    status = 0;
done:
    image_free(&original);
    image_free(&gray);
    image_free(&half);
    return status;
}
