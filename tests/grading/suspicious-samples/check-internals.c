#define ck_assert(condition) ((void)0)   /* expect: Check internals */
