/* folder.c - see folder.h. Given code. Uses POSIX opendir, stat and mkdir. */
#include "folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_folder(const char *path, char ***names, size_t *count, char error[IMAGE_ERROR_SIZE])
{
    DIR *folder = opendir(path);
    if (folder == NULL) {
        image_error_errno(error, "cannot open the folder", errno);
        return -1;
    }
    char **list = NULL;
    size_t used = 0, capacity = 0;
    int status = 0;
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char *full = path_in(path, entry->d_name, NULL);
        struct stat info;
        if (full == NULL) {
            snprintf(error, IMAGE_ERROR_SIZE, "out of memory listing the folder");
            status = -1;
            break;
        }
        int is_file = stat(full, &info) == 0 && S_ISREG(info.st_mode);
        free(full);
        if (!is_file)
            continue;
        if (used == capacity) {
            size_t bigger = capacity == 0 ? 64 : 2 * capacity;
            char **grown = realloc(list, bigger * sizeof *grown);
            if (grown == NULL) {
                snprintf(error, IMAGE_ERROR_SIZE, "out of memory listing the folder");
                status = -1;
                break;
            }
            list = grown;
            capacity = bigger;
        }
        if ((list[used] = strdup(entry->d_name)) == NULL) {
            snprintf(error, IMAGE_ERROR_SIZE, "out of memory listing the folder");
            status = -1;
            break;
        }
        used++;
        errno = 0;
    }
    if (status == 0 && errno != 0) {   /* readdir returns NULL at the end and on errors */
        image_error_errno(error, "cannot read the folder", errno);
        status = -1;
    }
    closedir(folder);
    if (status != 0) {
        free_names(list, used);
        return -1;
    }
    if (used > 0)
        qsort(list, used, sizeof *list, by_name);
    *names = list;
    *count = used;
    return 0;
}

/* mkdir, and fine if a folder of that name is there already. */
static int make_one_folder(const char *path)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    int reason = errno;
    struct stat info;
    if (reason == EEXIST && stat(path, &info) == 0 && S_ISDIR(info.st_mode))
        return 0;
    errno = reason == EEXIST ? ENOTDIR : reason;   /* a file of that name is in the way */
    return -1;
}

int make_folder(const char *path, char error[IMAGE_ERROR_SIZE])
{
    char *partial = strdup(path);
    if (partial == NULL) {
        snprintf(error, IMAGE_ERROR_SIZE, "out of memory");
        return -1;
    }
    /* Each parent in turn, as mkdir -p does: "a/b/c" makes "a", then "a/b", then "a/b/c". */
    int status = 0;
    for (char *slash = strchr(partial + 1, '/'); slash != NULL && status == 0;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        status = make_one_folder(partial);
        *slash = '/';
    }
    if (status == 0)
        status = make_one_folder(partial);
    if (status != 0)
        image_error_errno(error, "cannot create the output folder", errno);
    free(partial);
    return status;
}

char *path_in(const char *folder, const char *name, const char *extension)
{
    size_t stem = strlen(name);
    if (extension != NULL) {
        const char *dot = strrchr(name, '.');
        if (dot != NULL && dot != name)
            stem = (size_t)(dot - name);
    }
    size_t size = strlen(folder) + 1 + stem + (extension != NULL ? strlen(extension) : 0) + 1;
    char *path = malloc(size);
    if (path == NULL)
        return NULL;
    snprintf(path, size, "%s/%.*s%s", folder, (int)stem, name, extension != NULL ? extension : "");
    return path;
}
