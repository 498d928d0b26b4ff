#pragma redefine_extname my_strcmp strcmp   /* expect: pragma */
