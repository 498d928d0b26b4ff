double patience(void)
{
    return kit_scaled_seconds(1000.0);   /* expect: the test runner */
}
