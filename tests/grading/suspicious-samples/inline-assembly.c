void leave(void)
{
    __asm__ volatile("mov $60, %eax; syscall");   /* expect: inline assembly */
}
