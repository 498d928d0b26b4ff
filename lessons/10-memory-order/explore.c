/* explore.c - lesson 10's explorer: the same small programs on two memories.
 *
 *   explore --list                        the models, with their steps
 *   explore MODEL                         every outcome on sequentially consistent memory
 *                                         (SC) and on x86's (TSO), and those only TSO allows
 *   explore MODEL --memory sc|tso         only one of the two
 *   explore MODEL --dot FILE              also draw an execution: under TSO (the default) the
 *                                         first outcome SC forbids, if there is one, else the
 *                                         first; under --memory sc, the first schedule
 *   explore --lock                        your Peterson lock (peterson.c, exercise 1) on a
 *                                         simulated x86, under every schedule
 *
 * The engine is lesson 02's (common/explorer.c), which this lesson taught store buffers.
 * Predict the outcomes before you run a model.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "explorer.h"
#include "litmus_models.h"
#include "peterson_tso.h"

static const char usage_text[] =
    "--list | --lock | MODEL [--memory sc|tso] [--dot FILE]";

static void list_models(void)
{
    for (int i = 0; litmus_model_names[i] != NULL; i++) {
        struct program program;
        build_litmus_model(litmus_model_names[i], &program);
        print_program(stdout, &program);
        printf("\n");
    }
}

/* The first outcome of `tso` that `sc` does not have, or NULL. */
static const struct outcome *first_not_sc(const struct program *program,
                                          const struct exploration *sc,
                                          const struct exploration *tso)
{
    for (int i = 0; i < tso->outcome_count; i++)
        if (find_same_outcome(program, sc, &tso->outcomes[i], false) == NULL)
            return &tso->outcomes[i];
    return NULL;
}

static int draw(const char *path, const struct program *program, enum memory_model memory,
                const struct outcome *outcome, const char *note)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    struct schedule shown = outcome->first;
    if (memory == MEMORY_TSO && find_tso_execution(program, outcome, &shown) != 0)
        shown = outcome->first;
    int status = memory == MEMORY_TSO ? write_tso_execution_dot(out, program, &shown, note)
                                      : write_schedule_dot(out, program, &shown);
    if (fclose(out) != 0 || status != 0) {
        fprintf(stderr, "explore: could not write %s\n", path);
        return 1;
    }
    printf("\nwrote %s: the execution ", path);
    print_schedule(stdout, program, &shown);
    printf(", which ends with ");
    print_outcome(stdout, program, outcome);
    printf("\n");
    return 0;
}

static int run_model(const char *name, const char *memory_name, const char *dot_path)
{
    struct program program;
    if (!build_litmus_model(name, &program)) {
        char problem[128];
        snprintf(problem, sizeof problem, "no model named '%s' (explore --list shows them)",
                 name);
        usage_error("explore", usage_text, problem);
    }
    bool want_sc = memory_name == NULL || strcmp(memory_name, "sc") == 0;
    bool want_tso = memory_name == NULL || strcmp(memory_name, "tso") == 0;
    print_program(stdout, &program);
    struct exploration sc, tso;
    /* SC is always explored: the TSO report says which of its outcomes SC forbids. */
    if (explore_memory(&program, MEMORY_SC, &sc) != 0)
        return 1;
    if (want_sc) {
        printf("\nsequentially consistent (SC): ");
        print_exploration(stdout, &program, &sc);
    }
    const struct outcome *not_sc = NULL;
    if (want_tso) {
        if (explore_memory(&program, MEMORY_TSO, &tso) != 0)
            return 1;
        printf("\nx86 (TSO, a store buffer per thread): ");
        print_exploration(stdout, &program, &tso);
        not_sc = first_not_sc(&program, &sc, &tso);
        int count = 0;
        for (int i = 0; i < tso.outcome_count; i++)
            if (find_same_outcome(&program, &sc, &tso.outcomes[i], false) == NULL) {
                printf("%s", count++ ? "\n  " : "\nonly TSO allows:\n  ");
                print_outcome(stdout, &program, &tso.outcomes[i]);
            }
        printf(count ? "\n" : "\nTSO allows nothing that SC does not.\n");
    }
    if (dot_path == NULL)
        return 0;
    if (want_tso) {
        const struct outcome *shown = not_sc != NULL ? not_sc : &tso.outcomes[0];
        return draw(dot_path, &program, MEMORY_TSO, shown,
                    not_sc != NULL ? "an outcome that sequential consistency forbids"
                                   : "an outcome that sequential consistency allows too");
    }
    return draw(dot_path, &program, MEMORY_SC, &sc.outcomes[0], NULL);
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        { "list", no_argument, NULL, 'l' },
        { "lock", no_argument, NULL, 'k' },
        { "memory", required_argument, NULL, 'm' },
        { "dot", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dot_path = NULL, *memory_name = NULL;
    bool list = false, lock = false;
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'l': list = true; break;
        case 'k': lock = true; break;
        case 'd': dot_path = optarg; break;
        case 'm':
            if (strcmp(optarg, "sc") != 0 && strcmp(optarg, "tso") != 0)
                usage_error("explore", usage_text, "--memory is sc or tso");
            memory_name = optarg;
            break;
        case 'h':
            printf("usage: explore %s\n", usage_text);
            return 0;
        default:
            usage_error("explore", usage_text, NULL);
        }
    }
    if (list || lock) {
        if (optind != argc || dot_path != NULL || memory_name != NULL || (list && lock))
            usage_error("explore", usage_text, "--list and --lock take nothing else");
        if (list) {
            list_models();
            return 0;
        }
        return print_peterson_on_tso(stdout) == 0 ? 0 : 1;
    }
    if (optind != argc - 1)
        usage_error("explore", usage_text, "name one model (explore --list shows them)");
    return run_model(argv[optind], memory_name, dot_path);
}
