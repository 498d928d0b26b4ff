#include "../../tests/02-races/answers.h"   /* expect: include */
