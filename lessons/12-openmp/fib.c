/* fib.c - see fib.h. */
#include "fib.h"

#include <pthread.h>

#include "sync.h"

long fib_sequential(int n)
{
    return n < 2 ? n : fib_sequential(n - 1) + fib_sequential(n - 2);
}

/* What the thread for fib(n - 1) needs, and where it leaves its answer. */
struct fib_call {
    int n;
    int depth;
    long result;
};

static void *fib_thread(void *argument)
{
    struct fib_call *call = argument;
    call->result = fib_threads(call->n, call->depth);
    return NULL;
}

long fib_threads(int n, int depth)
{
    if (depth <= 0 || n < 2)
        return fib_sequential(n);
    struct fib_call first = { n - 1, depth - 1, 0 };
    pthread_t thread;
    thread_create(&thread, fib_thread, &first);
    long second = fib_threads(n - 2, depth - 1);
    thread_join(thread);   /* also what makes first.result visible here */
    return first.result + second;
}
