/* Lesson 01 allows _exit for a child: here it ends one, as the solution does. No report. */
#include <unistd.h>
static void run_child(int to_parent)
{
    (void)to_parent;
    _exit(0);
}

int map_with_processes(void)
{
    pid_t pid = fork();
    if (pid == 0)
        run_child(1);
    return 0;
}
