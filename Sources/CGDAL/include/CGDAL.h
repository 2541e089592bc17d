#ifndef GROW_CGDAL_H
#define GROW_CGDAL_H

// GDAL's C API: rasters (gdal.h), the utilities as functions (warp, translate, buildvrt, dem),
// vectors for the area of interest (ogr_api.h), coordinate systems, and the virtual file system.
// The headers' own includes are quoted, so <gdal/...> needs no -I flag.
//
// grow does not link libgdal: it and its ~110 libraries would be mapped into every process at
// start, head included. gdal_loader.c defines the functions Swift calls as trampolines into a
// libgdal it dlopen()s on first use; grow_gdal_load must succeed before any of them is called.
#include <stddef.h>

#include <gdal/gdal.h>
#include <gdal/gdal_utils.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_srs_api.h>
#include <gdal/cpl_conv.h>
#include <gdal/cpl_error.h>
#include <gdal/cpl_string.h>
#include <gdal/cpl_vsi.h>

/// Loads libgdal and resolves every function grow uses, once per process (thread-safe; later
/// calls return the first call's result). Tries `$GROW_LIBGDAL`, `libgdal.so`, then the known
/// sonames newest first, and accepts only the GDAL major.minor the headers describe (the ABI).
/// Returns 0, or -1 with a one-line reason (what was tried, why, what to install) in `error`.
int grow_gdal_load(char *error, size_t errorSize);

#endif
