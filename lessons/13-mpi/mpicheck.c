/* mpicheck.c - runs the exercises under mpirun for their tests (tests/13-mpi), and prints one
 * line per rank of what each returned, from rank 0, in rank order.
 *
 *   mpirun -np 3 mpicheck [--stall-seconds S] ring START...
 *   mpirun -np 3 mpicheck [--stall-seconds S] sum COUNT...
 *   mpirun -np 2 mpicheck [--stall-seconds S] exchange COUNT...
 *
 * A Check test cannot call MPI itself (each test is a forked process, not a rank that mpirun
 * started), so it starts this program with mpirun and reads what it prints. An exercise that
 * deadlocks must not hang the test: each rank sets an alarm for S seconds (default 4) before
 * calling the exercise, and if the alarm goes off the rank prints where it was stuck
 * ("stalled: rank 1 inside exchange() with 131072 doubles for 4 s") and ends with status 70;
 * mpirun then ends the other ranks and itself. The test turns that line into its reason.
 */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "exchange.h"
#include "ring.h"
#include "sum.h"

#define STALLED_STATUS 70

static const char usage[] = "[--stall-seconds S] ring START... | sum COUNT... | exchange COUNT...";

/* ---- The watchdog: an alarm that ends a rank stuck for too long ---------------------------- */

static char stall_message[160];         /* what the alarm prints, written before it is set */
static volatile size_t stall_length;

static void stalled(int signal_number)
{
    (void)signal_number;
    /* Only async-signal-safe calls here: write and _exit. */
    ssize_t written = write(STDOUT_FILENO, stall_message, stall_length);
    (void)written;
    _exit(STALLED_STATUS);
}

static void watch(int rank, unsigned seconds, const char *where)
{
    alarm(0);
    int length = snprintf(stall_message, sizeof stall_message,
                          "stalled: rank %d %s for %u s\n", rank, where, seconds);
    stall_length = length < 0 ? 0 : (size_t)length < sizeof stall_message ? (size_t)length :
                   sizeof stall_message - 1;
    alarm(seconds);
}

/* ---- What each rank returned, printed by rank 0 ------------------------------------------- */

struct outcome {
    long status;  /* what the exercise returned: 0, or -1 */
    long long value;
    long detail;  /* exchange: the first wrong element, or -1 */
};

/* Gathers every rank's outcome on rank 0, which prints "LABEL: rank R FORMATTED" lines. */
static void report(const char *label, const struct outcome *mine, int rank, int size,
                   const char *what)
{
    struct outcome *all = rank == 0 ? malloc((size_t)size * sizeof *all) : NULL;
    if (rank == 0 && all == NULL) {
        fprintf(stderr, "mpicheck: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Gather(mine, (int)(sizeof *mine), MPI_BYTE, all, (int)(sizeof *mine), MPI_BYTE, 0,
               MPI_COMM_WORLD);
    for (int r = 0; rank == 0 && r < size; r++) {
        if (all[r].status != 0)
            printf("%s: rank %d returned %ld\n", label, r, all[r].status);
        else if (all[r].detail >= 0)
            printf("%s: rank %d wrong at element %ld\n", label, r, all[r].detail);
        else
            printf("%s: rank %d %s %lld\n", label, r, what, all[r].value);
    }
    fflush(stdout);
    free(all);
}

/* ---- The three exercises -------------------------------------------------------------------- */

static void check_ring(long start, int rank, int size, unsigned seconds)
{
    struct outcome mine = { .detail = -1 };
    long result = 0;
    watch(rank, seconds, "inside ring_pass()");
    mine.status = ring_pass(start, MPI_COMM_WORLD, &result);
    mine.value = result;
    watch(rank, seconds, "waiting for the other ranks to return from ring_pass()");
    char label[64];
    snprintf(label, sizeof label, "ring %ld", start);
    report(label, &mine, rank, size, "got");
}

/* The test's values: small negatives, and every third one past 2^32, so that a sum added up
 * in an int, or reduced as MPI_INT, comes out wrong. */
static long sum_value(long i)
{
    return i % 3 == 0 ? (1L << 35) + i : -(i * 7919 % 1000);
}

static void check_sum(long count, int rank, int size, unsigned seconds)
{
    long *values = malloc((size_t)(count > 0 ? count : 1) * sizeof *values);
    if (values == NULL) {
        fprintf(stderr, "mpicheck: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (long i = 0; i < count; i++)
        values[i] = sum_value(i);
    struct outcome mine = { .detail = -1 };
    long long sum = 0;
    watch(rank, seconds, "inside parallel_sum()");
    mine.status = parallel_sum(values, count, MPI_COMM_WORLD, &sum);
    mine.value = sum;
    watch(rank, seconds, "waiting for the other ranks to return from parallel_sum()");
    char label[64];
    snprintf(label, sizeof label, "sum %ld", count);
    report(label, &mine, rank, size, "got");
    free(values);
}

/* Ranks 0 and 1 swap, 2 and 3, ...; a last odd rank out sits this one out. */
static void check_exchange(long count, int rank, int size, unsigned seconds)
{
    double *send = malloc((size_t)(count > 0 ? count : 1) * sizeof *send);
    double *receive = malloc((size_t)(count > 0 ? count : 1) * sizeof *receive);
    if (send == NULL || receive == NULL) {
        fprintf(stderr, "mpicheck: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int partner = rank % 2 == 0 ? rank + 1 : rank - 1;
    for (long i = 0; i < count; i++) {
        send[i] = rank * 1e7 + (double)i;
        receive[i] = -1;
    }
    struct outcome mine = { .detail = -1 };
    if (partner < size) {
        char where[96];
        snprintf(where, sizeof where, "inside exchange() with %ld doubles (%ld bytes)", count,
                 count * (long)sizeof(double));
        watch(rank, seconds, where);
        mine.status = exchange(send, receive, (int)count, partner, MPI_COMM_WORLD);
        for (long i = 0; i < count && mine.status == 0 && mine.detail < 0; i++)
            if (receive[i] != partner * 1e7 + (double)i)
                mine.detail = i;
        mine.value = count;
    }
    watch(rank, seconds, "waiting for the other ranks to return from exchange()");
    char label[64];
    snprintf(label, sizeof label, "exchange %ld", count);
    report(label, &mine, rank, size, "received all of");
    free(send);
    free(receive);
}

int main(int argc, char **argv)
{
    /* The arguments are checked before MPI starts, so a bad one costs no mpirun. */
    long seconds = 4;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--stall-seconds") == 0) {
        seconds = number_argument(argv[0], usage, "--stall-seconds", argv[2], 1, 600);
        first = 3;
    }
    if (argc - first < 2)
        usage_error(argv[0], usage, "which exercise, and at least one case");
    const char *exercise = argv[first];
    long limit = strcmp(exercise, "ring") == 0 ? 1000000000L : 10000000L;
    long min = strcmp(exercise, "ring") == 0 ? -1000000000L : 0;
    if (strcmp(exercise, "ring") != 0 && strcmp(exercise, "sum") != 0 &&
        strcmp(exercise, "exchange") != 0)
        usage_error(argv[0], usage, "the exercise is ring, sum or exchange");
    long cases[16];
    int case_count = argc - first - 1;
    if (case_count > 16)
        usage_error(argv[0], usage, "at most 16 cases");
    for (int i = 0; i < case_count; i++)
        cases[i] = number_argument(argv[0], usage, exercise, argv[first + 1 + i], min, limit);

    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    signal(SIGALRM, stalled);
    for (int i = 0; i < case_count; i++) {
        if (exercise[0] == 'r')
            check_ring(cases[i], rank, size, (unsigned)seconds);
        else if (exercise[0] == 's')
            check_sum(cases[i], rank, size, (unsigned)seconds);
        else
            check_exchange(cases[i], rank, size, (unsigned)seconds);
    }
    alarm(0);
    MPI_Finalize();
    return 0;
}
