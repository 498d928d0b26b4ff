/* explore.c - the interleaving explorer's command line.
 *
 *   explore --list                    the models, with their steps
 *   explore MODEL                     every schedule of MODEL, grouped by outcome
 *   explore MODEL --dot FILE [--outcome N]
 *                                     also draw the first schedule of the N-th outcome
 *                                     listed (default 1, the most frequent) into FILE
 *
 * Try to predict the outcomes of a model before you run it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "explorer.h"
#include "models.h"

static const char usage_text[] = "--list | MODEL [--dot FILE [--outcome N]]";

static void list_models(void)
{
    for (int i = 0; model_names[i] != NULL; i++) {
        struct program program;
        build_model(model_names[i], &program);
        print_program(stdout, &program);
        printf("\n");
    }
}

/* The outcome printed N-th (from 1) by print_exploration, which lists the most frequent
 * first. */
static const struct outcome *outcome_by_rank(const struct exploration *result, long rank)
{
    bool taken[MAX_OUTCOMES] = { false };
    int best = -1;
    for (long round = 0; round < rank; round++) {
        best = -1;
        for (int i = 0; i < result->outcome_count; i++)
            if (!taken[i] && (best < 0 ||
                              result->outcomes[i].schedules > result->outcomes[best].schedules))
                best = i;
        if (best < 0)
            return NULL;
        taken[best] = true;
    }
    return &result->outcomes[best];
}

static int draw(const struct program *program, const struct exploration *result, long rank,
                const char *path)
{
    const struct outcome *outcome = outcome_by_rank(result, rank);
    if (outcome == NULL) {
        fprintf(stderr, "explore: %s has only %d outcomes, not %ld\n", program->name,
                result->outcome_count, rank);
        return 2;
    }
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    int status = write_schedule_dot(out, program, &outcome->first);
    if (fclose(out) != 0 || status != 0) {
        fprintf(stderr, "explore: could not write %s\n", path);
        return 1;
    }
    printf("\nwrote %s: the schedule ", path);
    print_schedule(stdout, program, &outcome->first);
    printf(", which ends with ");
    print_outcome(stdout, program, outcome);
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        { "list", no_argument, NULL, 'l' },
        { "dot", required_argument, NULL, 'd' },
        { "outcome", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dot_path = NULL;
    long rank = 1;
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'l':
            list_models();
            return 0;
        case 'd':
            dot_path = optarg;
            break;
        case 'o':
            if (!parse_long(optarg, 1, MAX_OUTCOMES, &rank))
                usage_error("explore", usage_text, "--outcome needs a number from 1 to 16");
            break;
        case 'h':
            printf("usage: explore %s\n", usage_text);
            return 0;
        default:
            usage_error("explore", usage_text, NULL);
        }
    }
    if (optind != argc - 1)
        usage_error("explore", usage_text, "name one model (explore --list shows them)");

    struct program program;
    if (!build_model(argv[optind], &program)) {
        char problem[128];
        snprintf(problem, sizeof problem, "no model named '%s' (explore --list shows them)",
                 argv[optind]);
        usage_error("explore", usage_text, problem);
    }
    /* Only a model still to be written has no threads: exercise 3's, in models.c. Not an
     * error: there is nothing to explore yet, and no diagram to draw. */
    if (program.thread_count == 0) {
        printf("the %s model needs exercise 3 (lessons/02-races/models.c); skipped", program.name);
        if (dot_path != NULL)
            printf(", so %s is not written", dot_path);
        printf("\n");
        return 0;
    }
    print_program(stdout, &program);
    struct exploration result;
    if (explore(&program, &result) != 0)
        return 1;
    print_exploration(stdout, &program, &result);
    return dot_path != NULL ? draw(&program, &result, rank, dot_path) : 0;
}
