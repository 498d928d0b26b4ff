#define if(condition) if (1)   /* expect: macro */
