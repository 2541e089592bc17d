// libssh2 on demand: every libssh2 function grow calls (from Swift or the wrappers in CSSH2.h) is
// defined here as a trampoline into a libssh2 that grow_ssh2_load() dlopen()s, so only the
// launcher's commands that open an SSH session map libssh2 and the libcrypto it pulls in.
#include "CSSH2.h"

#include "CLazyLibrary.h"

// The functions grow calls, one a line (CLazyLibrary.h says how to read them).
#define GROW_SSH2_FUNCTIONS(R, V, S)                                                                                  \
    R(int, libssh2_init, (int a), (a))                                                                                \
    /* Sessions. */                                                                                                   \
    R(LIBSSH2_SESSION *, libssh2_session_init_ex,                                                                     \
      (LIBSSH2_ALLOC_FUNC((*a)), LIBSSH2_FREE_FUNC((*b)), LIBSSH2_REALLOC_FUNC((*c)), void *d), (a, b, c, d))         \
    R(int, libssh2_session_handshake, (LIBSSH2_SESSION * a, libssh2_socket_t b), (a, b))                              \
    R(int, libssh2_session_disconnect_ex, (LIBSSH2_SESSION * a, int b, const char *c, const char *d), (a, b, c, d))   \
    R(int, libssh2_session_free, (LIBSSH2_SESSION * a), (a))                                                          \
    V(libssh2_session_set_blocking, (LIBSSH2_SESSION * a, int b), (a, b))                                             \
    R(int, libssh2_session_block_directions, (LIBSSH2_SESSION * a), (a))                                              \
    R(const char *, libssh2_session_hostkey, (LIBSSH2_SESSION * a, size_t *b, int *c), (a, b, c))                     \
    R(int, libssh2_session_last_errno, (LIBSSH2_SESSION * a), (a))                                                    \
    R(int, libssh2_session_last_error, (LIBSSH2_SESSION * a, char **b, int *c, int d), (a, b, c, d))                  \
    V(libssh2_keepalive_config, (LIBSSH2_SESSION * a, int b, unsigned c), (a, b, c))                                  \
    R(int, libssh2_keepalive_send, (LIBSSH2_SESSION * a, int *b), (a, b))                                             \
    R(int, libssh2_userauth_publickey_fromfile_ex,                                                                    \
      (LIBSSH2_SESSION * a, const char *b, unsigned int c, const char *d, const char *e, const char *f),              \
      (a, b, c, d, e, f))                                                                                             \
    /* Known hosts. */                                                                                                \
    R(LIBSSH2_KNOWNHOSTS *, libssh2_knownhost_init, (LIBSSH2_SESSION * a), (a))                                       \
    V(libssh2_knownhost_free, (LIBSSH2_KNOWNHOSTS * a), (a))                                                          \
    R(int, libssh2_knownhost_readfile, (LIBSSH2_KNOWNHOSTS * a, const char *b, int c), (a, b, c))                     \
    R(int, libssh2_knownhost_writefile, (LIBSSH2_KNOWNHOSTS * a, const char *b, int c), (a, b, c))                    \
    R(int, libssh2_knownhost_checkp,                                                                                  \
      (LIBSSH2_KNOWNHOSTS * a, const char *b, int c, const char *d, size_t e, int f, struct libssh2_knownhost **g),    \
      (a, b, c, d, e, f, g))                                                                                          \
    R(int, libssh2_knownhost_addc,                                                                                    \
      (LIBSSH2_KNOWNHOSTS * a, const char *b, const char *c, const char *d, size_t e, const char *f, size_t g, int h,  \
       struct libssh2_knownhost **i),                                                                                 \
      (a, b, c, d, e, f, g, h, i))                                                                                    \
    /* Channels. */                                                                                                   \
    R(LIBSSH2_CHANNEL *, libssh2_channel_open_ex,                                                                     \
      (LIBSSH2_SESSION * a, const char *b, unsigned int c, unsigned int d, unsigned int e, const char *f,             \
       unsigned int g),                                                                                               \
      (a, b, c, d, e, f, g))                                                                                          \
    R(LIBSSH2_CHANNEL *, libssh2_channel_direct_tcpip_ex,                                                             \
      (LIBSSH2_SESSION * a, const char *b, int c, const char *d, int e), (a, b, c, d, e))                             \
    R(int, libssh2_channel_process_startup,                                                                           \
      (LIBSSH2_CHANNEL * a, const char *b, unsigned int c, const char *d, unsigned int e), (a, b, c, d, e))           \
    R(int, libssh2_channel_request_pty_ex,                                                                            \
      (LIBSSH2_CHANNEL * a, const char *b, unsigned int c, const char *d, unsigned int e, int f, int g, int h, int i), \
      (a, b, c, d, e, f, g, h, i))                                                                                    \
    R(int, libssh2_channel_request_pty_size_ex, (LIBSSH2_CHANNEL * a, int b, int c, int d, int e), (a, b, c, d, e))   \
    R(int, libssh2_channel_setenv_ex, (LIBSSH2_CHANNEL * a, const char *b, unsigned int c, const char *d,             \
                                       unsigned int e),                                                               \
      (a, b, c, d, e))                                                                                                \
    R(ssize_t, libssh2_channel_read_ex, (LIBSSH2_CHANNEL * a, int b, char *c, size_t d), (a, b, c, d))                \
    R(ssize_t, libssh2_channel_write_ex, (LIBSSH2_CHANNEL * a, int b, const char *c, size_t d), (a, b, c, d))         \
    R(int, libssh2_channel_eof, (LIBSSH2_CHANNEL * a), (a))                                                           \
    R(int, libssh2_channel_send_eof, (LIBSSH2_CHANNEL * a), (a))                                                      \
    R(int, libssh2_channel_close, (LIBSSH2_CHANNEL * a), (a))                                                         \
    R(int, libssh2_channel_wait_closed, (LIBSSH2_CHANNEL * a), (a))                                                   \
    R(int, libssh2_channel_free, (LIBSSH2_CHANNEL * a), (a))                                                          \
    R(int, libssh2_channel_get_exit_status, (LIBSSH2_CHANNEL * a), (a))                                               \
    R(int, libssh2_channel_get_exit_signal,                                                                           \
      (LIBSSH2_CHANNEL * a, char **b, size_t *c, char **d, size_t *e, char **f, size_t *g), (a, b, c, d, e, f, g))    \
    /* SFTP. */                                                                                                       \
    R(LIBSSH2_SFTP *, libssh2_sftp_init, (LIBSSH2_SESSION * a), (a))                                                  \
    R(int, libssh2_sftp_shutdown, (LIBSSH2_SFTP * a), (a))                                                            \
    R(unsigned long, libssh2_sftp_last_error, (LIBSSH2_SFTP * a), (a))                                                \
    R(LIBSSH2_SFTP_HANDLE *, libssh2_sftp_open_ex,                                                                    \
      (LIBSSH2_SFTP * a, const char *b, unsigned int c, unsigned long d, long e, int f), (a, b, c, d, e, f))          \
    R(int, libssh2_sftp_close_handle, (LIBSSH2_SFTP_HANDLE * a), (a))                                                 \
    R(ssize_t, libssh2_sftp_write, (LIBSSH2_SFTP_HANDLE * a, const char *b, size_t c), (a, b, c))                     \
    R(int, libssh2_sftp_mkdir_ex, (LIBSSH2_SFTP * a, const char *b, unsigned int c, long d), (a, b, c, d))            \
    R(int, libssh2_sftp_rename_ex,                                                                                    \
      (LIBSSH2_SFTP * a, const char *b, unsigned int c, const char *d, unsigned int e, long f), (a, b, c, d, e, f))   \
    R(int, libssh2_sftp_stat_ex,                                                                                      \
      (LIBSSH2_SFTP * a, const char *b, unsigned int c, int d, LIBSSH2_SFTP_ATTRIBUTES *e), (a, b, c, d, e))          \
    R(int, libssh2_sftp_unlink_ex, (LIBSSH2_SFTP * a, const char *b, unsigned int c), (a, b, c))

GROW_LAZY_DEFINE(GROW_SSH2_FUNCTIONS)

GROW_LAZY_LOADER(grow_ssh2_load, .what = "libssh2", .environment = "GROW_LIBSSH2",
                 .sonames = (const char *const[]){"libssh2.so.1", "libssh2.so", NULL},
                 .advice = "install libssh2-1 (Debian)")
