/* test_trace.c - tests of the tracer (common/trace.c) and of the traced wrappers (common/sync.c).
 *
 * Each test traces a small run into a fresh temporary folder and reads back the files that
 * trace_close() wrote. Nothing here depends on how long anything took: the tests look only at
 * which events, lanes and arrows are there. The kit's test runner provides main(), and
 * suite.c the suite.
 */
#include "kit_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common_tests.h"
#include "sync.h"
#include "trace.h"

/* ---- Helpers ------------------------------------------------------------------------------ */

/* A temporary folder and the trace prefix inside it, e.g. /tmp/trace-test-Ab12Cd/run. */
struct scratch {
    char folder[64];
    char prefix[96];
};

static void make_scratch(struct scratch *s)
{
    snprintf(s->folder, sizeof s->folder, "/tmp/trace-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(s->folder));
    snprintf(s->prefix, sizeof s->prefix, "%s/run", s->folder);
}

static void remove_scratch(const struct scratch *s)
{
    const char *suffixes[] = { "-hb.dot", "-timeline.dot", ".json" };
    char path[128];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", s->prefix, suffixes[i]);
        unlink(path); /* may not exist: nothing to check */
    }
    ck_assert_int_eq(rmdir(s->folder), 0);
}

/* The whole of PREFIX + suffix as a string (free it), or NULL if it cannot be read. */
static char *read_output(const struct scratch *s, const char *suffix)
{
    char path[128];
    snprintf(path, sizeof path, "%s%s", s->prefix, suffix);
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return NULL;
    size_t size = 0, capacity = 4096;
    char *text = malloc(capacity);
    ck_assert_ptr_nonnull(text);
    size_t got;
    while ((got = fread(text + size, 1, capacity - size - 1, in)) > 0) {
        size += got;
        if (capacity - size - 1 == 0) {
            capacity *= 2;
            text = realloc(text, capacity);
            ck_assert_ptr_nonnull(text);
        }
    }
    ck_assert_int_eq(ferror(in), 0);
    fclose(in);
    text[size] = '\0';
    return text;
}

/* The happens-before graph as the tests see it: node labels by lane and column (nodes are
 * named n<lane>_<column>), and the cross-thread arrows (the edges with weight=0). */
#define MAX_NODES 512
#define MAX_ARROWS 128
struct hb_graph {
    int node_count, arrow_count;
    struct { int lane, column; char label[64]; } nodes[MAX_NODES];
    struct { int from_lane, from_column, to_lane, to_column; } arrows[MAX_ARROWS];
};

static void parse_hb(const char *text, struct hb_graph *g)
{
    g->node_count = g->arrow_count = 0;
    char line[512];
    for (const char *next = text; *next != '\0';) {
        size_t length = strcspn(next, "\n");
        snprintf(line, sizeof line, "%.*s", (int)length, next);
        next += length + (next[length] == '\n');
        int a, b, c, d, weight;
        char label[64];
        if (sscanf(line, " n%d_%d -> n%d_%d [weight=%d", &a, &b, &c, &d, &weight) == 5 &&
            weight == 0) {
            ck_assert_int_lt(g->arrow_count, MAX_ARROWS);
            g->arrows[g->arrow_count].from_lane = a;
            g->arrows[g->arrow_count].from_column = b;
            g->arrows[g->arrow_count].to_lane = c;
            g->arrows[g->arrow_count].to_column = d;
            g->arrow_count++;
        } else if (sscanf(line, " n%d_%d [label=\"%63[^\"]\"", &a, &b, label) == 3) {
            ck_assert_int_lt(g->node_count, MAX_NODES);
            g->nodes[g->node_count].lane = a;
            g->nodes[g->node_count].column = b;
            snprintf(g->nodes[g->node_count].label, sizeof g->nodes[0].label, "%s", label);
            g->node_count++;
        }
    }
}

static const char *label_of(const struct hb_graph *g, int lane, int column)
{
    for (int i = 0; i < g->node_count; i++)
        if (g->nodes[i].lane == lane && g->nodes[i].column == column)
            return g->nodes[i].label;
    return "";
}

/* Is there an arrow from a node whose label starts with `from` to one on another lane whose
 * label starts with `to`? With from_lane/to_lane >= 0, the lanes must be those. */
static bool has_arrow(const struct hb_graph *g, int from_lane, const char *from, int to_lane,
                      const char *to)
{
    for (int i = 0; i < g->arrow_count; i++) {
        int fl = g->arrows[i].from_lane, tl = g->arrows[i].to_lane;
        if ((from_lane >= 0 && fl != from_lane) || (to_lane >= 0 && tl != to_lane) || fl == tl)
            continue;
        if (strncmp(label_of(g, fl, g->arrows[i].from_column), from, strlen(from)) == 0 &&
            strncmp(label_of(g, tl, g->arrows[i].to_column), to, strlen(to)) == 0)
            return true;
    }
    return false;
}

/* Checks that JSON text is balanced: brackets and braces outside strings match up. */
static void assert_balanced_json(const char *json)
{
    long braces = 0, brackets = 0;
    bool in_string = false;
    for (const char *c = json; *c != '\0'; c++) {
        if (in_string) {
            if (*c == '\\')
                c++; /* skip the escaped character */
            else if (*c == '"')
                in_string = false;
            continue;
        }
        switch (*c) {
        case '"': in_string = true; break;
        case '{': braces++; break;
        case '}': braces--; break;
        case '[': brackets++; break;
        case ']': brackets--; break;
        }
        ck_assert_msg(braces >= 0 && brackets >= 0, "JSON closes more than it opened");
    }
    ck_assert_msg(!in_string, "JSON ends inside a string");
    ck_assert_int_eq(braces, 0);
    ck_assert_int_eq(brackets, 0);
}

/* ---- A small traced run: main and two threads that each lock one mutex once --------------- */

static pthread_mutex_t shared_lock;
static int shared_count;

static void *lock_once(void *arg)
{
    (void)arg;
    mutex_lock(&shared_lock);
    shared_count++;
    mutex_unlock(&shared_lock);
    return NULL;
}

static void traced_two_threads(const struct scratch *s)
{
    pthread_t first, second;
    mutex_init(&shared_lock);
    ck_assert_int_eq(trace_open(s->prefix), 0);
    thread_create(&first, lock_once, NULL);
    thread_create(&second, lock_once, NULL);
    thread_join(first);
    thread_join(second);
    ck_assert_int_eq(trace_close(), 0);
    mutex_destroy(&shared_lock);
}

/* ---- Tests ------------------------------------------------------------------------------ */

START_TEST(open_close_writes_three_files)
{
    struct scratch s;
    make_scratch(&s);
    ck_assert_int_eq(trace_open(s.prefix), 0);
    ck_assert(trace_on());
    ck_assert_int_eq(trace_lane(), 0);
    trace_note("hello");
    ck_assert_int_eq(trace_close(), 0);
    ck_assert(!trace_on());
    const char *suffixes[] = { "-hb.dot", "-timeline.dot", ".json" };
    for (size_t i = 0; i < 3; i++) {
        char *text = read_output(&s, suffixes[i]);
        ck_assert_msg(text != NULL, "%s%s was not written", s.prefix, suffixes[i]);
        ck_assert_msg(strlen(text) > 0, "%s%s is empty", s.prefix, suffixes[i]);
        free(text);
    }
    remove_scratch(&s);
}
END_TEST

START_TEST(skipped_run_writes_three_files_that_say_why)
{
    struct scratch s;
    make_scratch(&s);
    ck_assert_int_eq(trace_skipped(s.prefix, "needs exercise %d", 2), 0);
    ck_assert(!trace_on());
    const char *suffixes[] = { "-hb.dot", "-timeline.dot", ".json" };
    for (size_t i = 0; i < 3; i++) {
        char *text = read_output(&s, suffixes[i]);
        ck_assert_msg(text != NULL, "%s%s was not written", s.prefix, suffixes[i]);
        ck_assert_msg(strstr(text, "needs exercise 2") != NULL, "%s%s does not say why",
                      s.prefix, suffixes[i]);
        free(text);
    }
    char *dot = read_output(&s, "-hb.dot");
    ck_assert_ptr_nonnull(dot);
    ck_assert_ptr_null(strstr(dot, "\"T1\"")); /* one lane, main's */
    free(dot);
    remove_scratch(&s);
}
END_TEST

START_TEST(threads_and_mutex_give_lanes_and_arrows)
{
    struct scratch s;
    make_scratch(&s);
    traced_two_threads(&s);
    char *dot = read_output(&s, "-hb.dot");
    ck_assert_ptr_nonnull(dot);
    struct hb_graph *g = malloc(sizeof *g);
    ck_assert_ptr_nonnull(g);
    parse_hb(dot, g);

    /* One row per lane, named main, T1, T2. */
    ck_assert_str_eq(label_of(g, 0, 0), "main");
    ck_assert_str_eq(label_of(g, 1, 0), "T1");
    ck_assert_str_eq(label_of(g, 2, 0), "T2");
    /* create -> start and exit -> join for both threads. */
    ck_assert(has_arrow(g, 0, "create T1", 1, "start"));
    ck_assert(has_arrow(g, 0, "create T2", 2, "start"));
    ck_assert(has_arrow(g, 1, "exit", 0, "join T1"));
    ck_assert(has_arrow(g, 2, "exit", 0, "join T2"));
    /* Whichever thread locked second did so after the other one's unlock. */
    ck_assert(has_arrow(g, -1, "unlock m1", -1, "lock m1"));
    /* Every arrow points forward: to a later column. */
    for (int i = 0; i < g->arrow_count; i++)
        ck_assert_int_lt(g->arrows[i].from_column, g->arrows[i].to_column);
    ck_assert_int_eq(shared_count, 2);
    free(g);
    free(dot);
    remove_scratch(&s);
}
END_TEST

START_TEST(json_is_balanced_and_names_threads)
{
    struct scratch s;
    make_scratch(&s);
    traced_two_threads(&s);
    char *json = read_output(&s, ".json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strncmp(json, "{\"traceEvents\":[", 16) == 0, "JSON starts with: %.20s", json);
    assert_balanced_json(json);
    ck_assert_ptr_nonnull(strstr(json, "\"thread_name\""));
    ck_assert_ptr_nonnull(strstr(json, "\"args\":{\"name\":\"T2\"}"));
    ck_assert_ptr_nonnull(strstr(json, "\"ph\":\"s\""));
    ck_assert_ptr_nonnull(strstr(json, "\"bp\":\"e\""));
    ck_assert_ptr_nonnull(strstr(json, "\"displayTimeUnit\":\"ms\""));
    free(json);
    remove_scratch(&s);
}
END_TEST

START_TEST(limit_drops_events_and_says_so)
{
    struct scratch s;
    make_scratch(&s);
    ck_assert_int_eq(trace_open(s.prefix), 0);
    trace_set_limit(5);
    /* Kept: start + 4 notes (the limit), then exit (always kept); dropped: the other 16. */
    for (int i = 0; i < 20; i++)
        trace_note("note %d", i);
    ck_assert_int_eq(trace_close(), 0);
    char *dot = read_output(&s, "-hb.dot");
    char *timeline = read_output(&s, "-timeline.dot");
    ck_assert_ptr_nonnull(dot);
    ck_assert_ptr_nonnull(timeline);
    ck_assert_ptr_nonnull(strstr(dot, "16 more events"));
    ck_assert_ptr_nonnull(strstr(dot, "\"note 3\""));
    ck_assert_ptr_null(strstr(dot, "\"note 4\""));
    ck_assert_ptr_nonnull(strstr(dot, "\"exit\""));
    ck_assert_ptr_nonnull(strstr(timeline, "16 more events not shown"));
    free(dot);
    free(timeline);
    remove_scratch(&s);
}
END_TEST

START_TEST(close_fails_when_prefix_folder_is_gone)
{
    struct scratch s;
    make_scratch(&s);
    char folder[128], prefix[160];
    snprintf(folder, sizeof folder, "%s/gone", s.folder);
    snprintf(prefix, sizeof prefix, "%s/run", folder);
    ck_assert_int_eq(mkdir(folder, 0700), 0);
    ck_assert_int_eq(trace_open(prefix), 0);
    ck_assert_int_eq(rmdir(folder), 0);
    ck_assert_int_eq(trace_close(), -1);
    /* The tracer is off and reset all the same, ready to be opened again. */
    ck_assert(!trace_on());
    ck_assert_int_eq(trace_open(s.prefix), 0);
    ck_assert_int_eq(trace_close(), 0);
    remove_scratch(&s);
}
END_TEST

START_TEST(open_fails_on_missing_folder)
{
    ck_assert_int_eq(trace_open("/nonexistent-trace-folder/run"), -1);
    ck_assert(!trace_on());
    ck_assert_int_eq(trace_lane(), -1);
}
END_TEST

START_TEST(everything_is_a_no_op_when_off)
{
    ck_assert(!trace_on());
    ck_assert_int_eq(trace_lane(), -1);
    ck_assert_int_eq(trace_new_lane(), -1);
    trace_set_limit(3);
    trace_name_thread("nobody");
    trace_note("not recorded %d", 1);
    trace_begin("span");
    trace_end();
    trace_event(TRACE_NOTE, NULL, 0);
    trace_thread_started(5);
    trace_thread_exiting();
    ck_assert_int_eq(trace_lane(), -1);
    /* The wrappers work as plain checked calls. */
    shared_count = 0;
    mutex_init(&shared_lock);
    pthread_t thread;
    thread_create(&thread, lock_once, NULL);
    thread_join(thread);
    mutex_destroy(&shared_lock);
    ck_assert_int_eq(shared_count, 1);
    ck_assert_int_eq(trace_close(), -1); /* not open: says so and fails */
    trace_set_limit(TRACE_DEFAULT_LIMIT); /* as it was, for the tests that follow */
}
END_TEST

START_TEST(can_trace_several_runs_in_one_process)
{
    for (int run = 0; run < 3; run++) {
        struct scratch s;
        make_scratch(&s);
        traced_two_threads(&s);
        char *dot = read_output(&s, "-hb.dot");
        ck_assert_ptr_nonnull(dot);
        /* Lanes start again from main, T1, T2: nothing left over from the run before. */
        ck_assert_ptr_nonnull(strstr(dot, "n2_0 [label=\"T2\""));
        ck_assert_ptr_null(strstr(dot, "\"T3\""));
        free(dot);
        remove_scratch(&s);
    }
}
END_TEST

static void *named_worker(void *arg)
{
    (void)arg;
    trace_name_thread("worker %d", 7);
    trace_note("say \"hi\" \\ ok");
    return NULL;
}

START_TEST(names_and_labels_are_escaped)
{
    struct scratch s;
    make_scratch(&s);
    ck_assert_int_eq(trace_open(s.prefix), 0);
    pthread_t thread;
    thread_create(&thread, named_worker, NULL);
    thread_join(thread);
    ck_assert_int_eq(trace_close(), 0);
    char *dot = read_output(&s, "-hb.dot");
    char *json = read_output(&s, ".json");
    ck_assert_ptr_nonnull(dot);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(dot, "\"worker 7\""));
    ck_assert_ptr_nonnull(strstr(dot, "\"create worker 7\""));
    ck_assert_ptr_nonnull(strstr(dot, "say \\\"hi\\\" \\\\ ok"));
    ck_assert_ptr_nonnull(strstr(json, "say \\\"hi\\\" \\\\ ok"));
    assert_balanced_json(json);
    free(dot);
    free(json);
    remove_scratch(&s);
}
END_TEST

/* A span that waits and a span that works, each closed by trace_end(): both are complete
 * slices in the JSON, told apart by their category. */
START_TEST(working_and_waiting_spans_are_told_apart)
{
    struct scratch s;
    make_scratch(&s);
    ck_assert_int_eq(trace_open(s.prefix), 0);
    trace_begin("compute");
    trace_end();
    trace_begin_waiting("download");
    trace_end();
    ck_assert_int_eq(trace_close(), 0);
    char *json = read_output(&s, ".json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"name\":\"compute\"") != NULL &&
                  strstr(json, "\"cat\":\"work\"") != NULL, "no working slice in %s", json);
    ck_assert_msg(strstr(json, "\"name\":\"download\"") != NULL &&
                  strstr(json, "\"cat\":\"waiting\"") != NULL, "no waiting slice in %s", json);
    free(json);
    char *hb = read_output(&s, "-hb.dot");
    ck_assert_ptr_nonnull(hb);
    ck_assert_msg(strstr(hb, "end ?") == NULL, "a span was left without its end:\n%s", hb);
    free(hb);
    remove_scratch(&s);
}
END_TEST

/* Two processes, traced each on its own and merged: a lane each, named by rank, and the
 * message from one to the other is an arrow from its send to its receive. */
START_TEST(processes_are_merged_with_their_messages)
{
    struct scratch s;
    make_scratch(&s);
    int pipe_ends[2];
    ck_assert_int_eq(pipe(pipe_ends), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        char byte;
        int status = trace_open_process(s.prefix, 1) == 0 &&
                     read(pipe_ends[0], &byte, 1) == 1 ? 0 : 1;
        trace_receive(7, "receive hello");
        if (trace_close() != 0)
            status = 1;
        _exit(status);
    }
    ck_assert_int_eq(trace_open_process(s.prefix, 0), 0);
    trace_send(7, "send hello");
    ck_assert_int_eq(write(pipe_ends[1], "h", 1), 1);
    ck_assert_int_eq(trace_close(), 0);
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(trace_merge_processes(s.prefix, 2), 0);

    char *dot = read_output(&s, "-hb.dot");
    ck_assert_ptr_nonnull(dot);
    struct hb_graph *g = malloc(sizeof *g);
    ck_assert_ptr_nonnull(g);
    parse_hb(dot, g);
    ck_assert_str_eq(label_of(g, 0, 0), "rank 0");
    ck_assert_str_eq(label_of(g, 1, 0), "rank 1");
    ck_assert(has_arrow(g, 0, "send hello", 1, "receive hello"));
    ck_assert_ptr_nonnull(strstr(dot, "send → receive"));
    free(g);
    free(dot);
    /* The events files are gone once merged. */
    char path[160];
    snprintf(path, sizeof path, "%s.process-1", s.prefix);
    ck_assert_int_ne(access(path, F_OK), 0);
    remove_scratch(&s);
}
END_TEST

/* A process whose events are missing (it never called trace_close()) fails the merge. */
START_TEST(merge_fails_when_a_process_wrote_nothing)
{
    struct scratch s;
    make_scratch(&s);
    ck_assert_int_eq(trace_open_process(s.prefix, 0), 0);
    ck_assert_int_eq(trace_close(), 0);
    ck_assert_int_eq(trace_merge_processes(s.prefix, 2), -1);
    char path[160];
    snprintf(path, sizeof path, "%s.process-0", s.prefix);
    ck_assert_int_eq(unlink(path), 0);
    remove_scratch(&s);
}
END_TEST

TCase *tracer_tests(void)
{
    TCase *tc = kit_tcase("tracer", 10); /* tcase_set_timeout(tc, 10), and catches exit() */
    tcase_add_test(tc, open_close_writes_three_files);
    tcase_add_test(tc, skipped_run_writes_three_files_that_say_why);
    tcase_add_test(tc, threads_and_mutex_give_lanes_and_arrows);
    tcase_add_test(tc, json_is_balanced_and_names_threads);
    tcase_add_test(tc, limit_drops_events_and_says_so);
    tcase_add_test(tc, close_fails_when_prefix_folder_is_gone);
    tcase_add_test(tc, open_fails_on_missing_folder);
    tcase_add_test(tc, everything_is_a_no_op_when_off);
    tcase_add_test(tc, can_trace_several_runs_in_one_process);
    tcase_add_test(tc, names_and_labels_are_escaped);
    tcase_add_test(tc, working_and_waiting_spans_are_told_apart);
    tcase_add_test(tc, processes_are_merged_with_their_messages);
    tcase_add_test(tc, merge_fails_when_a_process_wrote_nothing);
    return tc;
}
