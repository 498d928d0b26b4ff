/* deadlock_description.c - see deadlock_description.h.
 *
 * The words and the drawing come from one analysis (struct description), and the drawing is
 * made after the words, so that the letters of unnamed objects are the same in both.
 */
#include "deadlock_description.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NOBODY (-1)

enum object_kind { MUTEX, CONDITION };
static const char *const kind_words[] = { "mutex", "condition variable" };

/* The wait-for graph of the threads, and the text being written about it. */
struct description {
    const struct waits_view *threads;
    size_t count;
    int order[WAITS_MAX_THREADS];        /* thread indexes by number: the test's thread first */
    int waits_for[WAITS_MAX_THREADS];    /* the thread that thread i waits for, or NOBODY */
    int taken_at[WAITS_MAX_THREADS];     /* the holder's entry for the mutex i wants, or -1 */
    bool in_cycle[WAITS_MAX_THREADS];
    int cycle_start;                     /* the lowest-numbered thread of a cycle, or NOBODY */
    int cycle_length;
    bool described[WAITS_MAX_THREADS];
    /* Objects without a name get a letter each, in the order they are first mentioned. */
    size_t letter_count[2];
    const void *lettered[2][2 * WAITS_MAX_THREADS];
    char *text;
    size_t size, used;
};

static bool is_waiting(const struct waits_view *thread)
{
    return thread->state == WAITS_RUNNING && thread->kind != WAITS_NOTHING;
}

static bool has_ended(const struct waits_view *thread)
{
    return thread->state == WAITS_ENDED || thread->state == WAITS_GONE;
}

/* "bank.c" from "/home/student/kit/solutions/03-locks/bank.c". */
static const char *file_name(const char *path)
{
    if (path == NULL)
        return "?";
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* ---- The graph ---------------------------------------------------------------------------- */

/* The entry of `mutex` in the thread's list of mutexes held (not lent to a cond_wait), or -1. */
static int held_entry(const struct waits_view *thread, const void *mutex)
{
    for (int e = 0; e < thread->held_count; e++)
        if (thread->held[e].mutex == mutex && !thread->held[e].lent)
            return e;
    return -1;
}

/* Who holds the mutex thread i waits for: i itself first (a thread locking a mutex twice), then
 * any other thread, alive or ended. NOBODY if no record shows it taken. */
static int find_holder(struct description *d, int i)
{
    const void *mutex = d->threads[i].object;
    d->taken_at[i] = held_entry(&d->threads[i], mutex);
    if (d->taken_at[i] >= 0)
        return i;
    for (size_t j = 0; j < d->count; j++) {
        if ((int)j == i || d->threads[j].state == WAITS_CREATED)
            continue;
        d->taken_at[i] = held_entry(&d->threads[j], mutex);
        if (d->taken_at[i] >= 0)
            return (int)j;
    }
    return NOBODY;
}

static int thread_numbered(const struct description *d, long number)
{
    for (size_t j = 0; j < d->count; j++)
        if (d->threads[j].number == number && d->threads[j].state != WAITS_CREATED)
            return (int)j;
    return NOBODY;
}

/* Follows each thread's waits; the first walk that comes back to a thread it passed is a cycle:
 * every thread on it waits for the next, so none of them can ever go on. */
static void find_cycle(struct description *d)
{
    d->cycle_start = NOBODY;
    for (size_t s = 0; s < d->count && d->cycle_start == NOBODY; s++) {
        int step_seen[WAITS_MAX_THREADS];
        for (size_t t = 0; t < d->count; t++)
            step_seen[t] = -1;
        int t = d->order[s];
        for (int step = 0; is_waiting(&d->threads[t]) && d->waits_for[t] != NOBODY; step++) {
            if (step_seen[t] >= 0) {
                d->cycle_length = step - step_seen[t];
                d->cycle_start = t;
                for (int k = 0; k < d->cycle_length; k++) {
                    d->in_cycle[t] = true;
                    if (d->threads[t].number < d->threads[d->cycle_start].number)
                        d->cycle_start = t;
                    t = d->waits_for[t];
                }
                break;
            }
            step_seen[t] = step;
            t = d->waits_for[t];
        }
    }
}

static void analyse(struct description *d, const struct waits_view *threads, size_t count)
{
    memset(d, 0, sizeof *d);
    d->threads = threads;
    d->count = count > WAITS_MAX_THREADS ? WAITS_MAX_THREADS : count;
    for (size_t i = 0; i < d->count; i++) {   /* by number: an insertion sort of a few */
        size_t k = i;
        for (; k > 0 && threads[d->order[k - 1]].number > threads[i].number; k--)
            d->order[k] = d->order[k - 1];
        d->order[k] = (int)i;
    }
    for (size_t i = 0; i < d->count; i++) {
        d->waits_for[i] = NOBODY;
        d->taken_at[i] = -1;
        if (!is_waiting(&threads[i]))
            continue;
        if (threads[i].kind == WAITS_MUTEX)
            d->waits_for[i] = find_holder(d, (int)i);
        else if (threads[i].kind == WAITS_THREAD && threads[i].target != WAITS_UNKNOWN_THREAD)
            d->waits_for[i] = thread_numbered(d, threads[i].target);
    }
    find_cycle(d);
}

/* ---- Words -------------------------------------------------------------------------------- */

static void put(struct description *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct description *d, const char *fmt, ...)
{
    if (d->used + 1 >= d->size)
        return;
    va_list args;
    va_start(args, fmt);
    int written = vsnprintf(d->text + d->used, d->size - d->used, fmt, args);
    va_end(args);
    if (written > 0)
        d->used += (size_t)written < d->size - d->used ? (size_t)written : d->size - d->used;
}

/* "account 3's lock", or "mutex A" for an object without a name. */
static void object_name(struct description *d, const void *object, enum object_kind kind,
                        char *name, size_t size)
{
    if (waits_name_of(object, name, size))
        return;
    size_t letter = 0;
    while (letter < d->letter_count[kind] && d->lettered[kind][letter] != object)
        letter++;
    if (letter == d->letter_count[kind] && letter < 2 * WAITS_MAX_THREADS)
        d->lettered[kind][d->letter_count[kind]++] = object;
    if (letter < 26)
        snprintf(name, size, "%s %c", kind_words[kind], (char)('A' + letter));
    else
        snprintf(name, size, "%s %zu", kind_words[kind], letter + 1);
}

static void put_object(struct description *d, const void *object, enum object_kind kind)
{
    char name[WAITS_NAME_SIZE + 32];
    object_name(d, object, kind, name, sizeof name);
    put(d, "%s", name);
}

static void thread_name(const struct waits_view *thread, char *name, size_t size)
{
    if (thread->number == WAITS_TEST_THREAD)
        snprintf(name, size, "the test's thread");
    else
        snprintf(name, size, "thread %ld", thread->number);
}

static void put_thread(struct description *d, int i)
{
    char name[32];
    thread_name(&d->threads[i], name, sizeof name);
    put(d, "%s", name);
}

/* Who holds the mutex thread i waits for: ", held by thread 1 (taken at bank.c:38)". */
static void put_holder(struct description *d, int i)
{
    int holder = d->waits_for[i];
    if (holder == NOBODY) {
        put(d, ", which no thread took through the kit (locked with pthread_mutex_lock?)");
        return;
    }
    const struct waits_held_view *taken = &d->threads[holder].held[d->taken_at[i]];
    if (holder == i) {
        put(d, ", which it holds itself (taken at %s:%d)", file_name(taken->file), taken->line);
        return;
    }
    put(d, ", held by ");
    put_thread(d, holder);
    put(d, " (taken at %s:%d)", file_name(taken->file), taken->line);
    if (has_ended(&d->threads[holder]))
        put(d, ", which has ended without unlocking it");
}

/* What thread i waits for, where, and who has it: "waits at bank.c:41 for account 0's lock,
 * held by thread 1 (taken at bank.c:38)"; "wait at" when it tells of several threads. */
static void put_wait(struct description *d, int i, bool several)
{
    const struct waits_view *me = &d->threads[i];
    put(d, "%s at %s:%d ", several ? "wait" : "waits", file_name(me->file), me->line);
    if (me->kind == WAITS_MUTEX) {
        put(d, "for ");
        put_object(d, me->object, MUTEX);
        put_holder(d, i);
    } else if (me->kind == WAITS_CONDITION) {
        put(d, "on ");
        put_object(d, me->object, CONDITION);
        put(d, " (with ");
        put_object(d, me->mutex, MUTEX);
        put(d, ")");
    } else if (me->kind == WAITS_THREAD) {
        put(d, "in thread_join for ");
        if (d->waits_for[i] != NOBODY)
            put_thread(d, d->waits_for[i]);
        else
            put(d, "a thread that thread_create did not make");
    }
}

/* Whether some thread that has not been described yet waits for thread j. */
static bool waited_for(const struct description *d, int j)
{
    for (size_t i = 0; i < d->count; i++)
        if (!d->described[i] && is_waiting(&d->threads[i]) && d->waits_for[i] == j &&
            (int)i != j)
            return true;
    return false;
}

/* Whether threads i and j wait at the same place for the same thing, held by the same other
 * thread: one sentence then tells of both. */
static bool same_wait(const struct description *d, int i, int j)
{
    const struct waits_view *a = &d->threads[i], *b = &d->threads[j];
    return a->kind == b->kind && a->object == b->object && a->mutex == b->mutex &&
           a->target == b->target && a->line == b->line && a->file != NULL &&
           b->file != NULL && strcmp(a->file, b->file) == 0 &&
           d->waits_for[i] == d->waits_for[j] && d->waits_for[i] != i && d->waits_for[j] != j;
}

/* "thread 2", "threads 2 and 3", "the test's thread and threads 2, 3 and 4". */
static void put_threads(struct description *d, const int *members, size_t count)
{
    size_t first = 0;
    if (d->threads[members[0]].number == WAITS_TEST_THREAD && count > 1) {
        put(d, "the test's thread and ");
        first = 1;
    }
    if (count - first == 1) {
        put_thread(d, members[first]);
        return;
    }
    put(d, "threads");
    for (size_t k = first; k < count; k++)
        put(d, "%s%ld", k == first ? " " : k + 1 == count ? " and " : ", ",
            d->threads[members[k]].number);
}

/* Thread i's wait (with every other thread that waits for nobody's sake but its own at the same
 * place for the same thing, when `together`), then the wait of the thread it waits for, and so
 * on, until a thread already described, or one that waits for nobody in particular. */
static void put_chain(struct description *d, int i, bool together)
{
    int members[WAITS_MAX_THREADS] = { i };
    size_t count = 1;
    for (size_t k = 0; together && k < d->count; k++) {
        int j = d->order[k];
        if (j != i && !d->described[j] && is_waiting(&d->threads[j]) && same_wait(d, i, j) &&
            !waited_for(d, j))
            members[count++] = j;
    }
    for (size_t k = 0; k < count; k++)
        d->described[members[k]] = true;
    put_threads(d, members, count);
    put(d, " ");
    put_wait(d, i, count > 1);
    for (int next = d->waits_for[i];
         next != NOBODY && !d->described[next] && is_waiting(&d->threads[next]);
         next = d->waits_for[next]) {
        d->described[next] = true;
        put(d, ", which ");
        put_wait(d, next, false);
    }
}

static bool anyone_waits_on_a_condition(const struct description *d)
{
    for (size_t i = 0; i < d->count; i++)
        if (is_waiting(&d->threads[i]) && d->threads[i].kind == WAITS_CONDITION)
            return true;
    return false;
}

static void write_words(struct description *d, char *reason, size_t size)
{
    d->text = reason;
    d->size = size;
    d->used = 0;
    reason[0] = '\0';
    bool first = true;
    if (d->cycle_start != NOBODY) {
        put(d, "deadlock: ");
        put_chain(d, d->cycle_start, false);
        if (d->cycle_length == 1)
            put(d, ": a mutex is not recursive, so a thread that locks one it holds waits for "
                   "itself forever");
        first = false;
    } else if (anyone_waits_on_a_condition(d)) {
        put(d, "every thread is blocked and nobody is left to signal: ");
    } else {
        put(d, "every thread is blocked for good: ");
    }
    /* The other threads, each chain from a thread that nobody waits for (the test's thread
     * first), then any left over (they wait in a cycle of their own). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < d->count; k++) {
            int i = d->order[k];
            if (d->described[i] || !is_waiting(&d->threads[i]) || (pass == 0 && waited_for(d, i)))
                continue;
            put(d, first ? "" : "; ");
            put_chain(d, i, pass == 0);
            first = false;
        }
    }
    if (d->used + 1 >= d->size && d->size > 4)
        strcpy(reason + d->size - 4, "...");
}

void deadlock_describe(const struct waits_view *threads, size_t count, char *reason, size_t size)
{
    static struct description d;   /* a few kilobytes: one description per process, at most */
    analyse(&d, threads, count);
    write_words(&d, reason, size);
}

/* ---- The drawing -------------------------------------------------------------------------- */

/* Text inside a double-quoted dot string. */
static void put_dot_text(FILE *out, const char *text)
{
    for (; *text != '\0'; text++) {
        if (*text == '"' || *text == '\\')
            fputc('\\', out);
        fputc(*text, out);
    }
}

/* The node of an object: o<index> in a list of the objects drawn so far. */
static size_t object_node(const void **objects, size_t *count, const void *object)
{
    for (size_t k = 0; k < *count; k++)
        if (objects[k] == object)
            return k;
    objects[*count] = object;
    return (*count)++;
}

static void draw_threads(FILE *out, struct description *d)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct waits_view *thread = &d->threads[i];
        bool holder = false;
        for (size_t w = 0; w < d->count; w++)
            holder = holder || d->waits_for[w] == (int)i;
        if (!is_waiting(thread) && !holder)
            continue;
        char name[32];
        thread_name(thread, name, sizeof name);
        fprintf(out, "  t%zu [shape=box, fillcolor=\"%s\", label=\"%s%s\"];\n", i,
                has_ended(thread) ? "#eeeeee" : "#d9ead3", name,
                has_ended(thread) ? "\\n(ended)" : "");
    }
}

static void draw_waits(FILE *out, struct description *d)
{
    const void *objects[WAITS_MAX_THREADS];
    size_t object_count = 0;
    bool holder_drawn[WAITS_MAX_THREADS] = { false };
    for (size_t k = 0; k < d->count; k++) {
        int i = d->order[k];
        const struct waits_view *me = &d->threads[i];
        if (!is_waiting(me))
            continue;
        const char *colour = d->in_cycle[i] ? "red3" : "gray40";
        const char *where = file_name(me->file);
        if (me->kind == WAITS_THREAD) {
            if (d->waits_for[i] == NOBODY)
                continue;
            fprintf(out, "  t%d -> t%d [label=\" waits in thread_join\\n %s:%d \", "
                         "style=dashed, color=%s, fontcolor=%s];\n", i, d->waits_for[i], where,
                    me->line, colour, colour);
            continue;
        }
        size_t node = object_node(objects, &object_count, me->object);
        char name[WAITS_NAME_SIZE + 32], mutex_name[WAITS_NAME_SIZE + 32];
        object_name(d, me->object, me->kind == WAITS_MUTEX ? MUTEX : CONDITION, name,
                    sizeof name);
        fprintf(out, "  o%zu [shape=ellipse, fillcolor=\"%s\", label=\"", node,
                me->kind == WAITS_MUTEX ? "#cfe2f3" : "#fff2cc");
        put_dot_text(out, name);
        if (me->kind == WAITS_CONDITION) {
            object_name(d, me->mutex, MUTEX, mutex_name, sizeof mutex_name);
            fputs("\\n(with ", out);
            put_dot_text(out, mutex_name);
            fputs(")", out);
        }
        fprintf(out, "\"];\n  t%d -> o%zu [label=\" %s\\n %s:%d \", style=dashed, color=%s, "
                     "fontcolor=%s];\n", i, node,
                me->kind == WAITS_MUTEX ? "waits for" : "waits on", where, me->line, colour,
                colour);
        int holder = d->waits_for[i];
        if (me->kind != WAITS_MUTEX || holder == NOBODY || holder_drawn[node])
            continue;
        holder_drawn[node] = true;
        /* Drawn once, for the first of its waiters: red if a waiter in the cycle waits here,
         * whichever waiter came first. */
        const char *held_colour = "gray40";
        for (size_t j = 0; j < d->count; j++)
            if (d->in_cycle[j] && is_waiting(&d->threads[j]) &&
                d->threads[j].kind == WAITS_MUTEX && d->threads[j].object == me->object)
                held_colour = "red3";
        const struct waits_held_view *taken = &d->threads[holder].held[d->taken_at[i]];
        fprintf(out, "  o%zu -> t%d [label=\" held by\\n taken at %s:%d \", color=%s, "
                     "fontcolor=%s];\n", node, holder, file_name(taken->file), taken->line,
                held_colour, held_colour);
    }
}

int deadlock_draw(const struct waits_view *threads, size_t count, const char *title,
                  const char *path)
{
    static struct description d;
    char words[DEADLOCK_REASON_SIZE];
    analyse(&d, threads, count);
    write_words(&d, words, sizeof words);   /* letters the objects as the words do */
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return -1;
    }
    fprintf(out, "digraph deadlock {\n"
                 "  rankdir=LR; pad=0.3; nodesep=0.5; ranksep=0.8;\n"
                 "  node [fontname=Helvetica, fontsize=13, style=filled];\n"
                 "  edge [fontname=Helvetica, fontsize=11, penwidth=1.6, arrowsize=0.8];\n");
    draw_threads(out, &d);
    draw_waits(out, &d);
    const char *headline = d.cycle_start != NOBODY
        ? (d.cycle_length == 1 ? "deadlock: a thread waits for a mutex it holds (red)"
                               : "deadlock: a cycle of threads, each waiting for the next (red)")
        : anyone_waits_on_a_condition(&d) ? "every thread is blocked, and nobody is left to signal"
                                          : "every thread is blocked for good";
    fputs("  labelloc=t; fontname=Helvetica; fontsize=14;\n  label=\"", out);
    put_dot_text(out, title);
    fprintf(out, "\\n%s\";\n}\n", headline);
    if (fclose(out) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}
