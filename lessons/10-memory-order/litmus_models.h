/* litmus_models.h - the litmus tests and Peterson's lock, written as steps for the explorer
 * (common/explorer.h), so that it can say which outcomes sequential consistency allows and
 * which x86's store buffers (TSO) add. */
#ifndef LITMUS_MODELS_H
#define LITMUS_MODELS_H

#include <stdbool.h>

#include "explorer.h"

/* The names of the models, in the order `explore --list` shows them; NULL at the end. */
extern const char *const litmus_model_names[];

/* Fills *program with the model called `name`. Returns false if there is no such model. */
bool build_litmus_model(const char *name, struct program *program);

#endif
