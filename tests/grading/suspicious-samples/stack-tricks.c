void *frame_of_the_test(void)
{
    return __builtin_frame_address(1);   /* expect: stack tricks */
}
