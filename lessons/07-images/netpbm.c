/* netpbm.c - see netpbm.h. Given code: read it, you do not need to change it. */
#include "netpbm.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

/* The characters netpbm counts as whitespace; isspace() would also depend on the locale. */
static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and comments before a header field. Returns how many characters it skipped,
 * so that the caller can insist on at least one between fields. */
static long skip_space(FILE *in)
{
    long skipped = 0;
    for (;;) {
        int c = getc(in);
        if (c == '#') {   /* a comment runs to the end of its line */
            while (c != '\n' && c != '\r' && c != EOF)
                c = getc(in);
        }
        if (c == EOF)
            return skipped;
        if (!is_space(c)) {
            ungetc(c, in);
            return skipped;
        }
        skipped++;
    }
}

/* Reads one header field: whitespace first, then a decimal number from 1 to max. Digits only: a
 * sign, a fraction or a missing number is an error, and so is a number above max, noticed
 * before it can overflow. */
static int read_field(FILE *in, const char *name, long max, long *value,
                      char error[IMAGE_ERROR_SIZE])
{
    if (skip_space(in) == 0) {
        snprintf(error, IMAGE_ERROR_SIZE, "bad header: no whitespace before the %s", name);
        return -1;
    }
    int c = getc(in);
    if (c < '0' || c > '9') {
        if (c == EOF)
            snprintf(error, IMAGE_ERROR_SIZE, "bad header: the file ends before the %s", name);
        else
            snprintf(error, IMAGE_ERROR_SIZE,
                     "bad header: the %s must be a whole number from 1 to %ld, it starts with '%c'",
                     name, max, c);
        return -1;
    }
    long number = 0;
    while (c >= '0' && c <= '9') {
        if (number > (max - (c - '0')) / 10) {
            snprintf(error, IMAGE_ERROR_SIZE, "bad header: the %s is above %ld", name, max);
            return -1;
        }
        number = number * 10 + (c - '0');
        c = getc(in);
    }
    if (c != EOF)
        ungetc(c, in);
    if (number < 1) {
        snprintf(error, IMAGE_ERROR_SIZE, "bad header: the %s is 0, it must be at least 1", name);
        return -1;
    }
    *value = number;
    return 0;
}

int netpbm_read_file(FILE *in, struct image *image, char error[IMAGE_ERROR_SIZE])
{
    image->pixels = NULL;
    int p = getc(in), kind = getc(in);
    if (p != 'P' || (kind != '5' && kind != '6')) {
        if (p == 'P' && kind >= '1' && kind <= '4')
            snprintf(error, IMAGE_ERROR_SIZE,
                     "P%c is a netpbm format this reader does not take: only binary P6 (colour) "
                     "and P5 (gray)", kind);
        else
            snprintf(error, IMAGE_ERROR_SIZE, "not a binary PPM or PGM file: it does not start "
                     "with P6 or P5");
        return -1;
    }
    int channels = kind == '6' ? 3 : 1;
    long width, height, maxval;
    if (read_field(in, "width", INT_MAX, &width, error) != 0 ||
        read_field(in, "height", INT_MAX, &height, error) != 0 ||
        read_field(in, "maxval", 65535, &maxval, error) != 0)
        return -1;
    if (maxval > 255) {
        snprintf(error, IMAGE_ERROR_SIZE,
                 "maxval %ld means 2 bytes a sample; this reader takes 1 (maxval 1 to 255)", maxval);
        return -1;
    }
    /* Exactly one whitespace character ends the header; the next byte is a pixel even if it
     * looks like a space or a '#'. */
    if (!is_space(getc(in))) {
        snprintf(error, IMAGE_ERROR_SIZE, "bad header: no whitespace after the maxval");
        return -1;
    }
    if (image_alloc(image, width, height, channels, error) != 0)
        return -1;

    size_t expected = image_bytes(image);
    size_t got = fread(image->pixels, 1, expected, in);
    if (got != expected) {
        if (ferror(in))
            image_error_errno(error, "cannot read the pixels", errno);
        else
            snprintf(error, IMAGE_ERROR_SIZE, "truncated: %zu of the %zu bytes of pixels are there",
                     got, expected);
        image_free(image);
        return -1;
    }
    if (maxval != 255) {
        for (size_t i = 0; i < expected; i++) {
            unsigned sample = image->pixels[i];
            if (sample > maxval) {
                snprintf(error, IMAGE_ERROR_SIZE, "a sample is %u, above the maxval %ld", sample,
                         maxval);
                image_free(image);
                return -1;
            }
            image->pixels[i] = (unsigned char)((sample * 255 + (unsigned)maxval / 2) / (unsigned)maxval);
        }
    }
    return 0;
}

int netpbm_read(const char *path, struct image *image, char error[IMAGE_ERROR_SIZE])
{
    image->pixels = NULL;
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        image_error_errno(error, "cannot open", errno);
        return -1;
    }
    int status = netpbm_read_file(in, image, error);
    fclose(in);   /* only read from: closing cannot lose data */
    return status;
}

int netpbm_write(const char *path, const struct image *image, char error[IMAGE_ERROR_SIZE])
{
    if (image->channels != 1 && image->channels != 3) {
        snprintf(error, IMAGE_ERROR_SIZE, "cannot write an image of %d channels", image->channels);
        return -1;
    }
    /* A new file, not the old one cut to length: ext4 (Linux's usual file system) writes a
     * file that was truncated and written again to the disk as soon as it is closed, which
     * makes the thread wait for the disk; a new file waits in memory like any other write. */
    if (remove(path) != 0 && errno != ENOENT) {
        image_error_errno(error, "cannot replace", errno);
        return -1;
    }
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        image_error_errno(error, "cannot create", errno);
        return -1;
    }
    /* Every step is checked, fclose too: a full disk often shows only when the buffer is
     * flushed, and an unchecked fclose would call a truncated file a success. */
    size_t bytes = image_bytes(image);
    bool ok = fprintf(out, "P%c\n%d %d\n255\n", image->channels == 3 ? '6' : '5', image->width,
                      image->height) > 0 &&
              fwrite(image->pixels, 1, bytes, out) == bytes;
    int saved_errno = errno;
    if (fclose(out) != 0 && ok) {
        ok = false;
        saved_errno = errno;
    }
    if (!ok) {
        image_error_errno(error, "cannot write", saved_errno);
        remove(path);
        return -1;
    }
    return 0;
}
