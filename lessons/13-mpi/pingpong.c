/* pingpong.c - latency and bandwidth between two ranks, and the alpha-beta model (parts.h).
 *
 * Rank 0 sends a message of m bytes to rank 1, which sends it straight back; half the round
 * trip is the time of one message. The simplest model of that time is a line:
 *
 *     T(m) = alpha + beta * m
 *
 * alpha, the latency, is what any message costs (the software on both sides, the handshake);
 * 1 / beta is the bandwidth. A fit by least squares over the sizes measured gives both.
 */
#include "parts.h"

#include <stdio.h>
#include <stdlib.h>

#include "timing.h"
#include "trace.h"
#include "traced.h"

#define PING_TAG 21
#define SIZES 12 /* 1 B, 4 B, 16 B, ..., 4 MiB */

bool fit_alpha_beta(const double bytes[], const double seconds[], int count,
                    struct alpha_beta *model)
{
    /* Weighted least squares: minimise sum w_i (alpha + beta m_i - T_i)^2 with
     * w_i = 1 / T_i^2; the normal equations for the two unknowns, solved by Cramer's rule. */
    double w = 0, wm = 0, wmm = 0, wt = 0, wmt = 0;
    for (int i = 0; i < count; i++) {
        if (!(seconds[i] > 0))
            return false;
        double weight = 1 / (seconds[i] * seconds[i]);
        w += weight;
        wm += weight * bytes[i];
        wmm += weight * bytes[i] * bytes[i];
        wt += weight * seconds[i];
        wmt += weight * bytes[i] * seconds[i];
    }
    double determinant = w * wmm - wm * wm;
    if (count < 2 || !(determinant > 1e-12 * w * wmm))
        return false;
    model->alpha = (wt * wmm - wm * wmt) / determinant;
    model->beta = (w * wmt - wm * wt) / determinant;
    model->fitted = true;
    return true;
}

/* Median one-way time of a message of `bytes` between ranks 0 and 1. */
static double one_way_seconds(char *buffer, int bytes, long repeat, int rank, bool traced)
{
    /* Many round trips per sample for small messages, where one is far below the clock's
     * resolution; fewer for large ones. */
    int trips = bytes <= 4096 ? 200 : bytes <= (1 << 18) ? 20 : 4;
    if (traced)
        trips = 2;
    double *samples = malloc((size_t)repeat * sizeof *samples);
    if (samples == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (long r = 0; r < repeat; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double started = now_seconds();
        for (int t = 0; t < trips; t++) {
            if (rank == 0) {
                traced_send(buffer, bytes, MPI_BYTE, 1, PING_TAG, MPI_COMM_WORLD, "ping");
                traced_recv(buffer, bytes, MPI_BYTE, 1, PING_TAG, MPI_COMM_WORLD, "pong");
            } else if (rank == 1) {
                traced_recv(buffer, bytes, MPI_BYTE, 0, PING_TAG, MPI_COMM_WORLD, "ping");
                traced_send(buffer, bytes, MPI_BYTE, 0, PING_TAG, MPI_COMM_WORLD, "pong");
            }
        }
        samples[r] = (now_seconds() - started) / (2.0 * trips);
    }
    double result = median(samples, (size_t)repeat);
    free(samples);
    return result;
}

struct alpha_beta ping_pong(const struct options *options, int rank, int size)
{
    struct alpha_beta model = { 0 };
    if (size < 2)
        return model;
    int sizes = options->traced ? 1 : SIZES; /* traced: two round trips of 1 byte */
    char *buffer = calloc((size_t)1 << (2 * (sizes - 1)), 1);
    if (buffer == NULL) {
        fprintf(stderr, "messages: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    double bytes[SIZES], seconds[SIZES];
    for (int s = 0; s < sizes; s++) {
        bytes[s] = (double)(1L << (2 * s));
        seconds[s] = one_way_seconds(buffer, (int)bytes[s], options->traced ? 1 : options->repeat,
                                     rank, options->traced);
    }
    free(buffer);
    if (rank == 0) {
        fit_alpha_beta(bytes, seconds, sizes, &model);
        printf("\nPing-pong between ranks 0 and 1: one message's time (half a round trip, "
               "median of %ld)\n  %10s %12s %12s %14s\n", options->repeat, "bytes", "measured",
               "model", "bandwidth");
        for (int s = 0; s < sizes; s++)
            printf("  %10.0f %9.2f us %9.2f us %9.0f MB/s\n", bytes[s], seconds[s] * 1e6,
                   (model.alpha + model.beta * bytes[s]) * 1e6, bytes[s] / seconds[s] / 1e6);
        if (model.fitted)
            printf("The alpha-beta model, fitted (least squares on relative error): alpha = "
                   "%.2f us per message, beta = %.3f ns per byte (%.0f MB/s)\n", model.alpha * 1e6,
                   model.beta * 1e9, 1 / model.beta / 1e6);
    }
    /* Every rank gets the model: the scaling part predicts with it. */
    MPI_Bcast(&model, (int)sizeof model, MPI_BYTE, 0, MPI_COMM_WORLD);
    return model;
}
