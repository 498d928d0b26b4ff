/* memory_images.c - see memory_images.h. */
#include "memory_images.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gray.h"
#include "halve.h"
#include "trace.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* The same smooth pattern makeimages draws, so the work per pixel matches lesson 07's. */
static void draw(struct image *image, unsigned seed)
{
    unsigned char *p = image->pixels;
    for (int y = 0; y < image->height; y++)
        for (int x = 0; x < image->width; x++) {
            *p++ = (unsigned char)(x * 255 / image->width + seed);
            *p++ = (unsigned char)(y * 255 / image->height + 3 * seed);
            *p++ = (unsigned char)((x + y) * 7 + seed);
        }
}

int image_set_make(struct image_set *set, size_t count, int width, int height, size_t large,
                   int scale)
{
    *set = (struct image_set){ .count = count, .width = width };
    set->colour = calloc(count, sizeof *set->colour);
    set->gray = calloc(count, sizeof *set->gray);
    set->half = calloc(count, sizeof *set->half);
    if (set->colour == NULL || set->gray == NULL || set->half == NULL) {
        fprintf(stderr, "image_set_make: out of memory\n");
        image_set_free(set);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        int factor = i % 2 == 0 && i / 2 < large ? scale : 1;
        char error[IMAGE_ERROR_SIZE];
        if (image_alloc(&set->colour[i], (long)width * factor, (long)height * factor, 3,
                        error) != 0) {
            fprintf(stderr, "image_set_make: %s\n", error);
            image_set_free(set);
            return -1;
        }
        struct image *image = &set->colour[i];
        draw(image, (unsigned)i);
        set->gray[i] = malloc(image_pixel_count(image));
        set->half[i] = malloc((size_t)halve_size(image->width) *
                              (size_t)halve_size(image->height));
        if (set->gray[i] == NULL || set->half[i] == NULL) {
            fprintf(stderr, "image_set_make: out of memory\n");
            image_set_free(set);
            return -1;
        }
    }
    image_set_clear(set);
    return 0;
}

void image_set_free(struct image_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        if (set->colour != NULL)
            image_free(&set->colour[i]);
        if (set->gray != NULL)
            free(set->gray[i]);
        if (set->half != NULL)
            free(set->half[i]);
    }
    free(set->colour);
    free(set->gray);
    free(set->half);
    *set = (struct image_set){ 0 };
}

void image_set_clear(struct image_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        const struct image *image = &set->colour[i];
        size_t bytes = (size_t)halve_size(image->width) * (size_t)halve_size(image->height);
        memset(set->half[i], 0, bytes);
    }
}

int image_set_job(size_t index, unsigned worker, void *context)
{
    struct image_set *set = context;
    const struct image *image = &set->colour[index];
#ifdef _OPENMP
    /* A thread of an OpenMP team has no lane of its own until it records something; name the
     * team's threads (thread 0 is the one that started the team, already named). */
    if (trace_on() && omp_in_parallel() && omp_get_thread_num() != 0)
        trace_name_thread("OpenMP thread %d", omp_get_thread_num());
#endif
    (void)worker;
    trace_begin("image %zu%s", index, image->width > set->width ? " (large)" : "");
    gray_from_rgb(image->pixels, set->gray[index], image_pixel_count(image));
    halve(set->gray[index], image->width, image->height, set->half[index]);
    trace_end();
    return 0;
}

uint64_t image_set_checksum(const struct image_set *set)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct image *image = &set->colour[i];
        size_t bytes = (size_t)halve_size(image->width) * (size_t)halve_size(image->height);
        for (size_t b = 0; b < bytes; b++)
            sum = sum * 31 + set->half[i][b];
    }
    return sum;
}
