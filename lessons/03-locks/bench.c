/* bench.c - what one increment of a shared count costs, seven ways (see bench.h).
 *
 * What the numbers measure is mostly not the instructions but the cache line the count lives
 * in. To write a line, a core needs the only copy of it; when threads on two cores write the
 * same line, it travels from one core's cache to the other's on (nearly) every write, which
 * costs far more than the addition itself. That is why every shared thing below sits on a
 * cache line of its own (alignas), except in the one way where the point is that it does not.
 */
#include "bench.h"

#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>

#include "counter.h"
#include "spinlock.h"
#include "sync.h"
#include "timing.h"

/* 64 bytes on x86-64 and most ARM cores; Apple's M-series use 128. A slot that is too small
 * still works, only slower: two slots share a line again. */
#define CACHE_LINE 64
#define MAX_THREADS 4

enum way { NO_LOCK, MUTEX, TAS, TTAS, ATOMIC_ADD, SHARDED_ONE_LINE, SHARDED_PADDED, WAY_COUNT };

static const struct {
    const char *name;
    const char *exercise;   /* the exercise the way needs, or NULL */
} ways[WAY_COUNT] = {
    [NO_LOCK] = { "no lock", NULL },
    [MUTEX] = { "mutex", "exercise 1" },
    [TAS] = { "spinlock, TAS", "exercise 3" },
    [TTAS] = { "spinlock, TTAS", "exercise 4" },
    [ATOMIC_ADD] = { "atomic add", NULL },
    [SHARDED_ONE_LINE] = { "sharded, one line", NULL },
    [SHARDED_PADDED] = { "sharded, padded", NULL },
};

struct padded_slot {
    alignas(CACHE_LINE) atomic_long count;   /* the struct is a whole cache line */
};

/* What the threads share. */
static struct {
    alignas(CACHE_LINE) atomic_uint ready;   /* threads started and waiting for go */
    atomic_bool go, stop;                    /* read by every thread, written twice a run */
    alignas(CACHE_LINE) atomic_long racy;
    alignas(CACHE_LINE) struct counter counter;
    alignas(CACHE_LINE) struct tas_spinlock tas;
    long tas_count;                          /* guarded by tas */
    alignas(CACHE_LINE) struct ttas_spinlock ttas;
    long ttas_count;                         /* guarded by ttas */
    alignas(CACHE_LINE) atomic_long atomic_count;
    alignas(CACHE_LINE) atomic_long one_line[MAX_THREADS];   /* four slots, one line */
    struct padded_slot padded[MAX_THREADS];                  /* four slots, four lines */
} shared;

struct worker {
    pthread_t thread;
    unsigned index;
    enum way way;
    long made;   /* increments this thread made */
};

static bool stopped(void)
{
    return atomic_load_explicit(&shared.stop, memory_order_relaxed);
}

/* Adds 1 a different way in each loop until main says stop. The loops are written out one by
 * one, so that each measures its own way and nothing else. */
static void *increment_until_stopped(void *arg)
{
    struct worker *me = arg;
    atomic_fetch_add_explicit(&shared.ready, 1, memory_order_relaxed);
    while (!atomic_load_explicit(&shared.go, memory_order_acquire))
        sched_yield();
    long made = 0;
    switch (me->way) {
    case NO_LOCK:
        /* Read, then write: an increment another thread makes in between is overwritten, and
         * lost. The loads and stores are relaxed atomics rather than a plain `count++`: each is
         * then one whole access that the compiler keeps inside the loop (a plain counter in a
         * loop may be folded into one addition at the end), and ThreadSanitizer does not stop
         * `make tsan` over it. The race is in the logic: a race condition, not a data race. */
        for (; !stopped(); made++) {
            long seen = atomic_load_explicit(&shared.racy, memory_order_relaxed);
            atomic_store_explicit(&shared.racy, seen + 1, memory_order_relaxed);
        }
        break;
    case MUTEX:
        for (; !stopped(); made++)
            counter_add(&shared.counter, 1);
        break;
    case TAS:
        for (; !stopped(); made++) {
            tas_lock(&shared.tas);
            shared.tas_count++;
            tas_unlock(&shared.tas);
        }
        break;
    case TTAS:
        for (; !stopped(); made++) {
            ttas_lock(&shared.ttas);
            shared.ttas_count++;
            ttas_unlock(&shared.ttas);
        }
        break;
    case ATOMIC_ADD:
        /* One indivisible read-modify-write: the hardware locks the cache line for it. */
        for (; !stopped(); made++)
            atomic_fetch_add_explicit(&shared.atomic_count, 1, memory_order_relaxed);
        break;
    case SHARDED_ONE_LINE:
    case SHARDED_PADDED: {
        /* The same read-then-write as "no lock", but on a slot only this thread writes, so
         * nothing is lost; a reader adds up the slots. Side by side, the slots still share one
         * cache line, which bounces between the cores as if it were one count: "false sharing". */
        atomic_long *slot = me->way == SHARDED_PADDED ? &shared.padded[me->index].count
                                                      : &shared.one_line[me->index];
        for (; !stopped(); made++) {
            long mine = atomic_load_explicit(slot, memory_order_relaxed);
            atomic_store_explicit(slot, mine + 1, memory_order_relaxed);
        }
        break;
    }
    case WAY_COUNT:
        break;
    }
    me->made = made;
    return NULL;
}

/* Sets every count to zero and every lock free; false if the way's exercise is not done. */
static bool reset(enum way way)
{
    atomic_store(&shared.ready, 0);
    atomic_store(&shared.go, false);
    atomic_store(&shared.stop, false);
    atomic_store(&shared.racy, 0);
    atomic_store(&shared.atomic_count, 0);
    shared.tas_count = shared.ttas_count = 0;
    for (unsigned k = 0; k < MAX_THREADS; k++) {
        atomic_store(&shared.one_line[k], 0);
        atomic_store(&shared.padded[k].count, 0);
    }
    switch (way) {
    case MUTEX: return counter_init(&shared.counter) == 0;
    case TAS: return tas_init(&shared.tas) == 0;
    case TTAS: return ttas_init(&shared.ttas) == 0;
    default: return true;
    }
}

/* The count a way ended with, read after every thread has been joined. */
static long final_count(enum way way)
{
    long sum = 0;
    switch (way) {
    case NO_LOCK: return atomic_load(&shared.racy);
    case MUTEX: {
        long count = counter_read(&shared.counter);
        counter_destroy(&shared.counter);
        return count;
    }
    case TAS: return shared.tas_count;
    case TTAS: return shared.ttas_count;
    case ATOMIC_ADD: return atomic_load(&shared.atomic_count);
    case SHARDED_ONE_LINE:
        for (unsigned k = 0; k < MAX_THREADS; k++)
            sum += atomic_load(&shared.one_line[k]);
        return sum;
    case SHARDED_PADDED:
        for (unsigned k = 0; k < MAX_THREADS; k++)
            sum += atomic_load(&shared.padded[k].count);
        return sum;
    case WAY_COUNT:
        break;
    }
    return sum;
}

/* One run: start the threads, let them count for run_ms, stop them. Returns the increments
 * made per second, and the fraction of them missing from the count in *lost; -1 if the way's
 * exercise is not done. */
static double run_once(enum way way, unsigned threads, long run_ms, double *lost)
{
    struct worker workers[MAX_THREADS];
    if (!reset(way))
        return -1;
    for (unsigned k = 0; k < threads; k++) {
        workers[k] = (struct worker){ .index = k, .way = way };
        thread_create(&workers[k].thread, increment_until_stopped, &workers[k]);
    }
    while (atomic_load_explicit(&shared.ready, memory_order_relaxed) < threads)
        sched_yield();
    /* Every thread is waiting: start them at once, and time from here to the stop. */
    double start = now_seconds();
    atomic_store_explicit(&shared.go, true, memory_order_release);
    sleep_ms(run_ms);   /* main sleeps: it needs no core while the threads count */
    atomic_store_explicit(&shared.stop, true, memory_order_relaxed);
    double seconds = now_seconds() - start;
    long made = 0;
    for (unsigned k = 0; k < threads; k++) {
        thread_join(workers[k].thread);
        made += workers[k].made;
    }
    long counted = final_count(way);
    *lost = made > 0 ? (double)(made - counted) / (double)made : 0;
    return (double)made / seconds;
}

/* What the table shows for one way at one number of threads. */
struct cell {
    bool done;         /* false: the way's exercise is not written yet */
    double rate;       /* median increments per second */
    double lost;       /* median fraction of increments missing from the count */
    bool any_lost;     /* some run lost increments */
};

static struct cell measure(enum way way, unsigned threads, long run_ms, long repeat)
{
    double rates[BENCH_MAX_REPEAT], losses[BENCH_MAX_REPEAT];
    struct cell cell = { .done = true };
    for (long run = 0; run < repeat; run++) {
        rates[run] = run_once(way, threads, run_ms, &losses[run]);
        if (rates[run] < 0)
            return (struct cell){ .done = false };
        cell.any_lost = cell.any_lost || losses[run] > 0;
    }
    cell.rate = median(rates, (size_t)repeat);
    cell.lost = median(losses, (size_t)repeat);
    return cell;
}

bool bench_increments(long run_ms, long repeat)
{
    static const unsigned thread_counts[] = { 1, 2, MAX_THREADS };
    enum { COUNTS = sizeof thread_counts / sizeof thread_counts[0] };
    static struct cell cells[WAY_COUNT][COUNTS];

    /* Everything first, then the table: the ratios need the mutex's rates on every row. */
    for (int way = 0; way < WAY_COUNT; way++)
        for (unsigned c = 0; c < COUNTS; c++)
            cells[way][c] = measure((enum way)way, thread_counts[c], run_ms, repeat);

    bool all_right = true;
    printf("  %-18s %7s %10s %12s %9s   %s\n", "way", "threads", "M incr/s", "vs 1 thread",
           "vs mutex", "the count at the end");
    for (int way = 0; way < WAY_COUNT; way++) {
        if (!cells[way][0].done) {
            printf("  %-18s   (%s is not done yet)\n", ways[way].name, ways[way].exercise);
            all_right = false;
            continue;
        }
        for (unsigned c = 0; c < COUNTS; c++) {
            const struct cell *cell = &cells[way][c], *mutex = &cells[MUTEX][c];
            printf("  %-18s %7u %10.1f %12.2f ", c == 0 ? ways[way].name : "", thread_counts[c],
                   cell->rate / 1e6, cell->rate / cells[way][0].rate);
            if (mutex->done)
                printf("%9.2f", cell->rate / mutex->rate);
            else
                printf("%9s", "-");
            if (cell->any_lost)
                printf("   WRONG: %.0f%% of the increments lost\n", 100 * cell->lost);
            else
                printf("   right\n");
            if (cell->any_lost && way != NO_LOCK)
                all_right = false;
        }
    }
    return all_right;
}
