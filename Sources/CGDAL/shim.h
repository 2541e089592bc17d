#ifndef GROW_CGDAL_SHIM_H
#define GROW_CGDAL_SHIM_H

// GDAL's C API: rasters (gdal.h), the utilities as functions (warp, translate, buildvrt, dem),
// vectors for the area of interest (ogr_api.h), coordinate systems, and the virtual file system.
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#endif
