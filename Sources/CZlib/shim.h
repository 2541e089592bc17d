#ifndef GROW_CZLIB_SHIM_H
#define GROW_CZLIB_SHIM_H
// zlib's init calls are macros (they pass ZLIB_VERSION and sizeof(z_stream)), which Swift
// cannot import: these typed wrappers stand in for them.
#include <zlib.h>

/// Inflate a gzip stream (windowBits 15 + 16: gzip header and trailer, no zlib/raw guessing).
static inline int grow_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}

/// Deflate into a gzip stream at `level` (0-9), default memory level and strategy.
static inline int grow_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
