/* trace.c - the tracer of trace.h: records events in memory, draws them in trace_close().
 *
 *   1. Recording          each thread appends to its own lane; no lock on this path
 *   2. Analysis           sort by time, name the objects (m1, s1, ...), pair every wait with the
 *                         event that ended it, and find the happens-before arrows
 *   3. PREFIX-hb.dot      4. PREFIX-timeline.dot      5. PREFIX.json
 *   6. trace_open() and trace_close()
 *   7. Several processes: each writes its events, one merges them
 */
#include "trace.h"
#include "args.h"
#include "sync.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- 1. Recording --------------------------------------------------------------------------
 *
 * Why recording takes no lock: a mutex inside the tracer would be locked by every thread in
 * turn, and ThreadSanitizer would take each unlock -> lock as a happens-before edge between the
 * threads, hiding the very data races a lesson wants it to find. So each thread appends only to
 * its own lane, which no other thread touches while the thread runs. trace_close() reads every
 * lane after the threads have been joined: pthread_join() is what makes their records visible.
 * The other shared values are atomics used with relaxed order (the lane counter, the limit), and
 * the on/off switch, whose release (in trace_open) / acquire (in every call) pair only makes
 * trace_open()'s setup visible. The one lock, registry_lock, is taken only inside thread_create()
 * and thread_join(), which order threads anyway.
 */

#define MAX_LANES 64      /* threads beyond this many are not traced */
#define LABEL_SIZE 64     /* bytes kept of a note or span label, '\0' included */
#define NAME_SIZE 32      /* bytes kept of a lane name */
#define FIRST_CAPACITY 16 /* records allocated for a lane at first; doubled when full */

struct trace_record {
    /* Written while recording, by the lane's own thread: */
    enum trace_kind kind;
    int lane;
    int process;                  /* 0, or the process of trace_open_process() */
    size_t index;                 /* position in its lane */
    long long time_ns;            /* since trace_open() */
    const void *object;
    long token;
    char label[LABEL_SIZE];
    /* Filled in by analyse(): */
    int object_number;            /* 2 for m2, s2, c2 or q2 */
    struct trace_record *partner; /* BEGIN <-> its END, *_WAIT <-> the event that ended it */
    struct trace_record *cause;   /* the other thread's event with an arrow to this one */
    bool used;                    /* a SEM_POST already matched to a wait */
    int column;                   /* where write_hb() puts it */
};

struct lane {
    char name[NAME_SIZE];
    struct trace_record *records; /* the events kept, in program order */
    size_t count, capacity;
    unsigned long dropped;        /* events over the limit: counted, not kept */
    long long first_drop_ns;      /* when the first of them happened */
    bool out_of_memory;           /* some were dropped because malloc failed */
    pthread_t thread;             /* the thread of this lane, for thread_join(): */
    bool has_thread;              /*   both guarded by registry_lock */
};

static atomic_bool recording;                        /* the on/off switch */
static atomic_uint limit = TRACE_DEFAULT_LIMIT;      /* events kept per lane */
static atomic_long next_lane;                        /* lanes handed out so far */
static unsigned session;              /* counts trace_open() calls, to spot stale lanes */
static long long clock_origin_ns;     /* CLOCK_MONOTONIC at trace_open() */
static char *prefix;                  /* where trace_close() writes */
static int process_number = -1;       /* trace_open_process()'s PROCESS; -1 after trace_open() */
static const char *title;             /* the last part of prefix: the diagrams' title */
static struct lane lanes[MAX_LANES];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static _Thread_local unsigned my_session; /* the session that my_lane belongs to */
static _Thread_local long my_lane = -1;   /* -1: this thread is not traced */

bool trace_on(void)
{
    return atomic_load_explicit(&recording, memory_order_acquire);
}

void trace_set_limit(unsigned events_per_thread)
{
    atomic_store_explicit(&limit, events_per_thread, memory_order_relaxed);
}

static long long monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now); /* cannot fail: trace_open() checked this clock */
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Hands out the next lane, or -1 when all MAX_LANES are taken. */
static long reserve_lane(void)
{
    long lane = atomic_fetch_add_explicit(&next_lane, 1, memory_order_relaxed);
    return lane < MAX_LANES ? lane : -1;
}

/* The calling thread's lane, given out on its first event if the thread was not created by
 * thread_create(); NULL if the thread is not traced. Call only while recording. */
static struct lane *current_lane(void)
{
    if (my_session != session) {
        my_session = session;
        my_lane = reserve_lane();
    }
    return my_lane < 0 ? NULL : &lanes[my_lane];
}

/* Formats into text[size] like vsnprintf. If the text is cut, its last character goes too when
 * it is not plain ASCII, since it may have lost bytes (the files must be valid UTF-8). */
static void format_text(char *text, size_t size, const char *fmt, va_list args)
{
    int length = vsnprintf(text, size, fmt, args);
    if (length < 0) {
        text[0] = '\0';
    } else if ((size_t)length >= size) {
        size_t end = size - 1;
        while (end > 0 && ((unsigned char)text[end - 1] & 0xC0) == 0x80)
            end--; /* back over continuation bytes 10xxxxxx to the character's first byte */
        if (end > 0 && (unsigned char)text[end - 1] >= 0xC0)
            text[end - 1] = '\0';
    }
}

static void record(enum trace_kind kind, const void *object, long token, const char *label)
{
    struct lane *lane = current_lane();
    if (lane == NULL)
        return;
    long long time_ns = monotonic_ns() - clock_origin_ns;
    /* START and EXIT are kept over the limit, so that every lane begins and ends properly. */
    bool over_limit = lane->count >= atomic_load_explicit(&limit, memory_order_relaxed) &&
                      kind != TRACE_START && kind != TRACE_EXIT;
    if (!over_limit && lane->count == lane->capacity) {
        size_t capacity = lane->capacity == 0 ? FIRST_CAPACITY : 2 * lane->capacity;
        struct trace_record *records = realloc(lane->records, capacity * sizeof *records);
        if (records == NULL) {
            lane->out_of_memory = true;
            over_limit = true;
        } else {
            lane->records = records;
            lane->capacity = capacity;
        }
    }
    if (over_limit) {
        if (lane->dropped++ == 0)
            lane->first_drop_ns = time_ns;
        return;
    }
    struct trace_record *r = &lane->records[lane->count];
    *r = (struct trace_record){ .kind = kind, .lane = (int)my_lane,
                                .process = process_number < 0 ? 0 : process_number, .index = lane->count,
                                .time_ns = time_ns, .object = object, .token = token };
    snprintf(r->label, sizeof r->label, "%s", label);
    lane->count++;
}

void trace_event(enum trace_kind kind, const void *object, long token)
{
    if (trace_on())
        record(kind, object, token, "");
}

static void record_labelled(enum trace_kind kind, long token, const char *fmt, va_list args)
{
    char label[LABEL_SIZE];
    format_text(label, sizeof label, fmt, args);
    record(kind, NULL, token, label);
}

void trace_send(long message, const char *fmt, ...)
{
    if (!trace_on())
        return;
    va_list args;
    va_start(args, fmt);
    record_labelled(TRACE_SEND, message, fmt, args);
    va_end(args);
}

void trace_receive(long message, const char *fmt, ...)
{
    if (!trace_on())
        return;
    va_list args;
    va_start(args, fmt);
    record_labelled(TRACE_RECEIVE, message, fmt, args);
    va_end(args);
}

void trace_note(const char *fmt, ...)
{
    if (!trace_on())
        return;
    va_list args;
    va_start(args, fmt);
    record_labelled(TRACE_NOTE, 0, fmt, args);
    va_end(args);
}

int trace_skipped(const char *path_prefix, const char *fmt, ...)
{
    if (trace_open(path_prefix) != 0)
        return -1;
    va_list args;
    va_start(args, fmt);
    record_labelled(TRACE_NOTE, 0, fmt, args);
    va_end(args);
    return trace_close();
}

void trace_begin(const char *fmt, ...)
{
    if (!trace_on())
        return;
    va_list args;
    va_start(args, fmt);
    record_labelled(TRACE_BEGIN, TRACE_SPAN_WORKING, fmt, args);
    va_end(args);
}

void trace_begin_waiting(const char *fmt, ...)
{
    if (!trace_on())
        return;
    va_list args;
    va_start(args, fmt);
    record_labelled(TRACE_BEGIN, TRACE_SPAN_WAITING, fmt, args);
    va_end(args);
}

void trace_end(void)
{
    if (trace_on())
        record(TRACE_END, NULL, 0, "");
}

void trace_name_thread(const char *fmt, ...)
{
    if (!trace_on())
        return;
    struct lane *lane = current_lane();
    if (lane == NULL)
        return;
    va_list args;
    va_start(args, fmt);
    format_text(lane->name, sizeof lane->name, fmt, args);
    va_end(args);
}

long trace_lane(void)
{
    if (!trace_on())
        return -1;
    current_lane();
    return my_lane;
}

long trace_new_lane(void)
{
    return trace_on() ? reserve_lane() : -1;
}

void trace_thread_started(long lane)
{
    if (!trace_on())
        return;
    my_session = session;
    my_lane = lane;
    record(TRACE_START, NULL, 0, "");
}

void trace_thread_exiting(void)
{
    if (trace_on())
        record(TRACE_EXIT, NULL, 0, "");
}

/* The tracer's one lock, checked like the wrappers of sync.h but not traced itself. */
static void lock_registry(void)
{
    int error = pthread_mutex_lock(&registry_lock);
    if (error != 0)
        die_with_error("trace: pthread_mutex_lock", error);
}

static void unlock_registry(void)
{
    int error = pthread_mutex_unlock(&registry_lock);
    if (error != 0)
        die_with_error("trace: pthread_mutex_unlock", error);
}

/* thread_join() needs the lane of the thread it joins, before joining; the thread that
 * created it may be another one. So thread_create() remembers pthread_t -> lane here. */
void trace_remember_thread(long lane, pthread_t thread)
{
    if (!trace_on() || lane < 0)
        return;
    lock_registry();
    lanes[lane].thread = thread;
    lanes[lane].has_thread = true;
    unlock_registry();
}

long trace_forget_thread(pthread_t thread)
{
    if (!trace_on())
        return -1;
    long found = -1;
    lock_registry();
    for (long lane = 0; lane < MAX_LANES && found < 0; lane++) {
        if (lanes[lane].has_thread && pthread_equal(lanes[lane].thread, thread)) {
            lanes[lane].has_thread = false; /* a later thread may get the same pthread_t */
            found = lane;
        }
    }
    unlock_registry();
    return found;
}

/* ---- 2. Analysis --------------------------------------------------------------------------- */

struct run {
    struct trace_record **by_time; /* every kept event of every lane, sorted by time */
    size_t count;
    int lane_count;                /* lanes 0 .. lane_count - 1 were handed out */
    long long end_ns;              /* time of the last event */
    long long horizon_ns;          /* no lane dropped an event before this time */
    int queue_count;               /* how many queues were used */
};

enum family { NO_FAMILY, MUTEX, SEMAPHORE, CONDVAR, QUEUE, FAMILY_COUNT };
static const char family_letter[FAMILY_COUNT] = { '?', 'm', 's', 'c', 'q' };

static enum family family_of(enum trace_kind kind)
{
    switch (kind) {
    case TRACE_LOCK_WAIT: case TRACE_LOCK: case TRACE_UNLOCK:
        return MUTEX;
    case TRACE_SEM_WAIT: case TRACE_SEM_TAKEN: case TRACE_SEM_POST:
        return SEMAPHORE;
    case TRACE_COND_WAIT: case TRACE_COND_WOKEN: case TRACE_COND_SIGNAL: case TRACE_COND_BROADCAST:
        return CONDVAR;
    case TRACE_PUT: case TRACE_GET:
        return QUEUE;
    default:
        return NO_FAMILY;
    }
}

static bool is_wait(enum trace_kind kind)
{
    return kind == TRACE_LOCK_WAIT || kind == TRACE_SEM_WAIT || kind == TRACE_COND_WAIT ||
           kind == TRACE_JOIN_WAIT;
}

/* What `kind` closes: END the innermost BEGIN, LOCK a LOCK_WAIT, ...; -1 if nothing. */
static int opener_of(enum trace_kind kind)
{
    switch (kind) {
    case TRACE_END: return TRACE_BEGIN;
    case TRACE_LOCK: return TRACE_LOCK_WAIT;
    case TRACE_SEM_TAKEN: return TRACE_SEM_WAIT;
    case TRACE_COND_WOKEN: return TRACE_COND_WAIT;
    case TRACE_JOIN: return TRACE_JOIN_WAIT;
    default: return -1;
    }
}

static const char *lane_name(long lane)
{
    return lane >= 0 && lane < MAX_LANES && lanes[lane].name[0] != '\0' ? lanes[lane].name : "?";
}

/* Where a lane's record stops being complete: its first dropped event, else its last event. */
static long long lane_cut_ns(const struct lane *lane)
{
    return lane->dropped > 0 ? lane->first_drop_ns : lane->records[lane->count - 1].time_ns;
}

static int earlier_first(const void *a, const void *b)
{
    const struct trace_record *x = *(struct trace_record *const *)a;
    const struct trace_record *y = *(struct trace_record *const *)b;
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns ? -1 : 1;
    if (x->lane != y->lane)
        return x->lane < y->lane ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Names each object by its family and order of first use: m1, m2, s1, c1, q1, ... */
static int name_objects(struct run *run)
{
    struct known { enum family family; int process; const void *address; int number; };
    struct known *known = malloc((run->count + 1) * sizeof *known);
    if (known == NULL)
        return -1;
    size_t known_count = 0;
    int used[FAMILY_COUNT] = { 0 };
    for (size_t i = 0; i < run->count; i++) {
        struct trace_record *r = run->by_time[i];
        enum family family = family_of(r->kind);
        if (family == NO_FAMILY)
            continue;
        size_t k = 0;
        while (k < known_count && (known[k].family != family || known[k].process != r->process ||
                                   known[k].address != r->object))
            k++;
        if (k == known_count)
            known[known_count++] = (struct known){ family, r->process, r->object, ++used[family] };
        r->object_number = known[k].number;
    }
    run->queue_count = used[QUEUE];
    free(known);
    return 0;
}

/* Pairs every closing event with the latest unpaired opener of its lane with the same object
 * and token: an END with the innermost open BEGIN, a LOCK with its LOCK_WAIT, and so on. */
static void pair_events(struct lane *lane)
{
    for (size_t i = 0; i < lane->count; i++) {
        struct trace_record *closer = &lane->records[i];
        int opener = opener_of(closer->kind);
        for (size_t j = i; opener >= 0 && j-- > 0;) {
            struct trace_record *r = &lane->records[j];
            /* An END closes the innermost open span, whatever kind of span it is. */
            bool same_token = r->token == closer->token || closer->kind == TRACE_END;
            if ((int)r->kind == opener && r->partner == NULL && r->object == closer->object &&
                same_token) {
                r->partner = closer;
                closer->partner = r;
                break;
            }
        }
    }
}

/* Could the earlier event c have an arrow to event e? One rule per kind of arrow. */
static bool may_cause(const struct trace_record *c, const struct trace_record *e)
{
    bool same_object = c->object == e->object && c->process == e->process;
    switch (e->kind) {
    case TRACE_START: return c->kind == TRACE_CREATE && c->token == e->lane;
    case TRACE_JOIN: return c->kind == TRACE_EXIT && c->lane == e->token;
    case TRACE_GET: return c->kind == TRACE_PUT && same_object && c->token == e->token;
    case TRACE_RECEIVE: return c->kind == TRACE_SEND && c->token == e->token;
    case TRACE_LOCK: return (c->kind == TRACE_UNLOCK || c->kind == TRACE_LOCK) && same_object;
    case TRACE_SEM_TAKEN: return c->kind == TRACE_SEM_POST && same_object && !c->used;
    case TRACE_COND_WOKEN:
        return (c->kind == TRACE_COND_SIGNAL || c->kind == TRACE_COND_BROADCAST) && same_object;
    default: return false;
    }
}

/* Finds the cross-thread arrows: for each event, the latest earlier event that may_cause() it.
 * Create -> start, exit -> join, put -> get and send -> receive are matched by identity (lane,
 * item, message). The others
 * are matched by time order, which is only right if no event in between was dropped; as every
 * lane keeps a prefix of its events, all events before horizon_ns are known, so those arrows
 * are drawn only when they end before it:
 *   - unlock -> lock: the next LOCK of a mutex after an UNLOCK (UNLOCK is recorded before the
 *     unlock, LOCK after the lock, so their times are in the true order). If the latest event
 *     of the mutex before a LOCK is another LOCK, something was not traced: no arrow;
 *   - post -> wait: a wait on semaphore s is matched to the latest post of s before it that no
 *     wait used yet. The initial count is unknown, so this is a plausible pairing, not a proof
 *     of which post released which wait; any earlier post of s happens-before the wait anyway;
 *   - signal -> wake-up: the latest signal or broadcast of the condvar before it (a hint: the
 *     wait could have woken spuriously; the mutex gives the real guarantee).
 * Arrows within one lane are left out: program order already says it. */
static void match_arrows(struct run *run)
{
    for (size_t i = 0; i < run->count; i++) {
        struct trace_record *event = run->by_time[i], *cause = NULL;
        for (size_t j = i; j-- > 0 && cause == NULL;)
            if (may_cause(run->by_time[j], event))
                cause = run->by_time[j];
        if (cause == NULL || (event->kind == TRACE_LOCK && cause->kind == TRACE_LOCK))
            continue;
        if (event->kind == TRACE_SEM_TAKEN)
            cause->used = true;
        bool matched_by_time = event->kind == TRACE_LOCK || event->kind == TRACE_SEM_TAKEN ||
                               event->kind == TRACE_COND_WOKEN;
        if (cause->lane != event->lane && !(matched_by_time && event->time_ns >= run->horizon_ns))
            event->cause = cause;
    }
}

/* Builds `run` from the lanes; -1 if out of memory. */
static int analyse(struct run *run)
{
    long handed_out = atomic_load_explicit(&next_lane, memory_order_relaxed);
    *run = (struct run){ .lane_count = handed_out < MAX_LANES ? (int)handed_out : MAX_LANES,
                         .horizon_ns = LLONG_MAX };
    for (int l = 0; l < run->lane_count; l++) {
        struct lane *lane = &lanes[l];
        if (lane->name[0] == '\0')
            snprintf(lane->name, sizeof lane->name, "T%d", l);
        if (lane->dropped > 0 && lane->first_drop_ns < run->horizon_ns)
            run->horizon_ns = lane->first_drop_ns;
        pair_events(lane);
        run->count += lane->count;
    }
    run->by_time = malloc((run->count + 1) * sizeof *run->by_time);
    if (run->by_time == NULL)
        return -1;
    size_t n = 0;
    for (int l = 0; l < run->lane_count; l++)
        for (size_t i = 0; i < lanes[l].count; i++)
            run->by_time[n++] = &lanes[l].records[i];
    qsort(run->by_time, run->count, sizeof *run->by_time, earlier_first);
    if (run->count > 0)
        run->end_ns = run->by_time[run->count - 1]->time_ns;
    match_arrows(run);
    return name_objects(run);
}

/* ---- Text shared by the three writers ------------------------------------------------------ */

#define NOTICEABLE_WAIT_NS 100000 /* waits shorter than 0.1 ms are not worth a mention */

static void format_duration(char *text, size_t size, long long ns)
{
    if (ns < 1000)
        snprintf(text, size, "%lld ns", ns);
    else if (ns < 1000000)
        snprintf(text, size, "%.1f µs", (double)ns / 1e3);
    else if (ns < 1000000000)
        snprintf(text, size, "%.1f ms", (double)ns / 1e6);
    else
        snprintf(text, size, "%.2f s", (double)ns / 1e9);
}

/* The short text for an event: "lock m1", "create T2", "put #3", the note itself, ... */
static void describe(const struct run *run, const struct trace_record *r, char *text, size_t size)
{
    char object[16] = "";
    snprintf(object, sizeof object, "%c%d", family_letter[family_of(r->kind)], r->object_number);
    const char *other = lane_name(r->token);
    switch (r->kind) {
    case TRACE_CREATE: snprintf(text, size, "create %s", other); break;
    case TRACE_START: snprintf(text, size, "start"); break;
    case TRACE_EXIT: snprintf(text, size, "exit"); break;
    case TRACE_JOIN_WAIT: snprintf(text, size, "waiting for %s", other); break;
    case TRACE_JOIN: snprintf(text, size, "join %s", other); break;
    case TRACE_LOCK_WAIT: snprintf(text, size, "waiting for %s", object); break;
    case TRACE_LOCK: snprintf(text, size, "lock %s", object); break;
    case TRACE_UNLOCK: snprintf(text, size, "unlock %s", object); break;
    case TRACE_SEM_WAIT: snprintf(text, size, "waiting for %s", object); break;
    case TRACE_SEM_TAKEN: snprintf(text, size, "wait %s", object); break;
    case TRACE_SEM_POST: snprintf(text, size, "post %s", object); break;
    case TRACE_COND_WAIT: snprintf(text, size, "waiting on %s", object); break;
    case TRACE_COND_WOKEN: snprintf(text, size, "wait %s", object); break;
    case TRACE_COND_SIGNAL: snprintf(text, size, "signal %s", object); break;
    case TRACE_COND_BROADCAST: snprintf(text, size, "broadcast %s", object); break;
    case TRACE_PUT: case TRACE_GET:
        snprintf(text, size, "%s #%ld%s%s", r->kind == TRACE_PUT ? "put" : "get", r->token,
                 run->queue_count > 1 ? " in " : "", run->queue_count > 1 ? object : "");
        break;
    case TRACE_BEGIN: snprintf(text, size, "begin %s", r->label); break;
    case TRACE_END: snprintf(text, size, "end %s", r->partner ? r->partner->label : "?"); break;
    case TRACE_NOTE: snprintf(text, size, "%s", r->label); break;
    case TRACE_SEND: case TRACE_RECEIVE:
        if (r->label[0] != '\0')
            snprintf(text, size, "%s", r->label);
        else
            snprintf(text, size, "%s #%ld", r->kind == TRACE_SEND ? "send" : "receive", r->token);
        break;
    }
}

/* How each kind of arrow is drawn, by the kind of event it ends at. */
static const struct arrow_kind {
    enum trace_kind target;
    const char *colour, *style, *meaning;
} arrow_kinds[] = {
    { TRACE_START, "gray45", "solid", "create → start" },
    { TRACE_JOIN, "gray45", "solid", "exit → join" },
    { TRACE_LOCK, "blue3", "solid", "unlock → lock" },
    { TRACE_SEM_TAKEN, "green4", "solid", "post → wait" },
    { TRACE_COND_WOKEN, "darkorange2", "dashed", "signal → wake-up (a hint)" },
    { TRACE_GET, "purple3", "solid", "put → get" },
    { TRACE_RECEIVE, "red3", "solid", "send → receive (a message)" },
};
#define ARROW_KIND_COUNT (sizeof arrow_kinds / sizeof arrow_kinds[0])

static const struct arrow_kind *arrow_kind_of(enum trace_kind target)
{
    for (size_t k = 0; k < ARROW_KIND_COUNT; k++)
        if (arrow_kinds[k].target == target)
            return &arrow_kinds[k];
    return &arrow_kinds[0];
}

/* Writes text for inside a "quoted" DOT string: quotes and backslashes escaped. */
static void put_dot_text(FILE *out, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if ((unsigned char)*c < ' ')
            fputc(' ', out);
        else
            fputc(*c, out);
    }
}

/* Writes text for inside a DOT <HTML-like> label. */
static void put_html_text(FILE *out, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        switch (*c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc((unsigned char)*c < ' ' ? ' ' : *c, out); break;
        }
    }
}

/* ---- 3. PREFIX-hb.dot: the happens-before diagram ------------------------------------------
 * rankdir=LR, one row per lane. Left to itself, dot reorders rows to save a few crossings (and
 * it ignores ordering edges between clusters), so the layout is fixed here instead:
 *   - every node gets a column, one more than each node with an edge to it (the node before it
 *     on its lane, the cause of its arrow), and each column is one rank=same;
 *   - a lane has a node in every column from its name to its last event: where it has no event
 *     the node is a tiny box drawn as part of the lane's line, which so runs straight through;
 *   - in every column the nodes are chained by invisible edges in lane order, which dot must
 *     keep: the rows cannot swap. Node n2_7 is lane 2, column 7.
 * Cross-thread arrows have weight=0 and always point right, forward in time. */

/* A span with no event inside is drawn as one node; so is a wait with the event ending it. */
static bool is_short_span(const struct trace_record *r)
{
    return r->kind == TRACE_BEGIN && r->partner != NULL && r->partner->index == r->index + 1;
}

static bool is_drawn_in_other_node(const struct trace_record *r)
{
    return r->partner != NULL && (is_wait(r->kind) || is_short_span(r->partner));
}

/* Sets r->column of every drawn event, and per lane the column of its last node and of its
 * "N more events" node (0 if none); returns the last column of all. */
static int place_in_columns(const struct run *run, int last_column[], int more_column[])
{
    int widest = 0;
    for (int l = 0; l < run->lane_count; l++)
        last_column[l] = more_column[l] = 0; /* column 0 holds the lane names */
    for (size_t i = 0; i < run->count; i++) {
        struct trace_record *r = run->by_time[i]; /* in time order: causes come first */
        int *last = &last_column[r->lane];
        if (is_drawn_in_other_node(r))
            continue;
        if (r->kind == TRACE_EXIT && lanes[r->lane].dropped > 0)
            more_column[r->lane] = ++*last; /* the dropped events happened before the exit */
        r->column = *last + 1;
        if (r->cause != NULL && r->cause->column >= r->column)
            r->column = r->cause->column + 1;
        *last = r->column;
    }
    for (int l = 0; l < run->lane_count; l++) {
        if (lanes[l].dropped > 0 && more_column[l] == 0)
            more_column[l] = ++last_column[l]; /* a lane without EXIT: at its end */
        if (last_column[l] > widest)
            widest = last_column[l];
    }
    return widest;
}

static void write_hb_node(FILE *out, const struct run *run, const struct trace_record *r)
{
    char text[128], took[32] = "";
    const char *fill = "white";
    describe(run, r, text, sizeof text);
    if (r->partner != NULL)
        format_duration(took, sizeof took, llabs(r->time_ns - r->partner->time_ns));
    if (is_short_span(r)) {
        snprintf(text, sizeof text, "%s\n%s", r->label, took);
        fill = r->token == TRACE_SPAN_WAITING ? "\"#cfe2f3\"" : "\"#d9ead3\"";
    } else if (r->kind == TRACE_END && r->partner != NULL) {
        snprintf(text, sizeof text, "end %s\n%s", r->partner->label, took);
        fill = "\"#d9ead3\"";
    } else if (r->kind == TRACE_BEGIN) {
        fill = "\"#d9ead3\"";
    } else if (r->partner != NULL && r->time_ns - r->partner->time_ns >= NOTICEABLE_WAIT_NS) {
        size_t length = strlen(text);
        snprintf(text + length, sizeof text - length, "\n(waited %s)", took);
        fill = "\"#f4cccc\"";
    } else if (r->kind == TRACE_NOTE) {
        fill = "\"#fff2cc\"";
    } else if (r->kind == TRACE_SEND || r->kind == TRACE_RECEIVE) {
        fill = "\"#f4cccc\"";
    } else if (r->kind == TRACE_START || r->kind == TRACE_EXIT) {
        fill = "gray92";
    }
    fprintf(out, "  n%d_%d [label=\"", r->lane, r->column);
    put_dot_text(out, text);
    fprintf(out, "\", fillcolor=%s];\n", fill);
}

static void write_hb(FILE *out, const struct run *run)
{
    int last_column[MAX_LANES], more_column[MAX_LANES];
    int widest = place_in_columns(run, last_column, more_column);
    fputs("digraph happens_before {\n  rankdir=LR; newrank=true; nodesep=0.18; ranksep=0.22;\n"
          "  node [shape=box, style=\"rounded,filled\", fontname=Helvetica, fontsize=11, "
          "height=0.3, margin=\"0.08,0.03\"];\n  edge [arrowsize=0.7, penwidth=1.3];\n", out);
    for (int l = 0; l < run->lane_count; l++) {
        const struct lane *lane = &lanes[l];
        if (lane->count == 0)
            continue;
        fprintf(out, "  n%d_0 [label=\"", l);
        put_dot_text(out, lane->name);
        fputs("\", shape=plaintext, style=\"\", fontname=\"Helvetica-Bold\", fontsize=13];\n", out);
        for (size_t i = 0; i < lane->count; i++)
            if (!is_drawn_in_other_node(&lane->records[i]))
                write_hb_node(out, run, &lane->records[i]);
        if (lane->dropped > 0)
            fprintf(out, "  n%d_%d [label=\"%lu more events\\nnot shown\", "
                         "style=\"rounded,dashed\", fontcolor=gray40];\n",
                    l, more_column[l], lane->dropped);
    }
    /* Program order: one straight line per lane, through tiny boxes of the line's own colour and
     * width where it has no event (dot leaves a small gap around any node, even an invisible one). */
    fputs("  node [shape=box, style=filled, fixedsize=true, width=0.04, height=0.014, penwidth=0, "
          "fillcolor=gray60, label=\"\"];\n", out);
    for (int l = 0; l < run->lane_count; l++) {
        if (lanes[l].count == 0)
            continue;
        fprintf(out, "  n%d_0", l);
        for (int c = 1; c <= last_column[l]; c++)
            fprintf(out, "%s-> n%d_%d", c % 10 == 0 ? "\n    " : " ", l, c);
        fprintf(out, " [weight=100, color=gray60, arrowhead=none, penwidth=1];\n");
    }
    /* Each column is one rank, its nodes chained top to bottom in lane order. */
    for (int c = 0; c <= widest; c++) {
        int in_column = 0;
        for (int l = 0; l < run->lane_count; l++) {
            if (lanes[l].count == 0 || last_column[l] < c)
                continue;
            fprintf(out, in_column++ == 0 ? "  { rank=same; n%d_%d" : " -> n%d_%d", l, c);
        }
        if (in_column > 0)
            fputs(in_column > 1 ? " [style=invis]; }\n" : "; }\n", out);
    }

    bool used[ARROW_KIND_COUNT] = { false };
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_record *r = run->by_time[i];
        if (r->cause == NULL)
            continue;
        const struct arrow_kind *kind = arrow_kind_of(r->kind);
        used[kind - arrow_kinds] = true;
        fprintf(out, "  n%d_%d -> n%d_%d [weight=0, color=%s, style=%s];\n", r->cause->lane,
                r->cause->column, r->lane, r->column, kind->colour, kind->style);
    }
    fputs("  labelloc=b; fontname=Helvetica; fontsize=12;\n  label=<<b>", out);
    put_html_text(out, title);
    fputs("</b>: happens-before: an arrow means the left event happened before the right one", out);
    const char *separator = "<br/>";
    for (size_t k = 0; k < ARROW_KIND_COUNT; k++)
        if (used[k]) {
            fprintf(out, "%s<font color=\"%s\">%s</font>", separator, arrow_kinds[k].colour,
                    arrow_kinds[k].meaning);
            separator = "    ";
        }
    fputs(">;\n}\n", out);
}

/* ---- 4. PREFIX-timeline.dot: swimlanes at true scale, for `neato -n2` -----------------------
 * Every node is a fixed-size box placed with pos="x,y!" in points; a box of duration d is
 * d * scale points wide. */

#define TL_LEFT 90.0     /* points left of time 0, for the lane names */
#define TL_WIDTH 1000.0  /* points for the whole run */
#define TL_ROW 56.0      /* points from one lane to the next */
#define TL_MIN_WIDTH 2.0 /* the narrowest box drawn, so that short waits still show */
#define TL_FONT 10.0

struct timeline {
    FILE *out;
    int next_node; /* nodes are t0, t1, ... */
    double scale;  /* points per nanosecond */
};

static double tl_x(const struct timeline *tl, long long ns)
{
    return TL_LEFT + (double)ns * tl->scale;
}

/* A generous guess of how wide text is in points, so that labels are only put where they fit. */
static double text_width(const char *text, double font_size)
{
    size_t characters = 0;
    for (const char *c = text; *c != '\0'; c++)
        characters += ((unsigned char)*c & 0xC0) != 0x80; /* count UTF-8 characters */
    return (double)characters * font_size * 0.6 + 6;
}

/* A box from x0 to x1 centred on y; label is shown only if it fits (pass "" for none). */
static void tl_box(struct timeline *tl, double x0, double x1, double y, double height,
                  const char *attributes, const char *label)
{
    double width = x1 - x0 < TL_MIN_WIDTH ? TL_MIN_WIDTH : x1 - x0;
    fprintf(tl->out, "  t%d [pos=\"%.1f,%.1f!\", width=%.3f, height=%.3f, %s, label=\"",
            tl->next_node, x0 + width / 2, y, width / 72, height / 72, attributes);
    if (text_width(label, TL_FONT) <= width)
        put_dot_text(tl->out, label);
    fputs("\"];\n", tl->out);
    tl->next_node++;
}

/* Text starting at x (or ending at x, if right_aligned) on the line y. */
static void tl_text(struct timeline *tl, double x, double y, bool right_aligned,
                    double font_size, const char *text)
{
    double width = text_width(text, font_size);
    fprintf(tl->out, "  t%d [pos=\"%.1f,%.1f!\", width=%.3f, height=%.3f, shape=plaintext, "
                     "fontsize=%.0f, label=\"", tl->next_node++, right_aligned ? x - width / 2 :
            x + width / 2, y, width / 72, (font_size + 4) / 72, font_size);
    put_dot_text(tl->out, text);
    fputs(right_aligned ? "\\r\"];\n" : "\\l\"];\n", tl->out);
}

static const char *waiting_colour(enum trace_kind kind)
{
    switch (kind) {
    case TRACE_COND_WAIT: return "\"#f9cb9c\"";
    case TRACE_JOIN_WAIT: return "gray80";
    default: return "\"#ea9999\""; /* mutex or semaphore */
    }
}

/* The UNLOCK that ends the hold starting at `lock`, or NULL if it was not kept. */
static const struct trace_record *unlock_after(const struct lane *lane, const struct trace_record *lock)
{
    for (size_t i = lock->index + 1; i < lane->count; i++)
        if (lane->records[i].kind == TRACE_UNLOCK && lane->records[i].object == lock->object)
            return &lane->records[i];
    return NULL;
}

/* Spans from trace_begin() compute; spans from trace_begin_waiting() wait for the world. */
#define WORKING_SPAN_STYLE "style=filled, fillcolor=\"#b6d7a8\", color=\"#6aa84f\""
#define WAITING_SPAN_STYLE "style=filled, fillcolor=\"#cfe2f3\", color=\"#6fa8dc\""

static void tl_lane(struct timeline *tl, const struct run *run, const struct lane *lane, double y)
{
    const struct trace_record *records = lane->records;
    long long cut_ns = lane_cut_ns(lane), last_ns = records[lane->count - 1].time_ns;
    char text[128];
    int depth = 0;              /* how many spans are open */
    double free_from_x = 0;     /* where the last note's text ends */
    tl_text(tl, TL_LEFT - 10, y, true, 12, lane->name);
    /* The thread's life: a thin line while recorded, then a dashed box for what was dropped. */
    tl_box(tl, tl_x(tl, records[0].time_ns), tl_x(tl, cut_ns), y, 3,
           "style=filled, fillcolor=gray55, penwidth=0", "");
    if (lane->dropped > 0) {
        snprintf(text, sizeof text, "%lu more events not shown", lane->dropped);
        tl_box(tl, tl_x(tl, cut_ns), tl_x(tl, last_ns), y, 16, "style=dashed, color=gray50, "
               "fontcolor=gray40", text);
        if (text_width(text, TL_FONT) > tl_x(tl, last_ns) - tl_x(tl, cut_ns))
            tl_text(tl, tl_x(tl, last_ns) + 6, y, false, TL_FONT, text); /* did not fit inside */
    }
    for (size_t i = 0; i < lane->count; i++) {
        const struct trace_record *r = &records[i], *end = r->partner;
        double x = tl_x(tl, r->time_ns);
        long long end_ns = end != NULL ? end->time_ns : cut_ns;
        describe(run, r, text, sizeof text);
        if (r->kind == TRACE_BEGIN) {
            double height = depth < 3 ? 24 - 5 * depth : 9;
            tl_box(tl, x, tl_x(tl, end_ns), y, height, r->token == TRACE_SPAN_WAITING ?
                   WAITING_SPAN_STYLE : WORKING_SPAN_STYLE, r->label);
            depth++;
        } else if (r->kind == TRACE_END && r->partner != NULL) {
            depth--;
        } else if (is_wait(r->kind)) {
            char attributes[64];
            snprintf(attributes, sizeof attributes, "style=filled, fillcolor=%s, penwidth=0",
                     waiting_colour(r->kind));
            tl_box(tl, x, tl_x(tl, end_ns), y, 16, attributes, text);
        } else if (r->kind == TRACE_LOCK) {
            const struct trace_record *unlock = unlock_after(lane, r);
            tl_box(tl, x, tl_x(tl, unlock != NULL ? unlock->time_ns : cut_ns), y - 15, 5,
                   "style=filled, fillcolor=\"#6fa8dc\", penwidth=0", "");
        } else if (r->kind == TRACE_NOTE) {
            tl_box(tl, x - 1, x + 1, y + 2, 20, "style=filled, fillcolor=\"#bf9000\", penwidth=0", "");
            if (x + 3 >= free_from_x) { /* else the text would overlap the note before */
                tl_text(tl, x + 3, y + 17, false, 9, r->label);
                free_from_x = x + 3 + text_width(r->label, 9);
            }
        } else if (r->kind != TRACE_UNLOCK && r->kind != TRACE_START && r->kind != TRACE_EXIT &&
                   r->kind != TRACE_JOIN) {
            tl_box(tl, x - 1, x + 1, y, 10, "style=filled, fillcolor=gray30, penwidth=0", "");
        }
        if (r->kind == TRACE_CREATE || r->kind == TRACE_START || r->kind == TRACE_EXIT ||
            r->kind == TRACE_JOIN || r->kind == TRACE_SEND || r->kind == TRACE_RECEIVE)
            /* a point for the create -> start, exit -> join and send -> receive arrows */
            fprintf(tl->out, "  a%d_%zu [pos=\"%.1f,%.1f!\", shape=point, width=0.05, "
                             "color=gray30];\n", r->lane, r->index, x, y);
    }
}

/* A round time between axis ticks, 1, 2 or 5 x 10^k ns, for at most 10 steps in total_ns. */
static long long tick_step(long long total_ns)
{
    for (long long power = 1;; power *= 10) {
        if (total_ns / power <= 10)
            return power;
        if (total_ns / (2 * power) <= 10)
            return 2 * power;
        if (total_ns / (5 * power) <= 10)
            return 5 * power;
    }
}

static void write_timeline(FILE *out, const struct run *run)
{
    struct timeline tl = { out, 0, TL_WIDTH / (double)(run->end_ns > 0 ? run->end_ns : 1) };
    double y = 0;
    fputs("digraph timeline {\n  node [shape=box, fixedsize=true, fontname=Helvetica, "
          "fontsize=10, label=\"\"];\n  edge [color=gray45, arrowsize=0.5, penwidth=0.8];\n", out);
    for (int l = 0; l < run->lane_count; l++) {
        if (lanes[l].count == 0)
            continue;
        y -= TL_ROW;
        tl_lane(&tl, run, &lanes[l], y);
    }
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_record *r = run->by_time[i], *c = r->cause;
        if (c != NULL && (r->kind == TRACE_START || r->kind == TRACE_JOIN))
            fprintf(out, "  a%d_%zu -> a%d_%zu;\n", c->lane, c->index, r->lane, r->index);
        else if (c != NULL && r->kind == TRACE_RECEIVE)
            fprintf(out, "  a%d_%zu -> a%d_%zu [color=red3, penwidth=1.2];\n", c->lane, c->index,
                    r->lane, r->index);
    }

    /* The time axis, then a legend, then the title at the top. */
    char text[160];
    y -= TL_ROW * 0.6;
    tl_box(&tl, TL_LEFT, TL_LEFT + TL_WIDTH, y, 1, "style=filled, fillcolor=black", "");
    long long step = tick_step(run->end_ns > 0 ? run->end_ns : 1);
    long long unit = run->end_ns >= 1000000000 ? 1000000000 : run->end_ns >= 1000000 ? 1000000 :
                     run->end_ns >= 1000 ? 1000 : 1;
    const char *unit_name = unit == 1000000000 ? "s" : unit == 1000000 ? "ms" :
                            unit == 1000 ? "µs" : "ns";
    for (long long t = 0; t <= run->end_ns; t += step) {
        tl_box(&tl, tl_x(&tl, t) - 0.5, tl_x(&tl, t) + 0.5, y - 3, 6,
               "style=filled, fillcolor=black", "");
        snprintf(text, sizeof text, "%g %s", (double)t / (double)unit, unit_name);
        tl_text(&tl, tl_x(&tl, t) - text_width(text, 10) / 2, y - 14, false, 10, text);
    }
    static const struct { const char *attributes, *meaning; } legend[] = {
        { WORKING_SPAN_STYLE, "working" },
        { WAITING_SPAN_STYLE, "waiting (sleep, I/O)" },
        { "style=filled, fillcolor=\"#6fa8dc\", penwidth=0", "holding a mutex" },
        { "style=filled, fillcolor=\"#ea9999\", penwidth=0", "waiting for a mutex or semaphore" },
        { "style=filled, fillcolor=\"#f9cb9c\", penwidth=0", "waiting on a condition variable" },
        { "style=filled, fillcolor=gray80, penwidth=0", "waiting to join" },
        { "style=filled, fillcolor=\"#bf9000\", penwidth=0", "note" },
        { "style=filled, fillcolor=red3, penwidth=0", "message" },
    };
    double x = TL_LEFT;
    y -= 40;
    for (size_t k = 0; k < sizeof legend / sizeof legend[0]; k++) {
        tl_box(&tl, x, x + 14, y, 10, legend[k].attributes, "");
        tl_text(&tl, x + 18, y, false, 10, legend[k].meaning);
        x += 30 + text_width(legend[k].meaning, 10);
    }
    format_duration(text, sizeof text, run->end_ns);
    size_t length = strlen(text);
    snprintf(text + length, sizeof text - length, " traced; time 0 is trace_open()");
    tl_text(&tl, TL_LEFT, -14, false, 14, title);
    tl_text(&tl, TL_LEFT + text_width(title, 14) + 10, -14, false, 11, text);
    fputs("}\n", out);
}

/* ---- 5. PREFIX.json: Chrome trace-event format ---------------------------------------------
 * pid 1, tid = lane + 1; "X" slices for spans and waits (they nest, as the format requires),
 * "i" instants for the other events, and "s"/"f" flow events for the arrows. */

static void put_json_text(FILE *out, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if ((unsigned char)*c < ' ')
            fprintf(out, "\\u%04x", (unsigned)*c);
        else
            fputc(*c, out);
    }
}

/* Starts one event object with the fields every event has; the caller adds the rest. */
static void json_event(FILE *out, bool *first, const char *phase, int lane, long long ns,
                       const char *name)
{
    fprintf(out, "%s\n{\"ph\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"name\":\"",
            *first ? "" : ",", phase, lane + 1, (double)ns / 1e3);
    put_json_text(out, name);
    fputc('"', out);
    *first = false;
}

static void write_json(FILE *out, const struct run *run)
{
    bool first = true;
    char text[128];
    fputs("{\"traceEvents\":[", out);
    json_event(out, &first, "M", -1, 0, "process_name");
    fputs(",\"args\":{\"name\":\"", out);
    put_json_text(out, title);
    fputs("\"}}", out);
    for (int l = 0; l < run->lane_count; l++) {
        const struct lane *lane = &lanes[l];
        if (lane->count == 0)
            continue;
        json_event(out, &first, "M", l, 0, "thread_name");
        fputs(",\"args\":{\"name\":\"", out);
        put_json_text(out, lane->name);
        fputs("\"}}", out);
        for (size_t i = 0; i < lane->count; i++) {
            const struct trace_record *r = &lane->records[i];
            long long end_ns = r->partner != NULL ? r->partner->time_ns : lane_cut_ns(lane);
            describe(run, r, text, sizeof text);
            if (r->kind == TRACE_BEGIN || is_wait(r->kind)) {
                json_event(out, &first, "X", l, r->time_ns, r->kind == TRACE_BEGIN ? r->label : text);
                fprintf(out, ",\"dur\":%.3f,\"cat\":\"%s\"}", (double)(end_ns - r->time_ns) / 1e3,
                        r->kind != TRACE_BEGIN ? "blocked" :
                        r->token == TRACE_SPAN_WAITING ? "waiting" : "work");
            } else if (r->kind != TRACE_END) {
                json_event(out, &first, "i", l, r->time_ns, text);
                fputs(",\"s\":\"t\"}", out);
            }
        }
    }
    int flow_id = 0;
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_record *r = run->by_time[i];
        if (r->cause == NULL)
            continue;
        const char *meaning = arrow_kind_of(r->kind)->meaning;
        flow_id++;
        json_event(out, &first, "s", r->cause->lane, r->cause->time_ns, meaning);
        fprintf(out, ",\"cat\":\"happens-before\",\"id\":%d}", flow_id);
        json_event(out, &first, "f", r->lane, r->time_ns, meaning);
        fprintf(out, ",\"cat\":\"happens-before\",\"id\":%d,\"bp\":\"e\"}", flow_id);
    }
    fputs("\n],\"displayTimeUnit\":\"ms\"}\n", out);
}

/* ---- 6. Opening and closing ---------------------------------------------------------------- */

static void report_error(const char *what, const char *path, int error)
{
    char reason[128];
    if (strerror_r(error, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", error);
    fprintf(stderr, "trace: %s %s: %s\n", what, path, reason);
}

/* trace_open() and trace_open_process(): process is -1 for the first. */
static int open_session(const char *path_prefix, int process)
{
    if (trace_on()) {
        fprintf(stderr, "trace: trace_open() called again before trace_close()\n");
        return -1;
    }
    /* Check now that the files can be written, rather than after the whole run. */
    const char *slash = strrchr(path_prefix, '/');
    char folder[PATH_MAX] = ".";
    if (slash != NULL)
        snprintf(folder, sizeof folder, "%.*s", slash == path_prefix ? 1 : (int)(slash - path_prefix),
                 path_prefix);
    if (access(folder, W_OK | X_OK) != 0) {
        report_error("cannot write files in folder", folder, errno);
        return -1;
    }
    struct timespec origin;
    if (clock_gettime(CLOCK_MONOTONIC, &origin) != 0) {
        report_error("cannot read the clock", "CLOCK_MONOTONIC", errno);
        return -1;
    }
    prefix = strdup(path_prefix);
    if (prefix == NULL) {
        report_error("cannot start tracing", path_prefix, errno);
        return -1;
    }
    /* TRACE_LIMIT=N in the environment keeps N events per thread instead, for instructors who
     * want a longer (wider) diagram without changing the lesson. */
    const char *limit_text = getenv("TRACE_LIMIT");
    long limit_value;
    if (limit_text != NULL) {
        if (parse_long(limit_text, 1, 100000, &limit_value))
            trace_set_limit((unsigned)limit_value);
        else
            fprintf(stderr, "trace: ignoring TRACE_LIMIT=%s: not a whole number from 1 to 100000\n",
                    limit_text);
    }
    const char *last_slash = strrchr(prefix, '/');
    title = last_slash != NULL ? last_slash + 1 : prefix;
    clock_origin_ns = origin.tv_sec * 1000000000LL + origin.tv_nsec;
    memset(lanes, 0, sizeof lanes);
    session++;
    atomic_store_explicit(&next_lane, 1, memory_order_relaxed);
    my_session = session;
    my_lane = 0;
    process_number = process;
    if (process < 0)
        snprintf(lanes[0].name, sizeof lanes[0].name, "main");
    else
        snprintf(lanes[0].name, sizeof lanes[0].name, "rank %d", process);
    atomic_store_explicit(&recording, true, memory_order_release);
    record(TRACE_START, NULL, 0, "");
    return 0;
}

int trace_open(const char *path_prefix)
{
    return open_session(path_prefix, -1);
}

int trace_open_process(const char *path_prefix, int process)
{
    if (process < 0) {
        fprintf(stderr, "trace: trace_open_process() needs a process number from 0, not %d\n",
                process);
        return -1;
    }
    return open_session(path_prefix, process);
}

/* Writes prefix + suffix with `writer`; 0, or -1 after saying why on stderr. */
static int write_file(const char *suffix, void (*writer)(FILE *, const struct run *),
                      const struct run *run)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s%s", prefix, suffix) >= (int)sizeof path) {
        report_error("cannot write", prefix, ENAMETOOLONG);
        return -1;
    }
    int result = 0;
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        report_error("cannot write", path, errno);
        result = -1;
    } else {
        errno = 0;
        writer(out, run);
        bool failed = ferror(out) != 0;
        if (fclose(out) != 0 || failed) {
            report_error("cannot write", path, errno != 0 ? errno : EIO);
            result = -1;
        }
    }
    return result;
}

static int write_process_events(void);

/* Writes the three views of the lanes, then frees them and forgets the session. */
static int write_views_and_forget(void)
{
    struct run run;
    int result = 0;
    if (analyse(&run) != 0) {
        report_error("out of memory while writing", prefix, ENOMEM);
        result = -1;
    } else {
        result |= write_file("-hb.dot", write_hb, &run);
        result |= write_file("-timeline.dot", write_timeline, &run);
        result |= write_file(".json", write_json, &run);
    }
    free(run.by_time);
    return result;
}

static void forget_session(void)
{
    for (int l = 0; l < MAX_LANES; l++) {
        if (lanes[l].out_of_memory)
            fprintf(stderr, "trace: out of memory: some events of %s were not kept\n", lanes[l].name);
        free(lanes[l].records);
    }
    memset(lanes, 0, sizeof lanes);
    free(prefix);
    prefix = NULL;
    title = NULL;
    process_number = -1;
    trace_set_limit(TRACE_DEFAULT_LIMIT);
}

int trace_close(void)
{
    if (!trace_on()) {
        fprintf(stderr, "trace: trace_close() without trace_open()\n");
        return -1;
    }
    record(TRACE_EXIT, NULL, 0, "");
    atomic_store_explicit(&recording, false, memory_order_relaxed);

    int result = process_number >= 0 ? write_process_events() : write_views_and_forget();
    if (atomic_load_explicit(&next_lane, memory_order_relaxed) > MAX_LANES)
        fprintf(stderr, "trace: only the first %d threads were traced\n", MAX_LANES);
    forget_session();
    return result;
}

/* ---- 7. Several processes ------------------------------------------------------------------
 * Each process writes PREFIX.process-N, a text file: a first line "process ORIGIN LANES" (its
 * CLOCK_MONOTONIC at trace_open_process(), in ns, and how many lanes follow), then per lane a
 * line "lane DROPPED FIRST_DROP_NS COUNT NAME_LENGTH:NAME" and COUNT lines "KIND TIME_NS
 * OBJECT TOKEN LABEL_LENGTH:LABEL". Texts are written with their length, as they may hold any
 * byte but '\0'. */

static void events_path(char *path, size_t size, const char *path_prefix, int process)
{
    snprintf(path, size, "%s.process-%d", path_prefix, process);
}

static void put_counted_text(FILE *out, const char *text)
{
    fprintf(out, "%zu:%s", strlen(text), text);
}

static int write_process_events(void)
{
    char path[PATH_MAX];
    events_path(path, sizeof path, prefix, process_number);
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        report_error("cannot write", path, errno);
        return -1;
    }
    long handed_out = atomic_load_explicit(&next_lane, memory_order_relaxed);
    int lane_count = handed_out < MAX_LANES ? (int)handed_out : MAX_LANES;
    fprintf(out, "process %lld %d\n", clock_origin_ns, lane_count);
    for (int l = 0; l < lane_count; l++) {
        const struct lane *lane = &lanes[l];
        fprintf(out, "lane %lu %lld %zu ", lane->dropped, lane->first_drop_ns, lane->count);
        put_counted_text(out, lane->name);
        fputc('\n', out);
        for (size_t i = 0; i < lane->count; i++) {
            const struct trace_record *r = &lane->records[i];
            fprintf(out, "%d %lld %jx %ld ", (int)r->kind, r->time_ns, (uintmax_t)(uintptr_t)r->object,
                    r->token);
            put_counted_text(out, r->label);
            fputc('\n', out);
        }
    }
    bool failed = ferror(out) != 0;
    if (fclose(out) != 0 || failed) {
        report_error("cannot write", path, errno != 0 ? errno : EIO);
        return -1;
    }
    return 0;
}

/* Reads "LENGTH:TEXT" into text[size] (cut to fit); false if the file is not like that. */
static bool get_counted_text(FILE *in, char *text, size_t size)
{
    size_t length;
    if (fscanf(in, "%zu:", &length) != 1)
        return false;
    for (size_t i = 0; i < length; i++) {
        int c = getc(in);
        if (c == EOF)
            return false;
        if (i + 1 < size)
            text[i] = (char)c;
    }
    text[length < size ? length : size - 1] = '\0';
    return true;
}

/* Reads one process's events into lanes first_lane ...; returns how many lanes it had, or -1.
 * Its times are moved to the common origin, and the lane numbers in its events (a create's, a
 * join's) to the lanes they now have. */
static int read_process_events(FILE *in, int process, int first_lane, long long origin_ns)
{
    long long process_origin_ns;
    int lane_count;
    if (fscanf(in, "process %lld %d ", &process_origin_ns, &lane_count) != 2 || lane_count < 0 ||
        first_lane + lane_count > MAX_LANES)
        return -1;
    long long shift_ns = process_origin_ns - origin_ns;
    for (int l = first_lane; l < first_lane + lane_count; l++) {
        struct lane *lane = &lanes[l];
        size_t count;
        if (fscanf(in, "lane %lu %lld %zu ", &lane->dropped, &lane->first_drop_ns, &count) != 3 ||
            !get_counted_text(in, lane->name, sizeof lane->name))
            return -1;
        lane->first_drop_ns += shift_ns;
        lane->records = calloc(count + 1, sizeof *lane->records);
        if (lane->records == NULL)
            return -1;
        lane->capacity = count + 1;
        for (size_t i = 0; i < count; i++) {
            struct trace_record *r = &lane->records[i];
            int kind;
            uintmax_t object; /* an address in that process: only compared with others of it */
            if (fscanf(in, "%d %lld %jx %ld ", &kind, &r->time_ns, &object, &r->token) != 4 ||
                kind < TRACE_CREATE || kind > TRACE_RECEIVE ||
                !get_counted_text(in, r->label, sizeof r->label))
                return -1;
            r->kind = (enum trace_kind)kind;
            r->object = (const void *)(uintptr_t)object;
            r->time_ns += shift_ns;
            r->lane = l;
            r->process = process;
            r->index = i;
            if (kind == TRACE_CREATE || kind == TRACE_JOIN_WAIT || kind == TRACE_JOIN)
                r->token += first_lane;
            lane->count++;
        }
    }
    return lane_count;
}

/* The CLOCK_MONOTONIC origin of one process's events file, or -1 if it cannot be read. */
static long long process_origin(const char *path)
{
    FILE *in = fopen(path, "r");
    long long origin_ns = -1;
    if (in != NULL) {
        if (fscanf(in, "process %lld", &origin_ns) != 1)
            origin_ns = -1;
        fclose(in);
    }
    return origin_ns;
}

int trace_merge_processes(const char *path_prefix, int processes)
{
    if (trace_on()) {
        fprintf(stderr, "trace: trace_merge_processes() while tracing; call trace_close() first\n");
        return -1;
    }
    if (processes < 1) {
        fprintf(stderr, "trace: trace_merge_processes() needs at least one process, not %d\n",
                processes);
        return -1;
    }
    char path[PATH_MAX];
    /* Time 0 is the earliest trace_open_process() of all. */
    long long origin_ns = LLONG_MAX;
    for (int p = 0; p < processes; p++) {
        events_path(path, sizeof path, path_prefix, p);
        long long process_origin_ns = process_origin(path);
        if (process_origin_ns < 0) {
            report_error("cannot read the events of a process in", path, errno != 0 ? errno : EINVAL);
            return -1;
        }
        if (process_origin_ns < origin_ns)
            origin_ns = process_origin_ns;
    }
    prefix = strdup(path_prefix);
    if (prefix == NULL) {
        report_error("cannot merge", path_prefix, errno);
        return -1;
    }
    const char *last_slash = strrchr(prefix, '/');
    title = last_slash != NULL ? last_slash + 1 : prefix;
    memset(lanes, 0, sizeof lanes);
    int lane_count = 0, result = 0;
    for (int p = 0; p < processes && result == 0; p++) {
        events_path(path, sizeof path, path_prefix, p);
        FILE *in = fopen(path, "r");
        int read = in != NULL ? read_process_events(in, p, lane_count, origin_ns) : -1;
        if (in != NULL)
            fclose(in);
        if (read < 0) {
            fprintf(stderr, "trace: %s is not a process's events as trace_close() writes them "
                            "(or the processes have more than %d threads in all)\n", path, MAX_LANES);
            result = -1;
        } else {
            lane_count += read;
            remove(path);
        }
    }
    atomic_store_explicit(&next_lane, lane_count, memory_order_relaxed);
    if (result == 0)
        result = write_views_and_forget();
    forget_session();
    return result;
}
