/* messages.c - lesson 13's demo: processes that share nothing, and the messages between them.
 *
 *   mpirun -np 2 messages [--repeat N] [--count N] [--steps N] [--trace PREFIX]
 *
 * Every rank runs this same program (SPMD: single program, multiple data); MPI_Comm_rank tells
 * each which one it is. In order: point-to-point messages and the ring (exercise 1); the
 * eager limit, the send-send deadlock found by size, and its cures (exercise 3); the
 * collectives (exercise 2); a ping-pong fitted to the alpha-beta model; lesson 09's primes
 * across the ranks, strong and weak scaling, and Amdahl's law with the messages' cost added;
 * lesson 06's recurrence as a scan across the ranks, with MPI_Exscan.
 * With --trace, each rank records its own events and rank 0 draws them all (trace.h).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "parts.h"
#include "trace.h"

static const char usage[] = "[--repeat N] [--count N] [--steps N] [--trace PREFIX]";

int main(int argc, char **argv)
{
    /* The arguments are checked before MPI starts, on every rank alike. */
    struct options options = { .repeat = 5, .count = 1000, .steps = 10000000 };
    const char *trace_prefix = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            options.repeat = number_argument(argv[0], usage, "--repeat", argv[++i], 1, 1000);
        else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
            options.count = number_argument(argv[0], usage, "--count", argv[++i], 1, 100000);
        else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
            options.steps = number_argument(argv[0], usage, "--steps", argv[++i], 1, 1000000000);
        else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc)
            trace_prefix = argv[++i];
        else
            usage_error(argv[0], usage, NULL);
    }
    options.traced = trace_prefix != NULL;

    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (trace_prefix != NULL && trace_open_process(trace_prefix, rank) != 0)
        MPI_Abort(MPI_COMM_WORLD, 1);
    if (rank == 0) {
        char library[MPI_MAX_LIBRARY_VERSION_STRING];
        int length;
        MPI_Get_library_version(library, &length);
        printf("%d ranks (processes), started by mpirun; %.*s\n", size,
               (int)strcspn(library, ",\n"), library);
    }

    point_to_point(&options, rank, size);
    eager_limit(&options, rank, size);
    collectives(&options, rank, size);
    struct alpha_beta model = ping_pong(&options, rank, size);
    scaling(&options, &model, rank, size);
    scan_across(&options, rank, size);

    if (trace_prefix != NULL) {
        /* Each rank writes its events; once all have (the barrier), rank 0 draws them. */
        int written = trace_close() == 0, all_written = 0;
        MPI_Allreduce(&written, &all_written, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
        if (rank == 0 && (!all_written || trace_merge_processes(trace_prefix, size) != 0)) {
            fprintf(stderr, "messages: the traced run's diagrams could not be written\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Finalize();
    return 0;
}
