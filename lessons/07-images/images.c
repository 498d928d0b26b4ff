/* images.c - lesson 07: a folder of images, each made gray and half the size, on threads.
 *
 * The source material's job: every image of a folder converted to grayscale, halved, and
 * saved in another folder. No image depends on another, so the images can be shared among
 * threads in any way at all, and the only question is how to share them well.
 *
 * The program does the whole folder once on one thread (the sequential loop, the reference),
 * then on 1, 2, ... T threads with each schedule, static (contiguous blocks) and dynamic (a
 * shared counter), and prints the median time of several runs, images and megapixels per
 * second, the speedup over the loop and the parallel efficiency (speedup / threads). It checks
 * its own results: every image done exactly once in every run, and every output identical to
 * the sequential loop's. A bad image is reported and skipped; the batch goes on.
 *
 *   --pillow SCRIPT  also time pillow_batch.py (Python's Pillow) on the same images, on one
 *                    process and on a pool of one process per core, and compare
 *   --png            write PNG files instead of PGM
 *   --data FILE      also write the speedups as tab-separated columns, for plotting
 *   --trace PREFIX   one traced run, on --threads threads with --schedule, for the diagrams
 */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "batch.h"
#include "folder.h"
#include "gray.h"
#include "halve.h"
#include "pipeline.h"
#include "share.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--threads T] [--repeat R] [--schedule static|dynamic] [--png] [--pillow SCRIPT] "
    "[--data FILE] [--trace PREFIX] INPUT_FOLDER OUTPUT_FOLDER";

#define MAX_REPEAT 50
#define PYTHON "/usr/bin/python3"   /* Debian's own, with python3-pil; not a pyenv python3 */

struct options {
    long max_threads;
    long repeat;
    enum schedule schedule;       /* for --trace */
    bool png;
    const char *pillow_script;
    const char *data_path;
    const char *trace_prefix;
    const char *input_folder;
    const char *output_folder;
};

/* ---- The batch: one job per image ---------------------------------------------------------- */

struct batch {
    size_t count;
    char **names;                        /* file names, sorted */
    char **inputs, **outputs;            /* their paths */
    atomic_int *done;                    /* how many times each image was done in this run */
    int *status;                         /* each image's job: 0 or -1 */
    struct shrunk *results;              /* each image's result */
    char (*errors)[IMAGE_ERROR_SIZE];    /* why an image failed */
    size_t input_pixels;                 /* of every image that could be read */
};

/* The job of image `index`. Each image has its own slots in the arrays above, so the workers
 * never write the same place and need no lock; main reads the slots after the join. */
static int shrink_job(size_t index, unsigned worker, void *context)
{
    struct batch *batch = context;
    trace_name_thread("worker %u", worker);
    trace_begin("%s", batch->names[index]);
    atomic_fetch_add_explicit(&batch->done[index], 1, memory_order_relaxed);
    batch->status[index] = shrink_to_gray(batch->inputs[index], batch->outputs[index],
                                          &batch->results[index], batch->errors[index]);
    trace_end();
    return batch->status[index];
}

static void start_run(struct batch *batch)
{
    for (size_t i = 0; i < batch->count; i++)
        atomic_store_explicit(&batch->done[i], 0, memory_order_relaxed);
}

/* After a run: did it do every image exactly once, and get what the sequential loop got?
 * Returns NULL if so, or what was wrong. */
static const char *check_run(const struct batch *batch, const int *status,
                             const struct shrunk *expected, char *why, size_t size)
{
    for (size_t i = 0; i < batch->count; i++) {
        int done = atomic_load_explicit(&batch->done[i], memory_order_relaxed);
        if (done != 1) {
            snprintf(why, size, "%s was done %d times, not once (exercise 3 shares out the "
                     "images, exercise 4 runs them)", batch->names[i], done);
            return why;
        }
        if (batch->status[i] != status[i] ||
            (status[i] == 0 && batch->results[i].digest != expected[i].digest)) {
            snprintf(why, size, "the output of %s differs from the sequential loop's",
                     batch->names[i]);
            return why;
        }
    }
    return NULL;
}

static void free_batch(struct batch *batch)
{
    if (batch->names != NULL)
        free_names(batch->names, batch->count);
    for (size_t i = 0; batch->inputs != NULL && i < batch->count; i++)
        free(batch->inputs[i]);
    for (size_t i = 0; batch->outputs != NULL && i < batch->count; i++)
        free(batch->outputs[i]);
    free(batch->inputs);
    free(batch->outputs);
    free(batch->done);
    free(batch->status);
    free(batch->results);
    free(batch->errors);
}

static int open_batch(const struct options *options, struct batch *batch)
{
    char error[IMAGE_ERROR_SIZE];
    *batch = (struct batch){ 0 };
    if (list_folder(options->input_folder, &batch->names, &batch->count, error) != 0) {
        fprintf(stderr, "images: %s: %s\n", options->input_folder, error);
        return -1;
    }
    if (batch->count == 0) {
        fprintf(stderr, "images: %s: no files in this folder\n", options->input_folder);
        return -1;
    }
    if (make_folder(options->output_folder, error) != 0) {
        fprintf(stderr, "images: %s: %s\n", options->output_folder, error);
        return -1;
    }
    size_t n = batch->count;
    batch->inputs = calloc(n, sizeof *batch->inputs);
    batch->outputs = calloc(n, sizeof *batch->outputs);
    batch->done = calloc(n, sizeof *batch->done);
    batch->status = calloc(n, sizeof *batch->status);
    batch->results = calloc(n, sizeof *batch->results);
    batch->errors = calloc(n, sizeof *batch->errors);
    if (batch->inputs == NULL || batch->outputs == NULL || batch->done == NULL ||
        batch->status == NULL || batch->results == NULL || batch->errors == NULL) {
        fprintf(stderr, "images: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        batch->inputs[i] = path_in(options->input_folder, batch->names[i], NULL);
        batch->outputs[i] = path_in(options->output_folder, batch->names[i],
                                    options->png ? ".png" : ".pgm");
        if (batch->inputs[i] == NULL || batch->outputs[i] == NULL) {
            fprintf(stderr, "images: out of memory\n");
            return -1;
        }
    }
    return 0;
}

/* ---- Measuring ------------------------------------------------------------------------------ */

/* One row of the table: the median time of `repeat` runs, and whether every run was right. */
struct row {
    double seconds;
    long failed;
    const char *wrong;   /* NULL if every run checked out */
    bool not_done;       /* run_batch is still exercise 4's stub (it said ENOSYS) */
};

static struct row measure_sequential(const struct options *options, struct batch *batch)
{
    double seconds[MAX_REPEAT];
    struct row row = { 0 };
    for (long run = 0; run < options->repeat; run++) {
        start_run(batch);
        double start = now_seconds();
        row.failed = run_sequential(batch->count, shrink_job, batch);
        seconds[run] = now_seconds() - start;
    }
    row.seconds = median(seconds, (size_t)options->repeat);
    return row;
}

static struct row measure_batch(const struct options *options, struct batch *batch,
                                unsigned threads, enum schedule schedule, const int *status,
                                const struct shrunk *expected, char *why, size_t size)
{
    double seconds[MAX_REPEAT];
    struct row row = { 0 };
    for (long run = 0; run < options->repeat && row.wrong == NULL; run++) {
        start_run(batch);
        double start = now_seconds();
        row.failed = run_batch(batch->count, threads, schedule, shrink_job, batch);
        seconds[run] = now_seconds() - start;
        if (row.failed < 0) {
            row.not_done = errno == ENOSYS;
            row.wrong = row.not_done ? "exercise 4 is not done yet" : "run_batch failed";
            return row;
        }
        row.wrong = check_run(batch, status, expected, why, size);
    }
    row.seconds = median(seconds, (size_t)options->repeat);
    return row;
}

/* Times pillow_batch.py on `processes` processes; returns its median seconds, or -1. */
static double measure_pillow(const struct options *options, long processes)
{
    char command[4096];
    snprintf(command, sizeof command, "%s '%s' --processes %ld --repeat %ld '%s' '%s/pillow'",
             PYTHON, options->pillow_script, processes, options->repeat,
             options->input_folder, options->output_folder);
    FILE *output = popen(command, "r");
    if (output == NULL) {
        perror("images: popen");
        return -1;
    }
    double seconds = -1;
    char line[256];
    while (fgets(line, sizeof line, output) != NULL)
        if (sscanf(line, "median seconds %lf", &seconds) != 1)
            fputs(line, stdout);   /* whatever else it says, e.g. why it cannot run */
    if (pclose(output) != 0)
        return -1;
    return seconds;
}

static void print_row(const char *way, unsigned threads, const char *schedule,
                      const struct row *row, const struct batch *batch, double sequential)
{
    double speedup = sequential / row->seconds;
    printf("%-8s %7u  %-8s %9.4f %9.0f %9.1f %8.2f %9.0f%%", way, threads, schedule,
           row->seconds, (double)batch->count / row->seconds,
           (double)batch->input_pixels / 1e6 / row->seconds, speedup, 100 * speedup / threads);
    if (row->wrong != NULL)
        printf("   WRONG: %s", row->wrong);
    printf("\n");
}

/* ---- The table -------------------------------------------------------------------------------- */

static void say_which_exercises_are_not_done(void)
{
    unsigned char white[3] = { 255, 255, 255 }, luma = 0;
    gray_from_rgb(white, &luma, 1);
    if (luma != 255)
        printf("(exercise 1 is not done yet: white comes out as %u, not 255, so the outputs are "
               "not gray images yet)\n", luma);
    unsigned char box[4] = { 10, 20, 30, 40 }, average = 0;
    halve(box, 2, 2, &average);
    if (average != 25)
        printf("(exercise 2 is not done yet: the box 10 20 30 40 halves to %u, not 25, so the "
               "outputs are not the halved images yet)\n", average);
}

/* Does exercise 3 share out anything at all? Its stubs give every worker an empty block and
 * no image to take. */
static bool sharing_is_written(void)
{
    size_t begin = 0, end = 0, index = 1;
    static_block(4, 2, 1, &begin, &end);
    struct shared_index shared;
    shared_index_init(&shared, 4);
    return begin == 2 && end == 4 && take_next(&shared, &index) && index == 0;
}

/* The speedup table for the plot (--data): threads, then the static and the dynamic
 * schedule's speedup. Returns 0, or 1 after saying why it could not be written. */
static int write_speedup_table(const char *path, long max_threads, double speedups[][2])
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    fprintf(out, "# threads\tstatic speedup\tdynamic speedup\n");
    for (long t = 1; t <= max_threads; t++)
        fprintf(out, "%ld\t%.4f\t%.4f\n", t, speedups[t][0], speedups[t][1]);
    if (fclose(out) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

/* No speedup table: the threads did not run, or shared out no image. An old table is removed,
 * so that no plot is drawn from it. An unfinished exercise (`needs` says which) is no error,
 * and returns 0; a failed run_batch (needs NULL) returns 1. Said on stderr, since make
 * diagrams sends the tables on stdout to /dev/null. */
static int no_speedup_table(const char *path, const char *needs)
{
    if (needs != NULL)
        fprintf(stderr, "images: the speedup table needs %s; skipped, so %s is not written\n",
                needs, path);
    else
        fprintf(stderr, "images: no speedup table written to %s: run_batch failed (see above)\n",
                path);
    if (remove(path) != 0 && errno != ENOENT) {
        perror(path);
        return 1;
    }
    return needs != NULL ? 0 : 1;
}

static int measure(const struct options *options, struct batch *batch)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    say_which_exercises_are_not_done();

    /* The sequential loop: the reference for speed and for every output. */
    struct row sequential = measure_sequential(options, batch);
    int *status = malloc(batch->count * sizeof *status);
    struct shrunk *expected = malloc(batch->count * sizeof *expected);
    if (status == NULL || expected == NULL) {
        fprintf(stderr, "images: out of memory\n");
        free(status);
        free(expected);
        return 1;
    }
    memcpy(status, batch->status, batch->count * sizeof *status);
    memcpy(expected, batch->results, batch->count * sizeof *expected);
    for (size_t i = 0; i < batch->count; i++) {
        if (status[i] == 0)
            batch->input_pixels += expected[i].input_pixels;
        else
            printf("skipped %s: %s\n", batch->inputs[i], batch->errors[i]);
    }
    printf("%zu images (%.1f megapixels) from %s, %ld skipped, into %s; median of %ld runs, "
           "%ld cores online\n\n", batch->count, (double)batch->input_pixels / 1e6,
           options->input_folder, sequential.failed, options->output_folder, options->repeat,
           cores);
    printf("%-8s %7s  %-8s %9s %9s %9s %8s %10s\n", "way", "threads", "schedule", "seconds",
           "images/s", "Mpixel/s", "speedup", "efficiency");
    print_row("loop", 1, "-", &sequential, batch, sequential.seconds);

    /* Threads: 1 to max_threads, both schedules side by side. */
    double speedups[BATCH_MAX_WORKERS + 1][2] = { { 0 } };
    double best_at_cores = 0, at_cores_seconds = 0;
    bool threads_work = true, threads_not_done = false;
    char why[IMAGE_ERROR_SIZE + 64];
    for (long t = 1; t <= options->max_threads && threads_work; t++) {
        for (int s = 0; s < 2; s++) {
            enum schedule schedule = s == 0 ? SCHEDULE_STATIC : SCHEDULE_DYNAMIC;
            struct row row = measure_batch(options, batch, (unsigned)t, schedule, status,
                                           expected, why, sizeof why);
            if (row.failed < 0) {
                printf("%-8s %7ld  %-8s   (%s)\n", "threads", t, schedule_name(schedule),
                       row.wrong);
                threads_work = false;
                threads_not_done = row.not_done;
                break;
            }
            print_row("threads", (unsigned)t, schedule_name(schedule), &row, batch,
                      sequential.seconds);
            speedups[t][s] = row.wrong == NULL ? sequential.seconds / row.seconds : 0;
            if (t == cores && speedups[t][s] > best_at_cores) {
                best_at_cores = speedups[t][s];
                at_cores_seconds = row.seconds;
            }
        }
    }
    if (threads_work)
        printf("Every run did every image exactly once, and its outputs are identical to the "
               "sequential loop's,\nunless a row says WRONG.\n");

    /* Pillow, on the same images: one process, then a pool of one process per core. */
    if (options->pillow_script != NULL) {
        double pillow_one = measure_pillow(options, 1);
        double pillow_pool = measure_pillow(options, cores);
        printf("\nPython's Pillow on the same images (%s, open, convert('L'), reduce(2), save):\n",
               options->pillow_script);
        printf("%-28s %9s %9s %9s   %s\n", "way", "seconds", "images/s", "Mpixel/s",
               "C is faster by");
        struct { const char *way; double seconds, c_seconds; } rows[] = {
            { "Pillow, 1 process", pillow_one, sequential.seconds },
            { "Pillow, pool of cores", pillow_pool, at_cores_seconds },
        };
        for (int r = 0; r < 2; r++) {
            if (rows[r].seconds <= 0) {
                printf("%-28s   (could not run: is python3-pil installed? make bench installs it)\n",
                       rows[r].way);
                continue;
            }
            printf("%-28s %9.4f %9.0f %9.1f   ", rows[r].way, rows[r].seconds,
                   (double)batch->count / rows[r].seconds,
                   (double)batch->input_pixels / 1e6 / rows[r].seconds);
            if (rows[r].c_seconds > 0)
                printf("%.2fx (C %s: %.4f s)\n", rows[r].seconds / rows[r].c_seconds,
                       r == 0 ? "loop, 1 thread" : "threads, one per core", rows[r].c_seconds);
            else
                printf("(no C run on %ld threads to compare)\n", cores);
        }
    }
    if (best_at_cores > 0)
        printf("\nParallel efficiency on %ld threads, one per core: %.0f%% (speedup %.2f)\n",
               cores, 100 * best_at_cores / (double)cores, best_at_cores);

    int result = 0;
    if (options->data_path != NULL) {
        if (threads_not_done)
            result = no_speedup_table(options->data_path,
                                      "exercise 4 (lessons/07-images/batch.c)");
        else if (!threads_work)
            result = no_speedup_table(options->data_path, NULL);
        else if (!sharing_is_written())
            result = no_speedup_table(options->data_path,
                                      "exercise 3 (lessons/07-images/share.c)");
        else
            result = write_speedup_table(options->data_path, options->max_threads, speedups);
    }
    free(status);
    free(expected);
    return result;
}

/* ---- Command line ------------------------------------------------------------------------- */

static struct options parse_options(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long max_threads = 2 * (cores > 0 ? cores : 1);
    struct options options = {
        .max_threads = max_threads < BATCH_MAX_WORKERS ? max_threads : BATCH_MAX_WORKERS,
        .repeat = 3, .schedule = SCHEDULE_DYNAMIC,
    };
    static const struct option long_options[] = {
        { "threads", required_argument, NULL, 't' },
        { "repeat", required_argument, NULL, 'r' },
        { "schedule", required_argument, NULL, 's' },
        { "png", no_argument, NULL, 'p' },
        { "pillow", required_argument, NULL, 'P' },
        { "data", required_argument, NULL, 'd' },
        { "trace", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 't':
            options.max_threads = number_argument("images", usage_text, "--threads", optarg, 1,
                                                  BATCH_MAX_WORKERS);
            break;
        case 'r':
            options.repeat = number_argument("images", usage_text, "--repeat", optarg, 1,
                                             MAX_REPEAT);
            break;
        case 's':
            if (strcmp(optarg, "static") == 0)
                options.schedule = SCHEDULE_STATIC;
            else if (strcmp(optarg, "dynamic") == 0)
                options.schedule = SCHEDULE_DYNAMIC;
            else
                usage_error("images", usage_text, "--schedule must be static or dynamic");
            break;
        case 'p': options.png = true; break;
        case 'P': options.pillow_script = optarg; break;
        case 'd': options.data_path = optarg; break;
        case 'T': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: images %s\n", usage_text);
            exit(0);
        default:
            usage_error("images", usage_text, NULL);
        }
    }
    if (argc - optind != 2)
        usage_error("images", usage_text, "it needs an input folder and an output folder");
    options.input_folder = argv[optind];
    options.output_folder = argv[optind + 1];
    return options;
}

/* A small traced run for the diagrams: one lane per worker, one bar per image. Unfinished
 * exercises are no error here: the run is skipped, and the diagrams are drawn from a run that
 * only says why. */
static int traced_run(const struct options *options, struct batch *batch)
{
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    trace_name_thread("main");
    trace_note("%zu images, %ld threads, %s schedule", batch->count, options->max_threads,
               schedule_name(options->schedule));
    long failed = run_batch(batch->count, (unsigned)options->max_threads, options->schedule,
                            shrink_job, batch);
    int batch_error = errno;   /* what run_batch said, before trace_close changes errno */
    if (trace_close() != 0)
        return 1;
    int unfinished = 0;          /* the exercise the run needs and is not done yet, if any */
    const char *file = NULL;     /* and its file */
    if (failed < 0 && batch_error == ENOSYS) {
        unfinished = 4;
        file = "batch.c";
    } else if (failed >= 0 && !sharing_is_written()) {
        unfinished = 3;   /* the threads ran, but were given no image */
        file = "share.c";
    }
    if (unfinished != 0) {
        const char *schedule = schedule_name(options->schedule);
        printf("the %s batch on threads needs exercise %d (lessons/07-images/%s); skipped, "
               "and the diagrams say so\n", schedule, unfinished, file);
        return trace_skipped(options->trace_prefix, "skipped: the %s batch needs exercise %d "
                             "(%s)", schedule, unfinished, file) == 0 ? 0 : 1;
    }
    if (failed < 0) {
        fprintf(stderr, "images: run_batch failed: %s\n", strerror(batch_error));
        return 1;
    }
    printf("traced run (%zu images, %ld threads, %s schedule, %ld skipped) written to %s-hb.dot, "
           "%s-timeline.dot and %s.json\n", batch->count, options->max_threads,
           schedule_name(options->schedule), failed, options->trace_prefix,
           options->trace_prefix, options->trace_prefix);
    return 0;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    struct batch batch;
    int status = 1;
    if (open_batch(&options, &batch) == 0)
        status = options.trace_prefix != NULL ? traced_run(&options, &batch)
                                              : measure(&options, &batch);
    free_batch(&batch);
    return status;
}
