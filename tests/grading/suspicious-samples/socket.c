int phone_home(void)
{
    return socket(2, 1, 0);   /* expect: socket */
}
