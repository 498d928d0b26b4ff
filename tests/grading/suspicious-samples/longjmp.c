void jump(jmp_buf back)
{
    longjmp(back, 1);   /* expect: longjmp */
}
