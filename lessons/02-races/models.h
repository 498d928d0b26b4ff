/* models.h - the programs the interleaving explorer knows, by name. */
#ifndef MODELS_H
#define MODELS_H

#include <stdbool.h>

#include "explorer.h"

/* The names of the models, in the order `explore --list` shows them; NULL at the end. */
extern const char *const model_names[];

/* Fills *program with the model called `name`. Returns false if there is no such model. */
bool build_model(const char *name, struct program *program);

#endif
