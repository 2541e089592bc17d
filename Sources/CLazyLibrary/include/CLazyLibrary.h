#ifndef GROW_CLAZYLIBRARY_H
#define GROW_CLAZYLIBRARY_H

// What the loaders of libgdal (CGDAL), libcurl (CCurl) and libssh2 (CSSH2) share. grow links none
// of them: mapped at start, they and the ~140 libraries they pull in would sit in every process,
// an idle head or worker included. Each of those C targets defines the functions grow calls as
// trampolines into its library, which it dlopen()s when grow first needs it.
//
// A loader lists its library's functions once, as an X-macro taking three macros, one a line:
//   R(return type, name, parameters, arguments)  a function; its trampoline returns the result
//   V(name, parameters, arguments)               a function returning void
//   S(name)                                      resolved but given no trampoline (a C variadic,
//                                                which a typed wrapper calls through the table)
// and expands GROW_LAZY_DEFINE(list) in its .c file (one loader a translation unit: the names it
// defines are static), then GROW_LAZY_LOADER, or its own grow_lazy_library and once function
// where it needs more (GDAL). The compiler checks each trampoline against the library's header.
#include <pthread.h>
#include <stddef.h>

/// The type the table stores every function as; callers cast it back to the function's own type
/// (calling through the right type, which C allows for any function pointer conversion).
typedef void (*grow_lazy_function)(void);

/// One library loaded on first use: a loader fills in the fields down to `once` statically (with
/// GROW_LAZY_TABLE_FIELDS for the table's); the rest is the load's outcome.
struct grow_lazy_library {
    /// What cannot be loaded, for the error: "libcurl", "GDAL 3.6".
    const char *what;
    /// A variable naming a library (path or soname) tried first: "GROW_LIBCURL".
    const char *environment;
    /// The sonames tried after it, in order, NULL-terminated.
    const char *const *sonames;
    /// How the error lists `sonames` (when it would be long); NULL: all of them.
    const char *sonamesText;
    /// What to install, for the error: "install libcurl4 (Debian)".
    const char *advice;
    /// The functions to resolve (a library lacking one is refused), and where they go.
    const char *const *symbols;
    grow_lazy_function *functions;
    size_t count;
    /// Optional: whether a library that has every function is one grow can use (GDAL: the ABI).
    /// `functions` holds what was resolved from it. Returns 0, or -1 with the reason in `why`.
    int (*accept)(const char *candidate, const grow_lazy_function *functions, char *why, size_t whySize);

    pthread_once_t once;
    int status;
    char error[1024];
};

/// Tries `library`'s candidates and fills its `functions` from the first that has them all and is
/// accepted (its handle stays open for the life of the process), else composes one line saying
/// what was tried, why it failed and what to install. Call only through grow_lazy_load's `once`.
void grow_lazy_open(struct grow_lazy_library *library);

/// Runs `once` (a function calling grow_lazy_open(library)) on the first call only, thread-safely.
/// Returns 0 when the library is loaded, or -1 with the error in `error` (every call the same).
int grow_lazy_load(struct grow_lazy_library *library, void (*once)(void), char *error, size_t errorSize);

/// Stops the process naming `function`: calling a trampoline before its library loaded is a bug
/// in grow (a missed load call), not a condition to handle, and better said than a null jump.
__attribute__((noreturn, cold)) void grow_lazy_not_loaded(const char *function);

/// The resolved function, or the stop above.
static inline grow_lazy_function grow_lazy_resolved(grow_lazy_function function, const char *name) {
    if (__builtin_expect(function == NULL, 0)) grow_lazy_not_loaded(name);
    return function;
}

// Hidden: were the trampolines exported, a library loaded later would bind its own internal calls
// to them and recurse into itself; hidden, they also never interpose the real library's symbols.
#define GROW_LAZY_HIDDEN __attribute__((visibility("hidden")))

#define GROW_LAZY_INDEX(ret, name, params, args) grow_lazy_index_##name,
#define GROW_LAZY_INDEX_VOID(name, params, args) grow_lazy_index_##name,
#define GROW_LAZY_INDEX_SYMBOL(name) grow_lazy_index_##name,
#define GROW_LAZY_NAME(ret, name, params, args) #name,
#define GROW_LAZY_NAME_VOID(name, params, args) #name,
#define GROW_LAZY_NAME_SYMBOL(name) #name,
#define GROW_LAZY_NOTHING(name)

/// `name` from the table, as a pointer of function type `type`.
#define GROW_LAZY_FUNCTION(name, type) ((type)grow_lazy_resolved(grow_lazy_table[grow_lazy_index_##name], #name))

#define GROW_LAZY_TRAMPOLINE(ret, name, params, args) \
    GROW_LAZY_HIDDEN ret name params { return GROW_LAZY_FUNCTION(name, ret(*) params) args; }
#define GROW_LAZY_TRAMPOLINE_VOID(name, params, args) \
    GROW_LAZY_HIDDEN void name params { GROW_LAZY_FUNCTION(name, void(*) params) args; }

/// Defines, for the functions of `list`: their indices (grow_lazy_index_NAME, grow_lazy_count),
/// their names (grow_lazy_symbols), the table a load fills (grow_lazy_table), and the trampolines.
#define GROW_LAZY_DEFINE(list)                                                                         \
    enum { list(GROW_LAZY_INDEX, GROW_LAZY_INDEX_VOID, GROW_LAZY_INDEX_SYMBOL) grow_lazy_count };      \
    static const char *const grow_lazy_symbols[] = {                                                   \
        list(GROW_LAZY_NAME, GROW_LAZY_NAME_VOID, GROW_LAZY_NAME_SYMBOL)};                             \
    static grow_lazy_function grow_lazy_table[grow_lazy_count];                                        \
    list(GROW_LAZY_TRAMPOLINE, GROW_LAZY_TRAMPOLINE_VOID, GROW_LAZY_NOTHING)

/// The fields of a grow_lazy_library that GROW_LAZY_DEFINE provides.
#define GROW_LAZY_TABLE_FIELDS \
    .symbols = grow_lazy_symbols, .functions = grow_lazy_table, .count = grow_lazy_count, .once = PTHREAD_ONCE_INIT

/// Defines `int load(char *error, size_t errorSize)` for the functions of GROW_LAZY_DEFINE and a
/// library given by the other fields of a grow_lazy_library (`.what = "libcurl", ...`).
#define GROW_LAZY_LOADER(load, ...)                                                                   \
    static struct grow_lazy_library grow_lazy_library = {__VA_ARGS__, GROW_LAZY_TABLE_FIELDS};          \
    static void grow_lazy_load_once(void) { grow_lazy_open(&grow_lazy_library); }                     \
    int load(char *error, size_t errorSize) {                                                         \
        return grow_lazy_load(&grow_lazy_library, grow_lazy_load_once, error, errorSize);             \
    }

#endif
