/* makeimages.c - writes a folder of synthetic colour images (PPM) for the batch to shrink.
 *
 * Nothing is downloaded: every image is computed from its number, so the same command writes
 * the same bytes on every machine, every time. Each image is a colour gradient with a few
 * discs and some noise, different for every image, so that a wrong gray or a wrong halving
 * shows in the pictures.
 *
 *   makeimages --count 200 --width 640 --height 480 FOLDER
 *   makeimages --count 60 --width 320 --height 240 --large 4 --scale 4 FOLDER
 *
 * --large K makes K of the images --scale times wider and taller (the images 0, 2, 4, ..., as
 * many of them as there are):
 * a few large images among many small ones, where a static split and a dynamic one differ.
 * --bad K also writes K files that are not valid images, to show that the batch goes on.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "folder.h"
#include "image.h"
#include "netpbm.h"

static const char usage_text[] =
    "[--count N] [--width W] [--height H] [--large K] [--scale S] [--bad K] FOLDER";

/* A small, fast, well-mixed hash: the same inputs always give the same "random" number. */
static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static unsigned char clamp(long value)
{
    return (unsigned char)(value < 0 ? 0 : value > 255 ? 255 : value);
}

static void draw(struct image *image, uint32_t seed)
{
    long w = image->width, h = image->height;
    /* Three discs of random colours at random places. */
    long cx[3], cy[3], r2[3];
    unsigned char colour[3][3];
    for (int d = 0; d < 3; d++) {
        cx[d] = (long)(mix(seed + 10u * (uint32_t)d) % (uint32_t)w);
        cy[d] = (long)(mix(seed + 10u * (uint32_t)d + 1) % (uint32_t)h);
        long r = (long)(mix(seed + 10u * (uint32_t)d + 2) % (uint32_t)(w < h ? w : h) / 3) + 1;
        r2[d] = r * r;
        for (int c = 0; c < 3; c++)
            colour[d][c] = (unsigned char)mix(seed + 10u * (uint32_t)d + 3 + (uint32_t)c);
    }
    unsigned char *p = image->pixels;
    for (long y = 0; y < h; y++) {
        for (long x = 0; x < w; x++) {
            long base[3] = { 255 * x / w, 255 * y / h, 255 - 255 * (x + y) / (w + h) };
            for (int d = 0; d < 3; d++)
                if ((x - cx[d]) * (x - cx[d]) + (y - cy[d]) * (y - cy[d]) < r2[d])
                    for (int c = 0; c < 3; c++)
                        base[c] = colour[d][c];
            uint32_t noise = mix(seed ^ (uint32_t)(y * w + x) * 2654435761u);
            for (int c = 0; c < 3; c++)
                *p++ = clamp(base[c] + (long)((noise >> (8 * c)) & 31) - 16);
        }
    }
}

static int write_bad_file(const char *folder, long number)
{
    /* Two ways to be bad: a header that promises more pixels than the file holds, and a file
     * that is no image at all. */
    char name[64];
    snprintf(name, sizeof name, number % 2 == 0 ? "broken-%03ld.ppm" : "notes-%03ld.txt", number);
    char *path = path_in(folder, name, NULL);
    if (path == NULL)
        return -1;
    FILE *out = fopen(path, "wb");
    int status = -1;
    if (out != NULL) {
        int written = number % 2 == 0 ? fprintf(out, "P6\n640 480\n255\nonly a few bytes")
                                      : fprintf(out, "not an image, just some words\n");
        status = fclose(out) == 0 && written > 0 ? 0 : -1;
    }
    if (status != 0)
        perror(path);
    free(path);
    return status;
}

int main(int argc, char **argv)
{
    long count = 200, width = 640, height = 480, large = 0, scale = 4, bad = 0;
    static const struct option long_options[] = {
        { "count", required_argument, NULL, 'c' },
        { "width", required_argument, NULL, 'w' },
        { "height", required_argument, NULL, 'h' },
        { "large", required_argument, NULL, 'l' },
        { "scale", required_argument, NULL, 's' },
        { "bad", required_argument, NULL, 'b' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'c': count = number_argument("makeimages", usage_text, "--count", optarg, 1, 100000); break;
        case 'w': width = number_argument("makeimages", usage_text, "--width", optarg, 1, 8192); break;
        case 'h': height = number_argument("makeimages", usage_text, "--height", optarg, 1, 8192); break;
        case 'l': large = number_argument("makeimages", usage_text, "--large", optarg, 0, 100000); break;
        case 's': scale = number_argument("makeimages", usage_text, "--scale", optarg, 1, 16); break;
        case 'b': bad = number_argument("makeimages", usage_text, "--bad", optarg, 0, 100); break;
        default: usage_error("makeimages", usage_text, NULL);
        }
    }
    if (argc - optind != 1)
        usage_error("makeimages", usage_text, "it needs the folder to write into");
    if (large > count)
        usage_error("makeimages", usage_text, "--large cannot be more than --count");
    const char *folder = argv[optind];
    char error[IMAGE_ERROR_SIZE];
    if (make_folder(folder, error) != 0) {
        fprintf(stderr, "makeimages: %s: %s\n", folder, error);
        return 1;
    }
    long made_large = 0;
    for (long i = 0; i < count; i++) {
        /* The large ones are the first `large` even-numbered images. */
        long factor = i % 2 == 0 && i / 2 < large ? scale : 1;
        made_large += factor > 1;
        struct image image;
        if (image_alloc(&image, width * factor, height * factor, 3, error) != 0) {
            fprintf(stderr, "makeimages: %s\n", error);
            return 1;
        }
        draw(&image, mix((uint32_t)i + 1));
        char name[64];
        snprintf(name, sizeof name, "photo-%05ld.ppm", i);
        char *path = path_in(folder, name, NULL);
        int status = path != NULL ? netpbm_write(path, &image, error) : -1;
        if (status != 0)
            fprintf(stderr, "makeimages: %s: %s\n", path != NULL ? path : name,
                    path != NULL ? error : "out of memory");
        free(path);
        image_free(&image);
        if (status != 0)
            return 1;
    }
    for (long b = 0; b < bad; b++)
        if (write_bad_file(folder, b) != 0)
            return 1;
    printf("makeimages: %ld images (%ld large) and %ld bad files in %s\n", count, made_large,
           bad, folder);
    return 0;
}
