// libcurl on demand: every curl function grow calls is defined here as a trampoline into a libcurl
// that grow_curl_load() dlopen()s, so processes that never talk to S3 (an idle head, a worker of a
// local project) do not map libcurl and the ~30 libraries it pulls in.

// curl.h turns curl_easy_setopt and curl_easy_getinfo into type-checking macros under GCC and
// clang; here they are only names to resolve.
#define CURL_DISABLE_TYPECHECK
#include "CCurl.h"

#include "CLazyLibrary.h"

// The functions grow calls, one a line (CLazyLibrary.h says how to read them).
#define GROW_CURL_FUNCTIONS(R, V, S)                                                          \
    R(CURLcode, curl_global_init, (long a), (a))                                              \
    R(CURL *, curl_easy_init, (void), ())                                                     \
    V(curl_easy_cleanup, (CURL * a), (a))                                                     \
    V(curl_easy_reset, (CURL * a), (a))                                                       \
    R(CURLcode, curl_easy_perform, (CURL * a), (a))                                           \
    R(const char *, curl_easy_strerror, (CURLcode a), (a))                                    \
    R(struct curl_slist *, curl_slist_append, (struct curl_slist * a, const char *b), (a, b)) \
    V(curl_slist_free_all, (struct curl_slist * a), (a))                                      \
    /* Variadic: the typed wrappers below call them. */                                       \
    S(curl_easy_setopt)                                                                       \
    S(curl_easy_getinfo)

GROW_LAZY_DEFINE(GROW_CURL_FUNCTIONS)

GROW_LAZY_LOADER(grow_curl_load, .what = "libcurl", .environment = "GROW_LIBCURL",
                 .sonames = (const char *const[]){"libcurl.so.4", "libcurl.so", NULL},
                 .advice = "install libcurl4 (Debian)")

// The typed wrappers: each passes its one argument to the variadic function as the type the
// option takes (long, a pointer, or curl_off_t), which is what curl reads it back as.
#define SETOPT GROW_LAZY_FUNCTION(curl_easy_setopt, CURLcode(*)(CURL *, CURLoption, ...))
#define GETINFO GROW_LAZY_FUNCTION(curl_easy_getinfo, CURLcode(*)(CURL *, CURLINFO, ...))

CURLcode grow_curl_setopt_long(CURL *handle, CURLoption option, long value) { return SETOPT(handle, option, value); }

CURLcode grow_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return SETOPT(handle, option, value);
}

CURLcode grow_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return SETOPT(handle, option, value);
}

CURLcode grow_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return SETOPT(handle, option, value);
}

CURLcode grow_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return SETOPT(handle, option, value);
}

CURLcode grow_curl_setopt_write_function(CURL *handle, grow_curl_data_callback callback) {
    return SETOPT(handle, CURLOPT_WRITEFUNCTION, callback);
}

CURLcode grow_curl_setopt_read_function(CURL *handle, grow_curl_data_callback callback) {
    return SETOPT(handle, CURLOPT_READFUNCTION, callback);
}

CURLcode grow_curl_setopt_header_function(CURL *handle, grow_curl_data_callback callback) {
    return SETOPT(handle, CURLOPT_HEADERFUNCTION, callback);
}

CURLcode grow_curl_setopt_seek_function(CURL *handle, grow_curl_seek_callback callback) {
    return SETOPT(handle, CURLOPT_SEEKFUNCTION, callback);
}

CURLcode grow_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) { return GETINFO(handle, info, value); }

CURLcode grow_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) { return GETINFO(handle, info, value); }
