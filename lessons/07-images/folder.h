/* folder.h - the batch's input and output folders. */
#ifndef FOLDER_H
#define FOLDER_H

#include <stddef.h>

#include "image.h"

/* The names of the files in folder `path` (not those starting with '.', not sub-folders), sorted
 * by name so that every run sees the images in the same order. Returns 0 with *names an array of
 * *count strings (free it with free_names), or -1 with a message in error. */
int list_folder(const char *path, char ***names, size_t *count, char error[IMAGE_ERROR_SIZE]);
void free_names(char **names, size_t count);

/* Creates folder `path`, and its parents, where they do not exist yet (as mkdir -p does).
 * Returns 0 if it exists afterwards, or -1 with a message in error (a file of that name is in
 * the way, no permission, ...). */
int make_folder(const char *path, char error[IMAGE_ERROR_SIZE]);

/* "DIR/NAME" in a new string from malloc, NAME's extension (from the last '.') replaced by
 * extension if that is not NULL; NULL if there is no memory. */
char *path_in(const char *folder, const char *name, const char *extension);

#endif
