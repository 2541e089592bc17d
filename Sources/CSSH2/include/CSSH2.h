#ifndef GROW_CSSH2_H
#define GROW_CSSH2_H

// libssh2's C API (the headers of libssh2-1-dev).
//
// grow does not link libssh2 (nor the libcrypto it pulls in): only the launcher's commands need
// it. ssh2_loader.c defines the functions grow calls, here and from Swift, as trampolines into a
// libssh2 it dlopen()s on first use; grow_ssh2_load must succeed before any of them is called.
#include <stddef.h>
#include <string.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

/// Loads libssh2 and resolves every function grow uses, once per process (thread-safe; later
/// calls return the first call's result). Tries `$GROW_LIBSSH2`, `libssh2.so.1`, `libssh2.so`.
/// Returns 0, or -1 with a one-line reason (what was tried, why, what to install) in `error`.
int grow_ssh2_load(char *error, size_t errorSize);

// Most of libssh2's convenience API is macros over the *_ex functions; Swift imports neither
// macros with arguments nor their defaults, so these typed wrappers call the *_ex forms.

static inline LIBSSH2_SESSION *grow_ssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline int grow_ssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline int grow_ssh2_userauth_publickey_fromfile(LIBSSH2_SESSION *session, const char *user,
                                                         const char *public_key, const char *private_key,
                                                         const char *passphrase) {
    return libssh2_userauth_publickey_fromfile_ex(session, user, (unsigned int)strlen(user), public_key,
                                                  private_key, passphrase);
}

static inline LIBSSH2_CHANNEL *grow_ssh2_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                   LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline int grow_ssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command,
                                           (unsigned int)strlen(command));
}

static inline int grow_ssh2_channel_shell(LIBSSH2_CHANNEL *channel) {
    return libssh2_channel_process_startup(channel, "shell", sizeof("shell") - 1, NULL, 0);
}

static inline int grow_ssh2_channel_request_pty(LIBSSH2_CHANNEL *channel, const char *term, int width, int height) {
    return libssh2_channel_request_pty_ex(channel, term, (unsigned int)strlen(term), NULL, 0, width, height,
                                          LIBSSH2_TERM_WIDTH_PX, LIBSSH2_TERM_HEIGHT_PX);
}

static inline int grow_ssh2_channel_setenv(LIBSSH2_CHANNEL *channel, const char *name, const char *value) {
    return libssh2_channel_setenv_ex(channel, name, (unsigned int)strlen(name), value,
                                     (unsigned int)strlen(value));
}

static inline ssize_t grow_ssh2_channel_read_stdout(LIBSSH2_CHANNEL *channel, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, 0, buffer, length);
}

static inline ssize_t grow_ssh2_channel_read_stderr(LIBSSH2_CHANNEL *channel, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, SSH_EXTENDED_DATA_STDERR, buffer, length);
}

static inline ssize_t grow_ssh2_channel_write_stdin(LIBSSH2_CHANNEL *channel, const char *buffer, size_t length) {
    return libssh2_channel_write_ex(channel, 0, buffer, length);
}

static inline int grow_ssh2_channel_close_and_free(LIBSSH2_CHANNEL *channel) {
    libssh2_channel_send_eof(channel);
    libssh2_channel_close(channel);
    libssh2_channel_wait_closed(channel);
    return libssh2_channel_free(channel);
}

static inline LIBSSH2_SFTP_HANDLE *grow_ssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned long flags,
                                                      long mode) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), flags, mode, LIBSSH2_SFTP_OPENFILE);
}

static inline int grow_ssh2_sftp_mkdir(LIBSSH2_SFTP *sftp, const char *path, long mode) {
    return libssh2_sftp_mkdir_ex(sftp, path, (unsigned int)strlen(path), mode);
}

static inline int grow_ssh2_sftp_rename(LIBSSH2_SFTP *sftp, const char *from, const char *to) {
    return libssh2_sftp_rename_ex(sftp, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to),
                                  LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                                      LIBSSH2_SFTP_RENAME_NATIVE);
}

static inline int grow_ssh2_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_SFTP_STAT, attributes);
}
static inline int grow_ssh2_sftp_setstat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_SFTP_SETSTAT, attributes);
}

static inline int grow_ssh2_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_unlink_ex(sftp, path, (unsigned int)strlen(path));
}

static inline int grow_ssh2_sftp_rename_plain(LIBSSH2_SFTP *sftp, const char *from, const char *to) {
    // SFTP v3 (OpenSSH's sftp-server) ignores rename flags and fails when the target exists:
    // callers unlink the target first.
    return libssh2_sftp_rename_ex(sftp, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to), 0);
}

static inline int grow_ssh2_channel_request_pty_size(LIBSSH2_CHANNEL *channel, int width, int height) {
    return libssh2_channel_request_pty_size_ex(channel, width, height, 0, 0);
}

// The type bits of a host key as libssh2's known-hosts API wants them; 0 for a type it cannot store.
static inline int grow_ssh2_knownhost_key_bits(int hostkey_type) {
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default: return 0;
    }
}

static inline int grow_ssh2_knownhost_check(LIBSSH2_KNOWNHOSTS *hosts, const char *host, int port, const char *key,
                                             size_t key_length, int key_bits) {
    return libssh2_knownhost_checkp(hosts, host, port, key, key_length,
                                    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | key_bits, NULL);
}

static inline int grow_ssh2_knownhost_add(LIBSSH2_KNOWNHOSTS *hosts, const char *host, const char *key,
                                          size_t key_length, int key_bits, const char *comment) {
    return libssh2_knownhost_addc(hosts, host, NULL, key, key_length, comment, strlen(comment),
                                  LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | key_bits, NULL);
}

static inline int grow_ssh2_knownhost_readfile(LIBSSH2_KNOWNHOSTS *hosts, const char *path) {
    return libssh2_knownhost_readfile(hosts, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

static inline int grow_ssh2_knownhost_writefile(LIBSSH2_KNOWNHOSTS *hosts, const char *path) {
    return libssh2_knownhost_writefile(hosts, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

static inline int grow_ssh2_session_wants_read(LIBSSH2_SESSION *session) {
    return (libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_INBOUND) != 0;
}

static inline int grow_ssh2_session_wants_write(LIBSSH2_SESSION *session) {
    return (libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0;
}
#endif
