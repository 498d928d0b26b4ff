/* race_window.c - see race_window.h. */
#include "race_window.h"

#include <stddef.h>

static void (*window_hook)(void);

void race_window(void)
{
    if (window_hook != NULL)
        window_hook();
}

void race_window_set_hook(void (*hook)(void))
{
    window_hook = hook;
}
