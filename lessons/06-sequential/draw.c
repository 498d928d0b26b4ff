/* draw.c - the dependency chain and the scan's structure, as Graphviz files (draw.h). */
#include "draw.h"

#include <inttypes.h>
#include <stdbool.h>

/* Values per row of the chain, so that 21 of them fit on a slide. */
#define CHAIN_ROW 7

int draw_chain(FILE *file, const uint64_t *values, long steps, uint64_t m)
{
    fprintf(file,
            "digraph chain {\n"
            "  label=\"x(k+1) = x(k)*x(k) - x(k) + 1 modulo %" PRIu64 ": every value needs "
            "the one before it, so the steps form one chain\\nand no two of them can run at "
            "the same time. A thread per step only adds hand-offs.\";\n"
            "  labelloc=t; fontname=Helvetica; nodesep=0.35; ranksep=0.5;\n"
            "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#dbe8fb\", "
            "fontname=Helvetica];\n"
            "  edge [fontname=Helvetica, fontsize=10, color=\"#33518a\"];\n", m);
    for (long k = 0; k <= steps; k++)
        fprintf(file, "  x%ld [label=\"x%ld\\n%" PRIu64 "\"];\n", k, k, values[k]);
    /* A row of CHAIN_ROW values side by side, the next row below: a snake that reads left to
     * right, row after row. */
    for (long row = 0; row * CHAIN_ROW <= steps; row++) {
        fprintf(file, "  { rank=same;");
        for (long k = row * CHAIN_ROW; k <= steps && k < (row + 1) * CHAIN_ROW; k++)
            fprintf(file, " x%ld;", k);
        fprintf(file, " }\n");
    }
    for (long k = 0; k < steps; k++) {
        bool row_ends = (k + 1) % CHAIN_ROW == 0;
        fprintf(file, "  x%ld -> x%ld [label=\"step %ld\"%s];\n", k, k + 1, k,
                row_ends ? ", constraint=true, style=dashed" : "");
    }
    /* Rows one under another: an invisible edge from each row's first node to the next's. */
    for (long k = CHAIN_ROW; k <= steps; k += CHAIN_ROW)
        fprintf(file, "  x%ld -> x%ld [style=invis];\n", k - CHAIN_ROW, k);
    fprintf(file, "}\n");
    return ferror(file) ? -1 : 0;
}

/* A colour per thread, the same in both parallel phases. */
static const char *const thread_colours[] = {
    "#cfe3f7", "#d5efd0", "#fde2c4", "#ead7f2", "#f7d4d4", "#d2efee", "#f3efc4", "#e0e0e0",
};

int draw_scan(FILE *file, long n, int threads)
{
    int colours = (int)(sizeof thread_colours / sizeof thread_colours[0]);
    fprintf(file,
            "digraph scan {\n"
            "  label=\"A blocked parallel scan: %ld steps on %d threads. Composing affine maps "
            "is associative, so each chunk of steps has a two-number summary.\\n"
            "Phase 1 and phase 3 run on every thread at once; phase 2 is %d short steps on one "
            "thread. Every step is composed once and applied once: twice the plain loop's "
            "work.\";\n"
            "  labelloc=t; fontname=Helvetica; newrank=true; ranksep=0.45; nodesep=0.12;\n"
            "  node [shape=box, style=\"rounded,filled\", fontname=Helvetica, fontsize=11, "
            "height=0.3, margin=\"0.06,0.03\"];\n"
            "  edge [fontname=Helvetica, fontsize=9, arrowsize=0.6];\n",
            n, threads, threads);

    /* Phase 1: each chunk's maps, composed into its summary. */
    fprintf(file, "  subgraph cluster_compose {\n"
                  "    label=\"phase 1, all threads at once: compose each chunk's maps\"; "
                  "style=rounded; color=gray50;\n");
    for (int t = 0; t < threads; t++) {
        long begin = n * t / threads, end = n * (t + 1) / threads;
        const char *colour = thread_colours[t % colours];
        fprintf(file, "    subgraph cluster_chunk%d {\n"
                      "      label=\"thread %d: steps %ld..%ld\"; style=\"rounded,filled\"; "
                      "fillcolor=\"%s40\"; color=gray70;\n", t, t, begin, end - 1, colour);
        for (long k = begin; k < end; k++)
            fprintf(file, "      m%ld [label=\"map %ld\", fillcolor=\"%s\"];\n", k, k,
                    colour);
        fprintf(file, "      S%d [label=\"S%d = map %ld..%ld composed\", shape=box, "
                      "fillcolor=\"%s\", penwidth=1.5];\n", t, t, begin, end - 1, colour);
        for (long k = begin; k < end; k++)
            fprintf(file, "      m%ld -> S%d [color=gray40];\n", k, t);
        /* The maps left to right in step order. */
        for (long k = begin; k + 1 < end; k++)
            fprintf(file, "      m%ld -> m%ld [style=invis];\n", k, k + 1);
        if (end - begin > 1) {
            fprintf(file, "      { rank=same;");
            for (long k = begin; k < end; k++)
                fprintf(file, " m%ld;", k);
            fprintf(file, " }\n");
        }
        fprintf(file, "    }\n");
    }
    fprintf(file, "  }\n");

    /* Phase 2: the walk over the summaries: the start value of every chunk. */
    fprintf(file, "  subgraph cluster_walk {\n"
                  "    label=\"phase 2, one thread: each chunk starts where the summary of the "
                  "one before takes its start\"; style=rounded; color=gray50;\n");
    for (int t = 0; t <= threads; t++) {
        long at = n * t / threads;
        fprintf(file, "    start%d [label=\"x%ld%s\", fillcolor=white, penwidth=1.5];\n", t,
                at, t == 0 ? " (given)" : t == threads ? " (the end)" : "");
    }
    for (int t = 0; t < threads; t++)
        fprintf(file, "    start%d -> start%d [label=\" S%d \", penwidth=1.5];\n", t,
                t + 1, t);
    fprintf(file, "    { rank=same;");
    for (int t = 0; t <= threads; t++)
        fprintf(file, " start%d;", t);
    fprintf(file, " }\n  }\n");
    for (int t = 0; t < threads; t++)
        fprintf(file, "  S%d -> start%d [style=dashed, color=gray40];\n", t, t + 1);

    /* Phase 3: each chunk's steps from its start, every value written out. */
    fprintf(file, "  subgraph cluster_apply {\n"
                  "    label=\"phase 3, all threads at once: run each chunk's steps from its "
                  "start, writing every x(k)\"; style=rounded; color=gray50;\n");
    for (int t = 0; t < threads; t++) {
        long begin = n * t / threads, end = n * (t + 1) / threads;
        const char *colour = thread_colours[t % colours];
        fprintf(file, "    subgraph cluster_apply%d {\n"
                      "      label=\"thread %d\"; style=\"rounded,filled\"; "
                      "fillcolor=\"%s40\"; color=gray70;\n", t, t, colour);
        for (long k = begin + 1; k <= end; k++)
            fprintf(file, "      x%ld [label=\"x%ld\", fillcolor=\"%s\"];\n", k, k, colour);
        fprintf(file, "    }\n");
    }
    fprintf(file, "  }\n");
    for (int t = 0; t < threads; t++) {
        long begin = n * t / threads, end = n * (t + 1) / threads;
        for (long k = begin; k < end; k++) {
            if (k == begin)
                fprintf(file, "  start%d -> x%ld [color=gray40];\n", t, k + 1);
            else
                fprintf(file, "  x%ld -> x%ld [color=gray40];\n", k, k + 1);
        }
    }
    fprintf(file, "}\n");
    return ferror(file) ? -1 : 0;
}
