/* history.c - recording a stack's history (see history.h). */
#include "history.h"

#include <stdlib.h>
#include <string.h>

void history_init(struct history *history)
{
    atomic_init(&history->clock, 1);
    atomic_init(&history->count, 0);
    memset(history->operations, 0, sizeof history->operations);
}

int history_call(struct history *history, int thread, enum stack_operation kind, long value)
{
    int slot = atomic_fetch_add(&history->count, 1);
    if (slot >= HISTORY_MAX) {
        fprintf(stderr, "history_call: more than %d operations\n", HISTORY_MAX);
        exit(1);
    }
    struct operation *operation = &history->operations[slot];
    operation->thread = thread;
    operation->kind = kind;
    operation->value = kind == PUSH ? value : 0;
    operation->ret = 0;
    operation->call = atomic_fetch_add(&history->clock, 1);
    return slot;
}

void history_return(struct history *history, int slot, long value)
{
    struct operation *operation = &history->operations[slot];
    operation->ret = atomic_fetch_add(&history->clock, 1);
    if (operation->kind == POP)
        operation->value = value;
}

void history_add(struct history *history, int thread, enum stack_operation kind, long value,
                 long call, long ret)
{
    int slot = atomic_fetch_add(&history->count, 1);
    if (slot >= HISTORY_MAX) {
        fprintf(stderr, "history_add: more than %d operations\n", HISTORY_MAX);
        exit(1);
    }
    history->operations[slot] = (struct operation){ thread, kind, value, call, ret };
}

int history_length(struct history *history)
{
    int count = atomic_load(&history->count);
    return count < HISTORY_MAX ? count : HISTORY_MAX;
}

void operation_text(const struct operation *operation, char *text, size_t size)
{
    if (operation->kind == PUSH)
        snprintf(text, size, "T%d push %ld", operation->thread, operation->value);
    else if (operation->value == HISTORY_EMPTY)
        snprintf(text, size, "T%d pop -> empty", operation->thread);
    else
        snprintf(text, size, "T%d pop -> %ld", operation->thread, operation->value);
}

/* The slots in the order of their calls. */
static void by_call(struct history *history, int order[])
{
    int count = history_length(history);
    for (int i = 0; i < count; i++)
        order[i] = i;
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && history->operations[order[j]].call <
                                     history->operations[order[j - 1]].call; j--) {
            int swap = order[j];
            order[j] = order[j - 1];
            order[j - 1] = swap;
        }
}

void history_print(struct history *history, FILE *out, const char *indent)
{
    int count = history_length(history);
    int order[HISTORY_MAX];
    by_call(history, order);
    long first = count > 0 ? history->operations[order[0]].call : 0, last = first;
    for (int i = 0; i < count; i++)
        if (history->operations[i].ret > last)
            last = history->operations[i].ret;
    /* One column per tick of the clock, unless that is too wide for a terminal. */
    long ticks = last - first + 1;
    double scale = ticks > 60 ? 60.0 / (double)ticks : 1.0;
    fprintf(out, "%s%-22s %5s %6s\n", indent, "operation", "call", "return");
    for (int i = 0; i < count; i++) {
        const struct operation *operation = &history->operations[order[i]];
        char text[64];
        operation_text(operation, text, sizeof text);
        fprintf(out, "%s%-22s %5ld %6ld  ", indent, text, operation->call, operation->ret);
        long from = (long)((double)(operation->call - first) * scale);
        long to = (long)((double)(operation->ret - first) * scale);
        for (long column = 0; column <= to; column++)
            fputc(column < from ? ' ' : '#', out);
        fputc('\n', out);
    }
}
