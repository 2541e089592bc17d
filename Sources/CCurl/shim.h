#ifndef GROW_CCURL_SHIM_H
#define GROW_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call.
// These typed wrappers fix the argument type per kind of option.

static inline CURLcode grow_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode grow_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode grow_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode grow_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode grow_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*grow_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode grow_curl_setopt_write_function(CURL *handle, grow_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode grow_curl_setopt_read_function(CURL *handle, grow_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode grow_curl_setopt_header_function(CURL *handle, grow_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

typedef int (*grow_curl_seek_callback)(void *context, curl_off_t offset, int origin);

static inline CURLcode grow_curl_setopt_seek_function(CURL *handle, grow_curl_seek_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

// CURL_READFUNC_ABORT and CURL_SEEKFUNC_* are macros Swift may not import as constants.
static inline size_t grow_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
static inline int grow_curl_seekfunc_ok(void) { return CURL_SEEKFUNC_OK; }
static inline int grow_curl_seekfunc_cantseek(void) { return CURL_SEEKFUNC_CANTSEEK; }

static inline CURLcode grow_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode grow_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
