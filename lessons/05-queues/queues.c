/* queues.c - lesson 05: blocking queues, worker pools and priority queues, measured.
 *
 * Part 1: a worker pool (exercise 2, on exercise 1's queue) checks which numbers from 10^13 on
 *         are prime, with 1, 2 and 4 workers, against a plain loop: same primes, less time.
 * Part 2: how many items per second pass through the queue with 1, 2 and 4 producers and as
 *         many consumers, beside a pipe(2) carrying the same items and, for one producer and one
 *         consumer, the lock-free ring of ring.h.
 * Part 3: the priority queue (exercise 3) hands out the most urgent jobs first.
 *
 * With --trace PREFIX it instead makes one small traced run: two producers and two consumers
 * on a queue of two slots, so the diagrams show waits on a full and on an empty queue.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "io.h"
#include "pool.h"
#include "primes.h"
#include "priority_queue.h"
#include "queue.h"
#include "ring.h"
#include "sync.h"
#include "timing.h"
#include "trace.h"

static const char usage_text[] =
    "[--numbers N] [--capacity N] [--items N] [--repeat N] [--trace PREFIX]";

#define MAX_REPEAT 100
#define MAX_SIDE 4           /* producers (and consumers) in the largest row of part 2 */
#define RING_CAPACITY 1024   /* a power of two, as ring.h needs */

struct options {
    long numbers;        /* part 1: how many numbers, from 10^13 on, to check */
    long capacity;       /* the queue's slots, in parts 1 and 2 */
    long items;          /* part 2: items sent through the queue in each run */
    long repeat;         /* runs of each measurement; the median is reported */
    const char *trace_prefix;
};

/* Does exercise 1 work at all? A fresh queue must take one item and give it back. */
static bool queue_is_written(void)
{
    struct queue queue;
    queue_init(&queue, 1);
    long item = 0;
    bool works = queue_put(&queue, 42) && queue_get(&queue, &item) && item == 42;
    queue_destroy(&queue);
    return works;
}

/* ---- Part 1: the worker pool on primality jobs ------------------------------------------ */

static void find_primes(const struct options *options)
{
    size_t count = (size_t)options->numbers;
    long *numbers = malloc(count * sizeof *numbers);
    long *expected = malloc(count * sizeof *expected);
    long *results = malloc(count * sizeof *results);
    if (numbers == NULL || expected == NULL || results == NULL)
        die_with_error("find_primes", ENOMEM);
    for (size_t i = 0; i < count; i++)
        numbers[i] = FIRST_NUMBER + (long)i;

    printf("Part 1: which of %zu numbers from 10^13 on are prime? (trial division)\n", count);
    printf("  %-16s %8s %10s %9s %8s\n", "way", "workers", "seconds", "speedup", "primes");
    double seconds[MAX_REPEAT];
    long primes = 0;
    for (long run = 0; run < options->repeat; run++) {
        double start = now_seconds();
        for (size_t i = 0; i < count; i++)
            expected[i] = is_prime(numbers[i]);
        seconds[run] = now_seconds() - start;
    }
    for (size_t i = 0; i < count; i++)
        primes += expected[i];
    double loop_time = median(seconds, (size_t)options->repeat);
    printf("  %-16s %8d %10.4f %9.2f %8ld\n", "loop", 1, loop_time, 1.0, primes);

    bool all_right = true;
    static const unsigned worker_counts[] = { 1, 2, 4 };
    for (size_t w = 0; w < sizeof worker_counts / sizeof worker_counts[0]; w++) {
        unsigned workers = worker_counts[w];
        if (!queue_is_written()) {
            printf("  %-16s %8u   (exercise 1 is not done yet: the pool needs the queue)\n",
                   "worker pool", workers);
            all_right = false;
            continue;
        }
        bool failed = false;
        for (long run = 0; run < options->repeat && !failed; run++) {
            memset(results, 0xff, count * sizeof *results);
            double start = now_seconds();
            int status = pool_run(is_prime, numbers, results, count, workers,
                                  (size_t)options->capacity);
            seconds[run] = now_seconds() - start;
            if (status != 0) {
                if (errno == ENOSYS)
                    printf("  %-16s %8u   (exercise 2 is not done yet)\n", "worker pool", workers);
                else
                    printf("  %-16s %8u   FAILED: %s\n", "worker pool", workers, strerror(errno));
                failed = true;
            } else if (memcmp(results, expected, count * sizeof *results) != 0) {
                printf("  %-16s %8u   WRONG RESULTS: they differ from the loop's\n",
                       "worker pool", workers);
                failed = true;
            }
        }
        if (failed) {
            all_right = false;
            continue;
        }
        double time = median(seconds, (size_t)options->repeat);
        printf("  %-16s %8u %10.4f %9.2f %8ld\n", "worker pool", workers, time, loop_time / time,
               primes);
    }
    printf("  %s\n\n", all_right ? "OK: every pool found the same primes as the loop"
                                 : "NOT YET: some pools are missing or wrong (see above)");
    free(numbers);
    free(expected);
    free(results);
}

/* ---- Part 2: items per second ------------------------------------------------------------ */

/* Producer p sends the items p, p + producers, p + 2 * producers, ... below `items`, so all
 * of them together send 0 .. items-1 once each, and the consumers' sum can be checked. */
struct channel {
    struct queue queue;
    int pipe_fds[2];
    struct ring ring;
    long items;
    int producers;
};

struct side {
    struct channel *channel;
    int number;          /* producer number */
    long received;       /* consumer: how many items it got */
    long sum;            /* consumer: their sum */
};

static void *produce_to_queue(void *argument)
{
    struct side *me = argument;
    struct channel *c = me->channel;
    for (long item = me->number; item < c->items; item += c->producers)
        if (!queue_put(&c->queue, item))
            break;
    return NULL;
}

static void *consume_from_queue(void *argument)
{
    struct side *me = argument;
    long item;
    while (queue_get(&me->channel->queue, &item)) {
        me->received++;
        me->sum += item;
    }
    return NULL;
}

/* Eight-byte writes to a pipe are atomic (POSIX: up to PIPE_BUF bytes), so producers can share
 * one pipe, and every eight-byte read gets one whole item. */
static void *produce_to_pipe(void *argument)
{
    struct side *me = argument;
    struct channel *c = me->channel;
    for (long item = me->number; item < c->items; item += c->producers)
        if (write_all(c->pipe_fds[1], &item, sizeof item) != 0)
            die_with_error("write", errno);
    return NULL;
}

static void *consume_from_pipe(void *argument)
{
    struct side *me = argument;
    long item;
    for (;;) {
        ssize_t got = read(me->channel->pipe_fds[0], &item, sizeof item);
        if (got == 0)
            break;   /* end of file: every write end is closed */
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof item)
            die_with_error("read", got < 0 ? errno : EIO);
        me->received++;
        me->sum += item;
    }
    return NULL;
}

/* The ring never waits: a full ring or an empty one is retried after giving up the core. */
static void *produce_to_ring(void *argument)
{
    struct side *me = argument;
    struct channel *c = me->channel;
    for (long item = 0; item < c->items; item++)
        while (!ring_push(&c->ring, item))
            sched_yield();
    return NULL;
}

static void *consume_from_ring(void *argument)
{
    struct side *me = argument;
    long item;
    while (me->received < me->channel->items) {
        if (!ring_pop(&me->channel->ring, &item)) {
            sched_yield();
            continue;
        }
        me->received++;
        me->sum += item;
    }
    return NULL;
}

enum way { THROUGH_PIPE, THROUGH_QUEUE, THROUGH_RING };

/* Sends `items` items from `side` producers to `side` consumers once; returns the seconds it
 * took, or -1 if an item was lost or duplicated. */
static double send_once(enum way way, int side, const struct options *options)
{
    struct channel channel = { .items = options->items, .producers = side };
    struct side producers[MAX_SIDE], consumers[MAX_SIDE];
    pthread_t producer_threads[MAX_SIDE], consumer_threads[MAX_SIDE];
    void *(*produce)(void *) = way == THROUGH_PIPE ? produce_to_pipe :
                               way == THROUGH_QUEUE ? produce_to_queue : produce_to_ring;
    void *(*consume)(void *) = way == THROUGH_PIPE ? consume_from_pipe :
                               way == THROUGH_QUEUE ? consume_from_queue : consume_from_ring;
    if (way == THROUGH_PIPE && pipe(channel.pipe_fds) != 0)
        die_with_error("pipe", errno);
    if (way == THROUGH_QUEUE)
        queue_init(&channel.queue, (size_t)options->capacity);
    if (way == THROUGH_RING)
        ring_init(&channel.ring, RING_CAPACITY);

    double start = now_seconds();
    for (int i = 0; i < side; i++) {
        consumers[i] = (struct side){ .channel = &channel };
        producers[i] = (struct side){ .channel = &channel, .number = i };
        thread_create(&consumer_threads[i], consume, &consumers[i]);
        thread_create(&producer_threads[i], produce, &producers[i]);
    }
    for (int i = 0; i < side; i++)
        thread_join(producer_threads[i]);
    /* Every item is sent: tell the consumers there will be no more. */
    if (way == THROUGH_PIPE && close(channel.pipe_fds[1]) != 0)
        die_with_error("close", errno);
    if (way == THROUGH_QUEUE)
        queue_close(&channel.queue);
    long received = 0, sum = 0;
    for (int i = 0; i < side; i++) {
        thread_join(consumer_threads[i]);
        received += consumers[i].received;
        sum += consumers[i].sum;
    }
    double seconds = now_seconds() - start;

    if (way == THROUGH_PIPE && close(channel.pipe_fds[0]) != 0)
        die_with_error("close", errno);
    if (way == THROUGH_QUEUE)
        queue_destroy(&channel.queue);
    if (way == THROUGH_RING)
        ring_destroy(&channel.ring);
    long n = options->items;
    return received == n && sum == n * (n - 1) / 2 ? seconds : -1;
}

/* Items per second: the median of `repeat` runs; -1 if any run lost or duplicated an item. */
static double items_per_second(enum way way, int side, const struct options *options)
{
    double rates[MAX_REPEAT];
    for (long run = 0; run < options->repeat; run++) {
        double seconds = send_once(way, side, options);
        if (seconds < 0)
            return -1;
        rates[run] = (double)options->items / seconds;
    }
    return median(rates, (size_t)options->repeat);
}

static void measure_throughput(const struct options *options)
{
    bool queue_written = queue_is_written();
    printf("Part 2: %ld items from P producers to C consumers, items per second "
           "(median of %ld runs)\n", options->items, options->repeat);
    printf("  %-7s %12s %14s %8s %14s %8s\n", "P x C", "pipe(2)", "queue", "q/pipe",
           "lock-free ring", "ring/q");
    for (int side = 1; side <= MAX_SIDE; side *= 2) {
        double pipe_rate = items_per_second(THROUGH_PIPE, side, options);
        printf("  %d x %-3d %12.0f", side, side, pipe_rate);
        if (!queue_written) {
            printf("   (exercise 1 is not done yet)\n");
            continue;
        }
        double queue_rate = items_per_second(THROUGH_QUEUE, side, options);
        if (queue_rate < 0) {
            printf("   LOST OR DUPLICATED ITEMS\n");
            continue;
        }
        printf(" %14.0f %8.2f", queue_rate, queue_rate / pipe_rate);
        if (side == 1) {
            double ring_rate = items_per_second(THROUGH_RING, 1, options);
            printf(" %14.0f %8.2f", ring_rate, ring_rate / queue_rate);
        } else {
            printf(" %14s %8s", "-", "-");   /* the ring is for one producer, one consumer */
        }
        printf("\n");
    }
    printf("  (queue of %ld slots; ring of %d slots, one producer and one consumer only)\n\n",
           options->capacity, RING_CAPACITY);
}

/* ---- Part 3: the priority queue --------------------------------------------------------- */

static void show_priorities(void)
{
    static const long priorities[] = { 1, 5, 1, 9, 5, 1, 9, 5 };
    enum { JOBS = sizeof priorities / sizeof priorities[0] };
    struct priority_queue pq;
    pq_init(&pq, JOBS);
    printf("Part 3: jobs #1..#%d put with priorities", JOBS);
    bool written = true;
    for (long job = 1; job <= JOBS; job++) {
        printf(" %ld", priorities[job - 1]);
        written = pq_put(&pq, priorities[job - 1], job) && written;
    }
    printf("\n");
    if (!written) {
        printf("  (exercise 3 is not done yet)\n");
        pq_destroy(&pq);
        return;
    }
    pq_close(&pq);
    printf("  taken out as:");
    long priority, job, previous = 0, previous_priority = 0;
    bool in_order = true, first = true;
    while (pq_get(&pq, &priority, &job)) {
        printf(" #%ld(%ld)", job, priority);
        in_order = in_order && (first || priority < previous_priority ||
                                (priority == previous_priority && job > previous));
        previous = job;
        previous_priority = priority;
        first = false;
    }
    printf("\n  %s\n", in_order ? "OK: highest priority first, ties in the order they were put"
                                : "WRONG ORDER");
    pq_destroy(&pq);
}

/* ---- The traced run --------------------------------------------------------------------- */

/* 10^13 + 37 is prime: checking it takes about 1.6 million divisions, a job of a few
 * milliseconds, long enough to see on the timeline and to let the producers fill the queue. */
#define TRACED_JOB 10000000000037L
#define TRACED_ITEMS 2      /* per producer */
#define TRACED_CAPACITY 1   /* two items in work, one in the queue: the last put must wait */

struct traced_side {
    struct queue *queue;
    int number;
};

static void *traced_producer(void *argument)
{
    struct traced_side *me = argument;
    trace_name_thread("producer %d", me->number);
    for (long k = 1; k <= TRACED_ITEMS; k++)
        queue_put(me->queue, 10 * me->number + k);   /* producer 1 puts #11, #12, ... */
    return NULL;
}

static void *traced_consumer(void *argument)
{
    struct traced_side *me = argument;
    trace_name_thread("consumer %d", me->number);
    long item;
    while (queue_get(me->queue, &item)) {
        trace_begin("job #%ld", item);
        is_prime(TRACED_JOB);
        trace_end();
    }
    trace_note("closed and empty");
    return NULL;
}

static int traced_run(const struct options *options)
{
    /* Exercise 1 not done yet is no error: the run is skipped, and the diagrams are drawn
     * from a run that only says why. */
    if (!queue_is_written()) {
        printf("the queue between producers and consumers needs exercise 1 "
               "(lessons/05-queues/queue.c); skipped, and the diagrams say so\n");
        return trace_skipped(options->trace_prefix, "skipped: the queue needs exercise 1 "
                             "(queue.c)") == 0 ? 0 : 1;
    }
    if (trace_open(options->trace_prefix) != 0)
        return 1;
    trace_set_limit(80);   /* keep every event: the run is small */
    trace_name_thread("main");
    struct queue queue;
    queue_init(&queue, TRACED_CAPACITY);
    struct traced_side producers[2], consumers[2];
    pthread_t producer_threads[2], consumer_threads[2];
    for (int i = 0; i < 2; i++) {
        consumers[i] = (struct traced_side){ &queue, i + 1 };
        thread_create(&consumer_threads[i], traced_consumer, &consumers[i]);
    }
    for (int i = 0; i < 2; i++) {
        producers[i] = (struct traced_side){ &queue, i + 1 };
        thread_create(&producer_threads[i], traced_producer, &producers[i]);
    }
    for (int i = 0; i < 2; i++)
        thread_join(producer_threads[i]);
    queue_close(&queue);
    for (int i = 0; i < 2; i++)
        thread_join(consumer_threads[i]);
    queue_destroy(&queue);
    if (trace_close() != 0)
        return 1;
    printf("traced: 2 producers x %d items through a queue of %d slot%s to 2 consumers; written "
           "%s-hb.dot, %s-timeline.dot, %s.json\n", TRACED_ITEMS, TRACED_CAPACITY,
           TRACED_CAPACITY == 1 ? "" : "s", options->trace_prefix,
           options->trace_prefix, options->trace_prefix);
    return 0;
}

/* ---- Command line ----------------------------------------------------------------------- */

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .numbers = 1000, .capacity = 64, .items = 200000, .repeat = 3 };
    static const struct option long_options[] = {
        { "numbers", required_argument, NULL, 'n' },
        { "capacity", required_argument, NULL, 'c' },
        { "items", required_argument, NULL, 'i' },
        { "repeat", required_argument, NULL, 'r' },
        { "trace", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'n':
            options.numbers = number_argument("queues", usage_text, "--numbers", optarg, 1,
                                              1000000);
            break;
        case 'c':
            options.capacity = number_argument("queues", usage_text, "--capacity", optarg, 1,
                                               1000000);
            break;
        case 'i':
            options.items = number_argument("queues", usage_text, "--items", optarg, 1,
                                            100000000);
            break;
        case 'r':
            options.repeat = number_argument("queues", usage_text, "--repeat", optarg, 1,
                                             MAX_REPEAT);
            break;
        case 'T': options.trace_prefix = optarg; break;
        case 'h':
            printf("usage: queues %s\n", usage_text);
            exit(0);
        default:
            usage_error("queues", usage_text, NULL);   /* getopt has said what was wrong */
        }
    }
    if (optind < argc)
        usage_error("queues", usage_text, "unexpected argument");
    return options;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    if (options.trace_prefix != NULL)
        return traced_run(&options);
    printf("Lesson 05: blocking queues, a worker pool and a priority queue\n");
    printf("%ld cores online; times are medians of %ld runs\n\n",
           sysconf(_SC_NPROCESSORS_ONLN), options.repeat);
    find_primes(&options);
    measure_throughput(&options);
    show_priorities();
    return 0;
}
