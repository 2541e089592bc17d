#ifndef GROW_CLZ4_SHIM_H
#define GROW_CLZ4_SHIM_H
// LZ4's block API is plain C functions; Swift imports it directly.
#include <lz4.h>
#endif
