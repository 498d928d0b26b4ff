static void early(void) { }
/* The same as a constructor, by the section the loader runs. */
__attribute__((used, section(".init_array")))   /* expect: constructor */
static void (*run_early)(void) = early;
