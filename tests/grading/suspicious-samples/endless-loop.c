void spin(void)
{
    while (1) {   /* expect: endless loop */
    }
}
