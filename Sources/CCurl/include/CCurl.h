#ifndef GROW_CCURL_H
#define GROW_CCURL_H

// libcurl's C API (the headers of libcurl4-openssl-dev, or any libcurl -dev package).
//
// grow does not link libcurl: it and the ~30 libraries it pulls in (TLS, Kerberos, LDAP, IDN...)
// would be mapped into every process at start, though only S3 needs them. curl_loader.c defines
// the functions Swift calls as trampolines into a libcurl it dlopen()s on first use;
// grow_curl_load must succeed before any of them, or of the wrappers below, is called.
#include <stddef.h>

#include <curl/curl.h>

/// Loads libcurl and resolves every function grow uses, once per process (thread-safe; later
/// calls return the first call's result). Tries `$GROW_LIBCURL`, `libcurl.so.4`, `libcurl.so`.
/// Returns 0, or -1 with a one-line reason (what was tried, why, what to install) in `error`.
int grow_curl_load(char *error, size_t errorSize);

// curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call.
// These typed wrappers fix the argument type per kind of option.

CURLcode grow_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode grow_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode grow_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode grow_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode grow_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

typedef size_t (*grow_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);

CURLcode grow_curl_setopt_write_function(CURL *handle, grow_curl_data_callback callback);
CURLcode grow_curl_setopt_read_function(CURL *handle, grow_curl_data_callback callback);
CURLcode grow_curl_setopt_header_function(CURL *handle, grow_curl_data_callback callback);

typedef int (*grow_curl_seek_callback)(void *context, curl_off_t offset, int origin);

CURLcode grow_curl_setopt_seek_function(CURL *handle, grow_curl_seek_callback callback);

CURLcode grow_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode grow_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);

// CURL_READFUNC_ABORT and CURL_SEEKFUNC_* are macros Swift may not import as constants.
static inline size_t grow_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
static inline int grow_curl_seekfunc_ok(void) { return CURL_SEEKFUNC_OK; }
static inline int grow_curl_seekfunc_cantseek(void) { return CURL_SEEKFUNC_CANTSEEK; }
#endif
