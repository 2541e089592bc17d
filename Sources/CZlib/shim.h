#ifndef GROW_CZLIB_SHIM_H
#define GROW_CZLIB_SHIM_H
// zlib's init call is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift
// cannot import: this typed wrapper stands in for it (grow writes gzip with ISA-L).
#include <zlib.h>

/// Inflate a gzip stream (windowBits 15 + 16: gzip header and trailer, no zlib/raw guessing).
static inline int grow_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
