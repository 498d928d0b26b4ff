/* test_images.c - the tests of lesson 07: the given image code, and the four exercises.
 *
 * The tests that read and write files work in a folder of their own under /tmp, made before
 * each test case and removed after it, whatever the tests did.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb_image_write.h>

#include "batch.h"
#include "folder.h"
#include "gray.h"
#include "halve.h"
#include "image.h"
#include "image_io.h"
#include "kit_check.h"
#include "netpbm.h"
#include "pipeline.h"
#include "rival.h"
#include "share.h"
#include "sync.h"
#include "timing.h"

/* ---- Files: a folder per test case, and small helpers -------------------------------------- */

static char case_folder[64];

/* Runs in the runner's process before a test case: every test of the case (each in a process
 * of its own) inherits the folder's name. */
static void make_case_folder(void)
{
    snprintf(case_folder, sizeof case_folder, "/tmp/l07-tests-XXXXXX");
    if (mkdtemp(case_folder) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
}

static void remove_tree(const char *path)
{
    DIR *folder = opendir(path);
    if (folder != NULL) {
        struct dirent *entry;
        while ((entry = readdir(folder)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char child[512];
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            remove_tree(child);
        }
        closedir(folder);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Runs in the runner's process after the test case, even when a test failed or crashed. */
static void remove_case_folder(void)
{
    remove_tree(case_folder);
}

/* A new, empty folder for one test, inside the case's folder. */
static void test_folder(char *path, size_t size)
{
    snprintf(path, size, "%s/test-XXXXXX", case_folder);
    ck_assert_msg(mkdtemp(path) != NULL, "cannot make a folder in %s", case_folder);
}

static void write_file(const char *path, const void *bytes, size_t size)
{
    FILE *out = fopen(path, "wb");
    ck_assert_msg(out != NULL, "cannot create %s", path);
    ck_assert(fwrite(bytes, 1, size, out) == size);
    ck_assert(fclose(out) == 0);
}

/* The whole file in a buffer from malloc (NULL if it cannot be read). */
static unsigned char *read_whole_file(const char *path, size_t *size)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return NULL;
    unsigned char *bytes = malloc(1 << 20);
    *size = bytes != NULL ? fread(bytes, 1, 1 << 20, in) : 0;
    fclose(in);
    return bytes;
}

/* ---- given: the netpbm reader and writer ---------------------------------------------------- */

START_TEST(netpbm_reads_p6_with_comments)
{
    char folder[128], path[192];
    test_folder(folder, sizeof folder);
    snprintf(path, sizeof path, "%s/comments.ppm", folder);
    /* Comments after the magic, between the fields and before the maxval, as netpbm allows. */
    const char header[] = "P6# straight after the magic\n# made by hand\n3 # the width\n"
                          "2\n# the maxval comes next\n255\n";
    unsigned char pixels[18];
    for (int i = 0; i < 18; i++)
        pixels[i] = (unsigned char)(i * 15);
    pixels[0] = '#';   /* a pixel that looks like a comment is still a pixel */
    pixels[1] = '\n';
    unsigned char file[sizeof header - 1 + 18];
    memcpy(file, header, sizeof header - 1);
    memcpy(file + sizeof header - 1, pixels, 18);
    write_file(path, file, sizeof file);

    struct image image;
    char error[IMAGE_ERROR_SIZE] = "";
    ck_assert_msg(netpbm_read(path, &image, error) == 0, "refused: %s", error);
    ck_assert_int_eq(image.width, 3);
    ck_assert_int_eq(image.height, 2);
    ck_assert_int_eq(image.channels, 3);
    ck_assert_mem_eq(image.pixels, pixels, 18);
    image_free(&image);
}
END_TEST

START_TEST(netpbm_reads_p5_and_scales_a_small_maxval)
{
    char folder[128], path[192];
    test_folder(folder, sizeof folder);
    snprintf(path, sizeof path, "%s/gray.pgm", folder);
    const char file[] = "P5 2 2 15\n\x00\x0f\x07\x08";
    write_file(path, file, sizeof file - 1);
    struct image image;
    char error[IMAGE_ERROR_SIZE] = "";
    ck_assert_msg(netpbm_read(path, &image, error) == 0, "refused: %s", error);
    ck_assert_int_eq(image.channels, 1);
    /* v * 255 / 15, rounded: 0, 255, 119 (118.999...), 136 */
    const unsigned char expected[4] = { 0, 255, 119, 136 };
    ck_assert_mem_eq(image.pixels, expected, 4);
    image_free(&image);
}
END_TEST

struct bad_file {
    const char *content;
    size_t size;   /* 0: strlen(content) */
    const char *error_has;
};

START_TEST(netpbm_refuses_bad_files_clearly)
{
    static const struct bad_file cases[] = {
        { "", 0, "not a binary PPM or PGM" },
        { "P3\n2 2\n255\n0 0 0\n", 0, "P3 is a netpbm format" },
        { "GIF89a", 0, "not a binary PPM or PGM" },
        { "P6\n-3 2\n255\n", 0, "width must be a whole number" },
        { "P6\n0 2\n255\n", 0, "width is 0" },
        { "P6\n2 2x\n255\n", 0, "no whitespace before the maxval" },
        { "P6\n99999999999999999999 2\n255\n", 0, "width is above" },
        { "P6\n2 4294967296\n255\n", 0, "height is above" },
        { "P6\n65536 65536\n255\n", 0, "too large" },
        { "P6\n2147483647 2147483647\n255\n", 0, "too large" },
        { "P6\n2 2\n0\n", 0, "maxval is 0" },
        { "P6\n2 2\n256\n", 0, "maxval 256" },
        { "P6\n2 2\n65535\n", 0, "maxval 65535" },
        { "P6\n2 2\n255", 0, "no whitespace after the maxval" },
        { "P6\n2 2\n", 0, "ends before the maxval" },
        { "P6\n3 2\n255\n12345", 0, "truncated: 5 of the 18 bytes" },
        { "P5\n2 1\n100\n\x05\xc8", 0, "above the maxval" },
    };
    char folder[128], path[192];
    test_folder(folder, sizeof folder);
    snprintf(path, sizeof path, "%s/bad.ppm", folder);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_file *bad = &cases[i];
        write_file(path, bad->content, bad->size ? bad->size : strlen(bad->content));
        struct image image = { .pixels = (unsigned char *)"not touched?" };
        char error[IMAGE_ERROR_SIZE] = "";
        ck_assert_msg(netpbm_read(path, &image, error) == -1, "accepted the file \"%s\"",
                      bad->content);
        ck_assert_msg(image.pixels == NULL, "a refused image must have no pixels");
        ck_assert_msg(strstr(error, bad->error_has) != NULL,
                      "for \"%s\" the error is \"%s\", expected it to say \"%s\"", bad->content,
                      error, bad->error_has);
    }
}
END_TEST

START_TEST(a_missing_file_is_a_clear_error)
{
    struct image image;
    char error[IMAGE_ERROR_SIZE] = "";
    ck_assert_int_eq(netpbm_read("/no/such/folder/image.ppm", &image, error), -1);
    ck_assert_msg(strstr(error, "cannot open: No such file") != NULL, "error: %s", error);
    ck_assert_int_eq(image_load("/no/such/folder/image.png", &image, error), -1);
    ck_assert_msg(strstr(error, "cannot open: No such file") != NULL, "error: %s", error);
    /* A folder is no image either. */
    ck_assert_int_eq(image_load("/", &image, error), -1);
}
END_TEST

START_TEST(netpbm_writes_exactly_and_reads_back)
{
    char folder[128], path[192];
    test_folder(folder, sizeof folder);
    snprintf(path, sizeof path, "%s/out.pgm", folder);
    unsigned char pixels[6] = { 0, 1, 127, 128, 254, 255 };
    struct image image = { 3, 2, 1, pixels };
    char error[IMAGE_ERROR_SIZE] = "";
    ck_assert_msg(netpbm_write(path, &image, error) == 0, "cannot write: %s", error);
    size_t size;
    unsigned char *bytes = read_whole_file(path, &size);
    ck_assert_ptr_nonnull(bytes);
    const char expected[] = "P5\n3 2\n255\n\x00\x01\x7f\x80\xfe\xff";
    ck_assert_uint_eq(size, sizeof expected - 1);
    ck_assert_mem_eq(bytes, expected, size);
    free(bytes);
    struct image back;
    ck_assert_msg(image_load(path, &back, error) == 0, "cannot read back: %s", error);
    ck_assert_int_eq(back.channels, 1);
    ck_assert_mem_eq(back.pixels, pixels, 6);
    image_free(&back);
}
END_TEST

START_TEST(writing_where_one_cannot_is_a_clear_error)
{
    char folder[128], path[256];
    test_folder(folder, sizeof folder);
    unsigned char pixels[4] = { 1, 2, 3, 4 };
    struct image image = { 2, 2, 1, pixels };
    char error[IMAGE_ERROR_SIZE] = "";
    /* A folder that does not exist, and a "folder" that is a file (refused even to root). */
    snprintf(path, sizeof path, "%s/no-such-folder/out.pgm", folder);
    ck_assert_int_eq(image_save(path, &image, error), -1);
    ck_assert_msg(strstr(error, "cannot create") != NULL, "error: %s", error);
    snprintf(path, sizeof path, "%s/no-such-folder/out.png", folder);
    ck_assert_int_eq(image_save(path, &image, error), -1);
    ck_assert_msg(strstr(error, "PNG") != NULL, "error: %s", error);
    char file[192];
    snprintf(file, sizeof file, "%s/a-file", folder);
    write_file(file, "x", 1);
    snprintf(path, sizeof path, "%s/out.pgm", file);
    ck_assert_int_eq(image_save(path, &image, error), -1);
    ck_assert_msg(strstr(error, "Not a directory") != NULL, "error: %s", error);
    ck_assert_int_eq(make_folder(path, error), -1);
    ck_assert_msg(strstr(error, "cannot create the output folder") != NULL, "error: %s", error);
}
END_TEST

START_TEST(png_and_jpeg_are_read_through_stb)
{
    char folder[128], path[192];
    test_folder(folder, sizeof folder);
    /* PNG: lossless, so every byte comes back, in colour and in gray. */
    unsigned char rgb[18];
    for (int i = 0; i < 18; i++)
        rgb[i] = (unsigned char)(i * 14 + 3);
    struct image colour = { 3, 2, 3, rgb };
    char error[IMAGE_ERROR_SIZE] = "";
    snprintf(path, sizeof path, "%s/colour.png", folder);
    ck_assert_msg(image_save(path, &colour, error) == 0, "cannot write the PNG: %s", error);
    struct image back;
    ck_assert_msg(image_load(path, &back, error) == 0, "cannot read the PNG: %s", error);
    ck_assert_int_eq(back.width, 3);
    ck_assert_int_eq(back.height, 2);
    ck_assert_int_eq(back.channels, 3);
    ck_assert_mem_eq(back.pixels, rgb, 18);
    image_free(&back);

    snprintf(path, sizeof path, "%s/gray.png", folder);
    ck_assert(stbi_write_png(path, 2, 3, 1, rgb, 2) != 0);
    ck_assert_msg(image_load(path, &back, error) == 0, "cannot read the PNG: %s", error);
    ck_assert_int_eq(back.channels, 1);
    ck_assert_mem_eq(back.pixels, rgb, 6);
    image_free(&back);

    /* JPEG: lossy, but a flat colour at quality 100 comes back within a step or two. */
    unsigned char flat[16 * 16 * 3];
    for (int i = 0; i < 16 * 16; i++) {
        flat[3 * i] = 200;
        flat[3 * i + 1] = 100;
        flat[3 * i + 2] = 50;
    }
    snprintf(path, sizeof path, "%s/flat.jpg", folder);
    ck_assert(stbi_write_jpg(path, 16, 16, 3, flat, 100) != 0);
    ck_assert_msg(image_load(path, &back, error) == 0, "cannot read the JPEG: %s", error);
    ck_assert_int_eq(back.width, 16);
    ck_assert_int_eq(back.channels, 3);
    for (int i = 0; i < 16 * 16 * 3; i++)
        ck_assert_msg(abs(back.pixels[i] - flat[i]) <= 3, "JPEG byte %d is %d, not about %d", i,
                      back.pixels[i], flat[i]);
    image_free(&back);

    /* Not an image at all. */
    snprintf(path, sizeof path, "%s/notes.txt", folder);
    write_file(path, "hello", 5);
    ck_assert_int_eq(image_load(path, &back, error), -1);
    ck_assert_msg(strstr(error, "not an image") != NULL, "error: %s", error);
}
END_TEST

START_TEST(folders_are_listed_in_order_and_made_with_parents)
{
    char folder[128], path[256];
    test_folder(folder, sizeof folder);
    const char *names[] = { "b.ppm", "a.ppm", ".hidden", "c.txt" };
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", folder, names[i]);
        write_file(path, "x", 1);
    }
    snprintf(path, sizeof path, "%s/sub/deeper", folder);
    char error[IMAGE_ERROR_SIZE] = "";
    ck_assert_msg(make_folder(path, error) == 0, "make_folder: %s", error);
    ck_assert_msg(make_folder(path, error) == 0, "a folder that is there already is fine");
    char **list;
    size_t count;
    ck_assert_msg(list_folder(folder, &list, &count, error) == 0, "list_folder: %s", error);
    ck_assert_uint_eq(count, 3);   /* no dot file, no sub-folder */
    ck_assert_str_eq(list[0], "a.ppm");
    ck_assert_str_eq(list[1], "b.ppm");
    ck_assert_str_eq(list[2], "c.txt");
    free_names(list, count);
    char *out = path_in("out", "photo.large.jpg", ".pgm");
    ck_assert_str_eq(out, "out/photo.large.pgm");
    free(out);
}
END_TEST

START_TEST(the_pipeline_reports_bad_images)
{
    char folder[128], input[192], output[192];
    test_folder(folder, sizeof folder);
    snprintf(input, sizeof input, "%s/truncated.ppm", folder);
    snprintf(output, sizeof output, "%s/truncated.pgm", folder);
    write_file(input, "P6\n4 4\n255\nabc", 14);
    struct shrunk result;
    char error[IMAGE_ERROR_SIZE] = "";
    ck_assert_int_eq(shrink_to_gray(input, output, &result, error), -1);
    ck_assert_msg(strstr(error, "truncated") != NULL, "error: %s", error);
    ck_assert_msg(access(output, F_OK) != 0, "no output for an image that could not be read");
}
END_TEST

/* ---- exercise 1: gray ------------------------------------------------------------------------- */

/* The formula of gray.h, written out here to check against. */
static unsigned char luma(unsigned r, unsigned g, unsigned b)
{
    return (unsigned char)((299 * r + 587 * g + 114 * b + 500) / 1000);
}

START_TEST(gray_of_known_colours)
{
    struct { unsigned char rgb[3]; unsigned char gray; const char *what; } known[] = {
        { { 0, 0, 0 }, 0, "black" },
        { { 255, 255, 255 }, 255, "white" },
        { { 255, 0, 0 }, 76, "red" },
        { { 0, 255, 0 }, 150, "green" },
        { { 0, 0, 255 }, 29, "blue" },
        { { 255, 255, 0 }, 226, "yellow" },
        { { 128, 128, 128 }, 128, "middle gray" },
        { { 0, 1, 0 }, 1, "0.587 rounds up to 1" },
        { { 2, 0, 0 }, 1, "0.598 rounds up to 1" },
        { { 0, 0, 4 }, 0, "0.456 rounds down to 0" },
    };
    size_t n = sizeof known / sizeof known[0];
    for (size_t i = 0; i < n; i++) {
        unsigned char gray = 77;
        gray_from_rgb(known[i].rgb, &gray, 1);
        ck_assert_msg(gray == known[i].gray, "%s (%u, %u, %u) gives %u, expected %u", known[i].what,
                      known[i].rgb[0], known[i].rgb[1], known[i].rgb[2], gray, known[i].gray);
    }
}
END_TEST

START_TEST(gray_matches_the_formula_for_every_colour_step)
{
    /* Every colour whose channels are multiples of 15 (0, 15, ..., 255), in one call. */
    enum { STEPS = 18, COUNT = STEPS * STEPS * STEPS };
    static unsigned char rgb[3 * COUNT], gray[COUNT + 8];
    size_t i = 0;
    for (unsigned r = 0; r < STEPS; r++)
        for (unsigned g = 0; g < STEPS; g++)
            for (unsigned b = 0; b < STEPS; b++, i++) {
                rgb[3 * i] = (unsigned char)(15 * r);
                rgb[3 * i + 1] = (unsigned char)(15 * g);
                rgb[3 * i + 2] = (unsigned char)(15 * b);
            }
    memset(gray, 0xAB, sizeof gray);
    gray_from_rgb(rgb, gray, COUNT);
    for (i = 0; i < COUNT; i++)
        ck_assert_msg(gray[i] == luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]),
                      "(%u, %u, %u) gives %u, expected %u", rgb[3 * i], rgb[3 * i + 1],
                      rgb[3 * i + 2], gray[i], luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]));
    for (i = COUNT; i < COUNT + 8; i++)
        ck_assert_msg(gray[i] == 0xAB, "gray_from_rgb wrote past the %d pixels it was given",
                      COUNT);
}
END_TEST

START_TEST(gray_writes_exactly_count_bytes)
{
    unsigned char rgb[3 * 5] = { 10, 200, 30, 255, 255, 255, 0, 0, 0, 1, 2, 3, 90, 90, 90 };
    unsigned char gray[8];
    memset(gray, 0xAB, sizeof gray);
    gray_from_rgb(rgb, gray + 1, 4);
    ck_assert_msg(gray[0] == 0xAB && gray[5] == 0xAB && gray[6] == 0xAB,
                  "gray_from_rgb(rgb, gray, 4) wrote outside gray[0..3]");
    unsigned char expected[4] = { luma(10, 200, 30), 255, 0, luma(1, 2, 3) };
    ck_assert_mem_eq(gray + 1, expected, 4);
    gray_from_rgb(rgb, gray, 0);   /* no pixels: nothing to write */
    ck_assert_msg(gray[0] == 0xAB, "gray_from_rgb with count 0 wrote something");
}
END_TEST

/* ---- exercise 2: halve ------------------------------------------------------------------------ */

/* A copy of `size` bytes placed so that its last byte ends a page and the next page cannot be
 * read: reading one byte past the image stops the test with a crash, every time. */
struct guarded {
    unsigned char *map, *bytes, *guard;
    size_t page;
};

static struct guarded guarded_copy(const unsigned char *bytes, size_t size)
{
    struct guarded g;
    g.page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (size + g.page - 1) / g.page + 1;
    void *memory = NULL;
    ck_assert(posix_memalign(&memory, g.page, pages * g.page) == 0);
    g.map = memory;
    g.guard = g.map + (pages - 1) * g.page;
    ck_assert(mprotect(g.guard, g.page, PROT_NONE) == 0);
    g.bytes = g.guard - size;
    memcpy(g.bytes, bytes, size);
    return g;
}

static void release(struct guarded *g)
{
    ck_assert(mprotect(g->guard, g->page, PROT_READ | PROT_WRITE) == 0);
    free(g->map);
}

/* The rule of halve.h, written out here to check against. */
static unsigned char box_average(const unsigned char *in, int width, int height, int x0, int y0)
{
    unsigned sum = 0, n = 0;
    for (int y = y0; y < y0 + 2 && y < height; y++)
        for (int x = x0; x < x0 + 2 && x < width; x++) {
            sum += in[y * width + x];
            n++;
        }
    return (unsigned char)((sum + n / 2) / n);
}

/* Halves `in` (guarded against reading past its end) and checks every output pixel against the
 * rule, and that nothing was written past the output. */
static void check_halve(const unsigned char *in, int width, int height, const char *what)
{
    int out_width = halve_size(width), out_height = halve_size(height);
    size_t out_size = (size_t)out_width * (size_t)out_height;
    struct guarded input = guarded_copy(in, (size_t)width * (size_t)height);
    unsigned char *out = malloc(out_size + 16);
    ck_assert_ptr_nonnull(out);
    memset(out, 0x5A, out_size + 16);
    halve(input.bytes, width, height, out);
    for (int y = 0; y < out_height; y++)
        for (int x = 0; x < out_width; x++) {
            unsigned char expected = box_average(in, width, height, 2 * x, 2 * y);
            ck_assert_msg(out[y * out_width + x] == expected,
                          "%s, %d x %d: output pixel (%d, %d) is %u, expected %u", what, width,
                          height, x, y, out[y * out_width + x], expected);
        }
    for (size_t i = out_size; i < out_size + 16; i++)
        ck_assert_msg(out[i] == 0x5A, "%s, %d x %d: halve wrote past the %d x %d output", what,
                      width, height, out_width, out_height);
    free(out);
    release(&input);
}

START_TEST(halve_even_sizes_by_hand)
{
    /* 4 x 2 -> 2 x 1. Box 1: 0 0 / 1 1, sum 2: 2 / 4 = 0.5 rounds up to 1 (dropping the
     * rounding gives 0). Box 2: all 255, sum 1020, more than a byte holds. */
    const unsigned char in[8] = { 0, 0, 255, 255,
                                  1, 1, 255, 255 };
    unsigned char out[2] = { 0x5A, 0x5A };
    struct guarded input = guarded_copy(in, sizeof in);
    halve(input.bytes, 4, 2, out);
    release(&input);
    ck_assert_msg(out[0] == 1 && out[1] == 255, "4 x 2 gave %u %u, expected 1 255", out[0], out[1]);
    check_halve(in, 4, 2, "by hand");
}
END_TEST

START_TEST(halve_odd_sizes_by_hand)
{
    /* 3 x 3 -> 2 x 2. (1+2+4+5+2)/4 = 3; last column (3+6+1)/2 = 5; last row (7+8+1)/2 = 8;
     * the corner is 9 alone. */
    const unsigned char square[9] = { 1, 2, 3,
                                      4, 5, 6,
                                      7, 8, 9 };
    unsigned char out[4 + 4];
    memset(out, 0x5A, sizeof out);
    struct guarded input = guarded_copy(square, sizeof square);
    halve(input.bytes, 3, 3, out);
    release(&input);
    const unsigned char expected[4] = { 3, 5, 8, 9 };
    ck_assert_msg(memcmp(out, expected, 4) == 0, "3 x 3 gave %u %u / %u %u, expected 3 5 / 8 9",
                  out[0], out[1], out[2], out[3]);
    ck_assert_msg(out[4] == 0x5A, "3 x 3: halve wrote past the 2 x 2 output");

    const unsigned char row[5] = { 10, 20, 30, 40, 51 };      /* 5 x 1 -> 15 35 51 */
    const unsigned char column[3] = { 1, 2, 255 };             /* 1 x 3 -> 2 255 */
    const unsigned char one[1] = { 200 };                      /* 1 x 1 -> 200 */
    check_halve(row, 5, 1, "a row");
    check_halve(column, 1, 3, "a column");
    check_halve(one, 1, 1, "one pixel");
    unsigned char got[3];
    halve(row, 5, 1, got);
    ck_assert_msg(got[0] == 15 && got[1] == 35 && got[2] == 51, "5 x 1 gave %u %u %u, expected "
                  "15 35 51", got[0], got[1], got[2]);
}
END_TEST

START_TEST(halve_follows_the_rule_on_every_shape)
{
    /* Widths and heights from 1 to 9 against each other, so that an input row length mixed up
     * with an output row length, or width with height, shows. */
    unsigned char in[81];
    unsigned seed = 12345;
    for (int width = 1; width <= 9; width++)
        for (int height = 1; height <= 9; height++) {
            for (int i = 0; i < width * height; i++) {
                seed = seed * 1103515245u + 12345u;
                in[i] = (unsigned char)(seed >> 16);
            }
            check_halve(in, width, height, "random pixels");
        }
}
END_TEST

START_TEST(halve_keeps_black_black_and_white_white)
{
    unsigned char white[63], black[63];
    memset(white, 255, sizeof white);
    memset(black, 0, sizeof black);
    check_halve(white, 9, 7, "all white");
    check_halve(black, 7, 9, "all black");
    check_halve(white, 63, 1, "a white row");
}
END_TEST

/* ---- exercise 3: sharing out the images -------------------------------------------------------- */

START_TEST(static_blocks_are_contiguous_balanced_and_complete)
{
    size_t begin, end, sizes[4];
    for (unsigned w = 0; w < 4; w++) {
        static_block(10, 4, w, &begin, &end);
        sizes[w] = end - begin;
    }
    ck_assert_msg(sizes[0] == 3 && sizes[1] == 3 && sizes[2] == 2 && sizes[3] == 2,
                  "10 images on 4 workers gave blocks of %zu %zu %zu %zu, expected 3 3 2 2",
                  sizes[0], sizes[1], sizes[2], sizes[3]);
    for (size_t count = 0; count <= 40; count++)
        for (unsigned workers = 1; workers <= 9; workers++) {
            size_t expected_begin = 0;
            for (unsigned w = 0; w < workers; w++) {
                static_block(count, workers, w, &begin, &end);
                ck_assert_msg(begin == expected_begin && end >= begin,
                              "%zu images on %u workers: worker %u's block is [%zu, %zu), "
                              "expected it to start at %zu, right after the block before",
                              count, workers, w, begin, end, expected_begin);
                size_t size = end - begin, small = count / workers;
                ck_assert_msg(size == small + (w < count % workers ? 1 : 0),
                              "%zu images on %u workers: worker %u has %zu images, expected %zu",
                              count, workers, w, size, small + (w < count % workers ? 1 : 0));
                expected_begin = end;
            }
            ck_assert_msg(expected_begin == count, "%zu images on %u workers: the blocks end at "
                          "%zu, so some images are never done", count, workers, expected_begin);
        }
}
END_TEST

START_TEST(take_next_hands_out_each_image_once_then_stops)
{
    struct shared_index shared;
    shared_index_init(&shared, 5);
    for (size_t expected = 0; expected < 5; expected++) {
        size_t index = 999;
        ck_assert_msg(take_next(&shared, &index), "take_next said nothing was left after %zu "
                      "of 5 images", expected);
        ck_assert_msg(index == expected, "take_next gave %zu, expected %zu", index, expected);
    }
    size_t index;
    ck_assert_msg(!take_next(&shared, &index), "take_next gave a 6th image of 5");
    ck_assert_msg(!take_next(&shared, &index), "take_next gave an image after saying none was left");
    shared_index_init(&shared, 0);
    ck_assert_msg(!take_next(&shared, &index), "take_next gave an image of 0");
}
END_TEST

enum { CONTENDED_IMAGES = 50000, CONTENDERS = 8 };
static struct shared_index contended;
static atomic_int taken_times[CONTENDED_IMAGES];

static void *take_all(void *unused)
{
    (void)unused;
    size_t index;
    while (take_next(&contended, &index))
        if (index < CONTENDED_IMAGES)
            atomic_fetch_add(&taken_times[index], 1);
    return NULL;
}

START_TEST(take_next_gives_each_image_once_under_contention)
{
    int images = (int)kit_rounds(CONTENDED_IMAGES);
    for (int round = 0; round < 2; round++) {
        shared_index_init(&contended, (size_t)images);
        for (int i = 0; i < images; i++)
            atomic_store(&taken_times[i], 0);
        pthread_t threads[CONTENDERS];
        for (int t = 0; t < CONTENDERS; t++)
            thread_create(&threads[t], take_all, NULL);
        for (int t = 0; t < CONTENDERS; t++)
            thread_join(threads[t]);
        for (int i = 0; i < images; i++)
            ck_assert_msg(atomic_load(&taken_times[i]) == 1, "%d threads taking %d images: "
                          "image %d was taken %d times", CONTENDERS, images, i,
                          atomic_load(&taken_times[i]));
    }
}
END_TEST

/* Taking an image must be one atomic step, or a rival can take the same image between the
 * read of the counter and the write. That gap lasts nanoseconds, so the test makes a rival
 * come exactly there (rival.h): the counter sits in memory made read-only, the first write to
 * it stops with a fault, and the fault handler takes an image before the write goes ahead. An
 * atomic_fetch_add then takes the next image; a load and a store hand out the rival's again. */
static struct shared_index *rival_shared;
static atomic_size_t rival_index = 999;

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void rival_takes_an_image(void)
{
    atomic_store(&rival_index, atomic_fetch_add(&rival_shared->next, 1));
}

START_TEST(take_next_takes_an_image_in_one_atomic_step)
{
    rival_shared = rival_memory(sizeof *rival_shared);
    shared_index_init(rival_shared, 10);
    rival_arm(rival_shared, sizeof *rival_shared, rival_takes_an_image);
    size_t index = 999;
    bool got = take_next(rival_shared, &index);
    rival_release(rival_shared, sizeof *rival_shared);
    ck_assert_msg(rival_has_run(), "take_next never wrote the shared counter: taking an image "
                  "must advance shared->next");
    ck_assert_msg(got && index != atomic_load(&rival_index),
                  "take_next handed out image %zu, which another worker took between your read "
                  "of the counter and your write: take an image in one atomic step "
                  "(atomic_fetch_add)", index);
}
END_TEST

/* ---- exercise 4: the batch on threads --------------------------------------------------------- */

enum { MOST_IMAGES = 64 };

/* What the jobs saw, for the test's thread to check after run_batch returns. */
struct record {
    atomic_int done[MOST_IMAGES];
    atomic_int worker_of[MOST_IMAGES];
    pthread_t thread_of_worker[BATCH_MAX_WORKERS];
    atomic_int seen_worker[BATCH_MAX_WORKERS];
    int fail_every;                 /* jobs of images i % fail_every == 0 fail; 0: none */
    atomic_int arrived;             /* for the test of threads running at once */
    int wait_for;                   /* each job waits until this many have arrived */
    atomic_int saw_company;
};

static int recording_job(size_t index, unsigned worker, void *context)
{
    struct record *record = context;
    if (index < MOST_IMAGES) {
        atomic_fetch_add(&record->done[index], 1);
        atomic_store(&record->worker_of[index], (int)worker);
    }
    if (worker < BATCH_MAX_WORKERS && atomic_exchange(&record->seen_worker[worker], 1) == 0)
        record->thread_of_worker[worker] = pthread_self();   /* only worker `worker` writes it */
    if (record->wait_for > 0) {
        atomic_fetch_add(&record->arrived, 1);
        double give_up = now_seconds() + kit_scaled_seconds(3);
        while (atomic_load(&record->arrived) < record->wait_for && now_seconds() < give_up)
            sleep_ms(1);
        if (atomic_load(&record->arrived) >= record->wait_for)
            atomic_fetch_add(&record->saw_company, 1);
    }
    return record->fail_every > 0 && index % (size_t)record->fail_every == 0 ? -1 : 0;
}

static const enum schedule schedules[] = { SCHEDULE_STATIC, SCHEDULE_DYNAMIC };

START_TEST(the_batch_does_every_image_exactly_once)
{
    const size_t counts[] = { 0, 1, 5, 37, MOST_IMAGES };
    for (int s = 0; s < 2; s++)
        for (unsigned workers = 1; workers <= 8; workers++)
            for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                static struct record record;
                memset(&record, 0, sizeof record);
                long failed = run_batch(counts[c], workers, schedules[s], recording_job, &record);
                ck_assert_msg(failed == 0, "%s, %zu images on %u workers: run_batch returned %ld, "
                              "expected 0 failed", schedule_name(schedules[s]), counts[c],
                              workers, failed);
                for (size_t i = 0; i < counts[c]; i++)
                    ck_assert_msg(atomic_load(&record.done[i]) == 1, "%s, %zu images on %u "
                                  "workers: image %zu was done %d times", schedule_name(schedules[s]),
                                  counts[c], workers, i, atomic_load(&record.done[i]));
            }
}
END_TEST

START_TEST(static_workers_do_their_own_blocks_on_their_own_threads)
{
    for (unsigned workers = 1; workers <= 8; workers++) {
        static struct record record;
        memset(&record, 0, sizeof record);
        size_t count = 30;
        long failed = run_batch(count, workers, SCHEDULE_STATIC, recording_job, &record);
        ck_assert_msg(failed == 0, "static, %zu images on %u workers: run_batch returned %ld, "
                      "expected 0 failed", count, workers, failed);
        for (unsigned w = 0; w < workers; w++) {
            size_t begin, end;
            static_block(count, workers, w, &begin, &end);
            for (size_t i = begin; i < end; i++)
                ck_assert_msg(atomic_load(&record.worker_of[i]) == (int)w, "%u workers: image %zu "
                              "was done by worker %d, but it is in worker %u's static block",
                              workers, i, atomic_load(&record.worker_of[i]), w);
            ck_assert_msg(atomic_load(&record.seen_worker[w]), "%u workers: worker %u did nothing",
                          workers, w);
            ck_assert_msg(!pthread_equal(record.thread_of_worker[w], pthread_self()),
                          "worker %u ran on the thread that called run_batch: start a thread "
                          "for every worker", w);
            for (unsigned other = 0; other < w; other++)
                ck_assert_msg(!pthread_equal(record.thread_of_worker[w],
                                             record.thread_of_worker[other]),
                              "workers %u and %u ran on the same thread", other, w);
        }
    }
}
END_TEST

START_TEST(the_workers_run_at_the_same_time)
{
    /* Each job waits (up to 3 s) for the other worker's job to begin. Workers started and
     * joined one after another never meet. */
    for (int s = 0; s < 2; s++) {
        static struct record record;
        memset(&record, 0, sizeof record);
        record.wait_for = 2;
        long failed = run_batch(2, 2, schedules[s], recording_job, &record);
        ck_assert_msg(failed == 0, "%s, 2 images on 2 workers: run_batch returned %ld, expected "
                      "0 failed", schedule_name(schedules[s]), failed);
        ck_assert_msg(atomic_load(&record.saw_company) == 2, "%s schedule, 2 images on 2 workers: "
                      "the two jobs never ran at the same time; start every thread before "
                      "joining any", schedule_name(schedules[s]));
    }
}
END_TEST

START_TEST(the_batch_goes_on_past_failed_images)
{
    for (int s = 0; s < 2; s++)
        for (unsigned workers = 1; workers <= 4; workers++) {
            static struct record record;
            memset(&record, 0, sizeof record);
            record.fail_every = 3;   /* images 0, 3, ..., 18 of 20 fail: 7 of them */
            long failed = run_batch(20, workers, schedules[s], recording_job, &record);
            for (size_t i = 0; i < 20; i++)
                ck_assert_msg(atomic_load(&record.done[i]) == 1, "%s, %u workers, every third "
                              "image failing: image %zu was done %d times; a failed image must "
                              "not stop its worker", schedule_name(schedules[s]), workers, i,
                              atomic_load(&record.done[i]));
            ck_assert_msg(failed == 7, "%s, %u workers: run_batch returned %ld, but 7 images "
                          "failed", schedule_name(schedules[s]), workers, failed);
        }
}
END_TEST

START_TEST(the_batch_refuses_a_bad_number_of_workers)
{
    static struct record record;
    memset(&record, 0, sizeof record);
    errno = 0;
    ck_assert_msg(run_batch(5, 0, SCHEDULE_DYNAMIC, recording_job, &record) == -1 &&
                  errno == EINVAL, "run_batch with 0 workers must return -1 with errno EINVAL");
    errno = 0;
    ck_assert_msg(run_batch(5, BATCH_MAX_WORKERS + 1, SCHEDULE_STATIC, recording_job, &record) == -1 &&
                  errno == EINVAL, "run_batch with more than BATCH_MAX_WORKERS workers must return "
                  "-1 with errno EINVAL");
    ck_assert_msg(atomic_load(&record.done[0]) == 0, "a refused batch must do no image");
}
END_TEST

/* Real files: every output of every parallel run is byte for byte the sequential loop's. */
struct file_batch {
    char inputs[8][256];
    char outputs[8][256];
    struct shrunk results[8];
    int status[8];
};

static int file_job(size_t index, unsigned worker, void *context)
{
    (void)worker;
    struct file_batch *batch = context;
    char error[IMAGE_ERROR_SIZE];
    batch->status[index] = shrink_to_gray(batch->inputs[index], batch->outputs[index],
                                          &batch->results[index], error);
    return batch->status[index];
}

START_TEST(parallel_outputs_match_the_sequential_loop_byte_for_byte)
{
    char folder[128], out_folder[192];
    test_folder(folder, sizeof folder);
    static struct file_batch batch;
    const int sizes[7][2] = { { 1, 1 }, { 3, 2 }, { 2, 3 }, { 17, 9 }, { 64, 48 }, { 5, 5 },
                              { 100, 1 } };
    char error[IMAGE_ERROR_SIZE] = "";
    unsigned seed = 7;
    for (int i = 0; i < 7; i++) {
        struct image image;
        ck_assert(image_alloc(&image, sizes[i][0], sizes[i][1], 3, error) == 0);
        for (size_t b = 0; b < image_bytes(&image); b++) {
            seed = seed * 1103515245u + 12345u;
            image.pixels[b] = (unsigned char)(seed >> 16);
        }
        snprintf(batch.inputs[i], sizeof batch.inputs[i], "%s/in-%d.ppm", folder, i);
        ck_assert_msg(netpbm_write(batch.inputs[i], &image, error) == 0, "%s", error);
        image_free(&image);
    }
    snprintf(batch.inputs[7], sizeof batch.inputs[7], "%s/in-7.ppm", folder);
    write_file(batch.inputs[7], "P6\n9 9\n255\nshort", 16);   /* a bad image among them */

    snprintf(out_folder, sizeof out_folder, "%s/sequential", folder);
    ck_assert(make_folder(out_folder, error) == 0);
    for (int i = 0; i < 8; i++)
        snprintf(batch.outputs[i], sizeof batch.outputs[i], "%s/out-%d.pgm", out_folder, i);
    ck_assert_int_eq(run_sequential(8, file_job, &batch), 1);
    unsigned char *expected[8] = { NULL };
    size_t expected_size[8] = { 0 };
    for (int i = 0; i < 7; i++) {
        expected[i] = read_whole_file(batch.outputs[i], &expected_size[i]);
        ck_assert_ptr_nonnull(expected[i]);
    }

    for (int s = 0; s < 2; s++)
        for (unsigned workers = 1; workers <= 8; workers++) {
            snprintf(out_folder, sizeof out_folder, "%s/%s-%u", folder,
                     schedule_name(schedules[s]), workers);
            ck_assert(make_folder(out_folder, error) == 0);
            for (int i = 0; i < 8; i++)
                snprintf(batch.outputs[i], sizeof batch.outputs[i], "%s/out-%d.pgm", out_folder, i);
            long failed = run_batch(8, workers, schedules[s], file_job, &batch);
            ck_assert_msg(failed == 1, "%s, %u workers: run_batch returned %ld, expected 1 (one "
                          "bad image)", schedule_name(schedules[s]), workers, failed);
            for (int i = 0; i < 7; i++) {
                size_t size;
                unsigned char *got = read_whole_file(batch.outputs[i], &size);
                ck_assert_msg(got != NULL, "%s, %u workers: no output for image %d",
                              schedule_name(schedules[s]), workers, i);
                ck_assert_msg(size == expected_size[i] && memcmp(got, expected[i], size) == 0,
                              "%s, %u workers: the output of image %d differs from the "
                              "sequential loop's", schedule_name(schedules[s]), workers, i);
                free(got);
            }
            ck_assert_msg(access(batch.outputs[7], F_OK) != 0, "an output for the bad image");
        }
    for (int i = 0; i < 7; i++)
        free(expected[i]);
}
END_TEST

Suite *kit_suite(void)
{
    Suite *suite = suite_create("07-images");

    TCase *given = kit_tcase("given", 10);
    tcase_add_unchecked_fixture(given, make_case_folder, remove_case_folder);
    tcase_add_test(given, netpbm_reads_p6_with_comments);
    tcase_add_test(given, netpbm_reads_p5_and_scales_a_small_maxval);
    tcase_add_test(given, netpbm_refuses_bad_files_clearly);
    tcase_add_test(given, a_missing_file_is_a_clear_error);
    tcase_add_test(given, netpbm_writes_exactly_and_reads_back);
    tcase_add_test(given, writing_where_one_cannot_is_a_clear_error);
    tcase_add_test(given, png_and_jpeg_are_read_through_stb);
    tcase_add_test(given, folders_are_listed_in_order_and_made_with_parents);
    tcase_add_test(given, the_pipeline_reports_bad_images);
    suite_add_tcase(suite, given);

    TCase *gray = kit_tcase("exercise 1", 5);
    tcase_add_test(gray, gray_of_known_colours);
    tcase_add_test(gray, gray_matches_the_formula_for_every_colour_step);
    tcase_add_test(gray, gray_writes_exactly_count_bytes);
    suite_add_tcase(suite, gray);

    TCase *halving = kit_tcase("exercise 2", 5);
    tcase_add_test(halving, halve_even_sizes_by_hand);
    tcase_add_test(halving, halve_odd_sizes_by_hand);
    tcase_add_test(halving, halve_follows_the_rule_on_every_shape);
    tcase_add_test(halving, halve_keeps_black_black_and_white_white);
    suite_add_tcase(suite, halving);

    TCase *sharing = kit_tcase("exercise 3", 10);
    tcase_add_test(sharing, static_blocks_are_contiguous_balanced_and_complete);
    tcase_add_test(sharing, take_next_hands_out_each_image_once_then_stops);
    tcase_add_test(sharing, take_next_gives_each_image_once_under_contention);
    tcase_add_test(sharing, take_next_takes_an_image_in_one_atomic_step);
    suite_add_tcase(suite, sharing);

    TCase *batch = kit_tcase("exercise 4", 10);
    tcase_add_unchecked_fixture(batch, make_case_folder, remove_case_folder);
    tcase_add_test(batch, the_batch_does_every_image_exactly_once);
    tcase_add_test(batch, static_workers_do_their_own_blocks_on_their_own_threads);
    tcase_add_test(batch, the_workers_run_at_the_same_time);
    tcase_add_test(batch, the_batch_goes_on_past_failed_images);
    tcase_add_test(batch, the_batch_refuses_a_bad_number_of_workers);
    tcase_add_test(batch, parallel_outputs_match_the_sequential_loop_byte_for_byte);
    suite_add_tcase(suite, batch);

    return suite;
}
