#ifndef GROW_CDEFLATE_SHIM_H
#define GROW_CDEFLATE_SHIM_H
// libdeflate: whole-buffer DEFLATE, several times faster than zlib at eo-learn's gzip level 1.
#include <libdeflate.h>
#endif
