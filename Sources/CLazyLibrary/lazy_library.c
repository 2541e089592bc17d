// Loading a library on first use: the part the loaders of GDAL, libcurl and libssh2 share.
#include "CLazyLibrary.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void grow_lazy_not_loaded(const char *function) {
    fprintf(stderr, "grow: %s called before its library was loaded (its grow_*_load did not succeed)\n", function);
    abort();
}

// Opens one candidate and resolves every function into `resolved`; if all are there and the
// library accepts it, keeps the handle open and returns 0, else closes it and says why.
static int grow_lazy_try(const struct grow_lazy_library *library, const char *candidate,
                         grow_lazy_function *resolved, char *why, size_t whySize) {
    void *handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(why, whySize, "%s", reason ? reason : "dlopen failed");
        return -1;
    }
    for (size_t index = 0; index < library->count; index++) {
        // POSIX guarantees that dlsym's object pointer converts to a function pointer.
        resolved[index] = (grow_lazy_function)dlsym(handle, library->symbols[index]);
        if (resolved[index] == NULL) {
            snprintf(why, whySize, "%s has no %s", candidate, library->symbols[index]);
            dlclose(handle);
            return -1;
        }
    }
    if (library->accept != NULL && library->accept(candidate, resolved, why, whySize) != 0) {
        dlclose(handle);
        return -1;
    }
    return 0;
}

// Appends to the string in `text` (of `size` bytes), cutting what does not fit.
static void grow_lazy_append(char *text, size_t size, const char *more) {
    size_t length = strlen(text);
    if (length + 1 < size) snprintf(text + length, size - length, "%s", more);
}

void grow_lazy_open(struct grow_lazy_library *library) {
    const char *chosen = getenv(library->environment);
    if (chosen != NULL && chosen[0] == '\0') chosen = NULL;
    size_t sonameCount = 0;
    while (library->sonames[sonameCount] != NULL) sonameCount++;

    // Every function from one library or none: a half-filled table is never published.
    grow_lazy_function *resolved = calloc(library->count, sizeof *resolved);
    if (resolved == NULL) {
        snprintf(library->error, sizeof library->error, "cannot load %s: out of memory", library->what);
        library->status = -1;
        return;
    }
    // The reason reported is the first that says more than "no such file" (a library that exists
    // but is broken, lacks a function or is refused; anything about the environment's), else the last.
    char reason[512] = "", why[512];
    int telling = 0;
    for (size_t index = chosen ? 0 : 1; index <= sonameCount; index++) {
        const char *candidate = index == 0 ? chosen : library->sonames[index - 1];
        if (grow_lazy_try(library, candidate, resolved, why, sizeof why) == 0) {
            memcpy(library->functions, resolved, library->count * sizeof *resolved);
            free(resolved);
            library->status = 0;
            return;
        }
        if (!telling) {
            snprintf(reason, sizeof reason, "%s", why);
            telling = index == 0 || strstr(why, "No such file or directory") == NULL;
        }
    }
    free(resolved);
    for (char *c = reason; *c; c++) {
        if (*c == '\n' || *c == '\r') *c = ' ';  // one line, whatever dlerror said
    }

    char *error = library->error;
    size_t size = sizeof library->error;
    snprintf(error, size, "cannot load %s (tried ", library->what);
    if (chosen != NULL) {
        grow_lazy_append(error, size, library->environment);
        grow_lazy_append(error, size, "=");
        grow_lazy_append(error, size, chosen);
        grow_lazy_append(error, size, ", ");
    }
    if (library->sonamesText != NULL) {
        grow_lazy_append(error, size, library->sonamesText);
    } else {
        for (size_t index = 0; index < sonameCount; index++) {
            if (index > 0) grow_lazy_append(error, size, ", ");
            grow_lazy_append(error, size, library->sonames[index]);
        }
    }
    grow_lazy_append(error, size, "): ");
    grow_lazy_append(error, size, reason);
    grow_lazy_append(error, size, "; ");
    grow_lazy_append(error, size, library->advice);
    grow_lazy_append(error, size, " or set ");
    grow_lazy_append(error, size, library->environment);
    grow_lazy_append(error, size, " to the library's path");
    library->status = -1;
}

int grow_lazy_load(struct grow_lazy_library *library, void (*once)(void), char *error, size_t errorSize) {
    pthread_once(&library->once, once);
    if (library->status == 0) return 0;
    if (error != NULL && errorSize > 0) snprintf(error, errorSize, "%s", library->error);
    return -1;
}
