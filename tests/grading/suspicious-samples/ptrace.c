long peek(int pid, void *at)
{
    return ptrace(PTRACE_PEEKDATA, pid, at, 0);   /* expect: ptrace */
}
