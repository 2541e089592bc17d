// GDAL on demand: every GDAL function grow calls is defined here as a trampoline into a libgdal
// that grow_gdal_load() dlopen()s, so processes that never touch a raster (an idle head) do not
// map libgdal and its ~110 libraries.

// The trampolines are hidden (CLazyLibrary.h says why); so are GDAL's declarations of them, which
// the headers mark CPL_DLL (cpl_port.h only defines it when it is not set yet).
#define CPL_DLL __attribute__((visibility("hidden")))
#define CPL_INTERNAL __attribute__((visibility("hidden")))
#include "CGDAL.h"

#include <stdio.h>
#include <stdlib.h>

#include "CLazyLibrary.h"

// The functions grow calls, one a line (CLazyLibrary.h says how to read them). Each trampoline
// is checked by the compiler against the header's declaration, so a wrong line does not build.
#define GROW_GDAL_FUNCTIONS(R, V, S)                                                                                  \
    /* The loader's ABI check. */                                                                                     \
    R(const char *, GDALVersionInfo, (const char *a), (a))                                                            \
    /* Errors and configuration. */                                                                                   \
    V(CPLErrorReset, (void), ())                                                                                      \
    R(const char *, CPLGetConfigOption, (const char *a, const char *b), (a, b))                                       \
    R(const char *, CPLGetLastErrorMsg, (void), ())                                                                   \
    R(CPLErr, CPLGetLastErrorType, (void), ())                                                                        \
    V(CPLQuietErrorHandler, (CPLErr a, CPLErrorNum b, const char *c), (a, b, c))                                      \
    V(CPLSetConfigOption, (const char *a, const char *b), (a, b))                                                     \
    R(CPLErrorHandler, CPLSetErrorHandler, (CPLErrorHandler a), (a))                                                  \
    R(char **, CSLAddString, (char **a, const char *b), (a, b))                                                       \
    V(CSLDestroy, (char **a), (a))                                                                                    \
    V(VSIFree, (void *a), (a))                                                                                        \
    V(VSISetPathSpecificOption, (const char *a, const char *b, const char *c), (a, b, c))                             \
    /* Datasets and bands. */                                                                                         \
    V(GDALAllRegister, (void), ())                                                                                    \
    V(GDALClose, (GDALDatasetH a), (a))                                                                               \
    R(CPLErr, GDALComputeRasterMinMax, (GDALRasterBandH a, int b, double c[2]), (a, b, c))                            \
    R(GDALDatasetH, GDALCreate,                                                                                       \
      (GDALDriverH a, const char *b, int c, int d, int e, GDALDataType f, CSLConstList g), (a, b, c, d, e, f, g))     \
    R(GDALDatasetH, GDALCreateCopy,                                                                                   \
      (GDALDriverH a, const char *b, GDALDatasetH c, int d, CSLConstList e, GDALProgressFunc f, void *g),             \
      (a, b, c, d, e, f, g))                                                                                          \
    R(OGRLayerH, GDALDatasetGetLayer, (GDALDatasetH a, int b), (a, b))                                                \
    R(int, GDALDatasetGetLayerCount, (GDALDatasetH a), (a))                                                           \
    R(CPLErr, GDALDatasetRasterIO,                                                                                    \
      (GDALDatasetH a, GDALRWFlag b, int c, int d, int e, int f, void *g, int h, int i, GDALDataType j, int k,        \
       int *l, int m, int n, int o),                                                                                  \
      (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o))                                                                  \
    R(GDALDriverH, GDALGetDriverByName, (const char *a), (a))                                                         \
    R(CPLErr, GDALGetGeoTransform, (GDALDatasetH a, double *b), (a, b))                                               \
    R(const char *, GDALGetProjectionRef, (GDALDatasetH a), (a))                                                      \
    R(GDALRasterBandH, GDALGetRasterBand, (GDALDatasetH a, int b), (a, b))                                            \
    R(int, GDALGetRasterCount, (GDALDatasetH a), (a))                                                                 \
    R(GDALDataType, GDALGetRasterDataType, (GDALRasterBandH a), (a))                                                  \
    R(double, GDALGetRasterNoDataValue, (GDALRasterBandH a, int *b), (a, b))                                          \
    R(int, GDALGetRasterXSize, (GDALDatasetH a), (a))                                                                 \
    R(int, GDALGetRasterYSize, (GDALDatasetH a), (a))                                                                 \
    R(GDALDatasetH, GDALOpen, (const char *a, GDALAccess b), (a, b))                                                  \
    R(GDALDatasetH, GDALOpenEx,                                                                                       \
      (const char *a, unsigned int b, const char *const *c, const char *const *d, const char *const *e),              \
      (a, b, c, d, e))                                                                                                \
    V(GDALSetCacheMax64, (GIntBig a), (a))                                                                            \
    R(CPLErr, GDALSetGeoTransform, (GDALDatasetH a, double *b), (a, b))                                               \
    R(CPLErr, GDALSetProjection, (GDALDatasetH a, const char *b), (a, b))                                             \
    R(CPLErr, GDALSetRasterNoDataValue, (GDALRasterBandH a, double b), (a, b))                                        \
    /* The utilities as functions (gdal_utils.h). */                                                                  \
    R(GDALDatasetH, GDALBuildVRT,                                                                                     \
      (const char *a, int b, GDALDatasetH *c, const char *const *d, const GDALBuildVRTOptions *e, int *f),            \
      (a, b, c, d, e, f))                                                                                             \
    V(GDALBuildVRTOptionsFree, (GDALBuildVRTOptions * a), (a))                                                        \
    R(GDALBuildVRTOptions *, GDALBuildVRTOptionsNew, (char **a, GDALBuildVRTOptionsForBinary *b), (a, b))             \
    R(GDALDatasetH, GDALDEMProcessing,                                                                                \
      (const char *a, GDALDatasetH b, const char *c, const char *d, const GDALDEMProcessingOptions *e, int *f),       \
      (a, b, c, d, e, f))                                                                                             \
    V(GDALDEMProcessingOptionsFree, (GDALDEMProcessingOptions * a), (a))                                              \
    R(GDALDEMProcessingOptions *, GDALDEMProcessingOptionsNew, (char **a, GDALDEMProcessingOptionsForBinary *b),      \
      (a, b))                                                                                                         \
    R(GDALDatasetH, GDALTranslate, (const char *a, GDALDatasetH b, const GDALTranslateOptions *c, int *d),            \
      (a, b, c, d))                                                                                                   \
    V(GDALTranslateOptionsFree, (GDALTranslateOptions * a), (a))                                                      \
    R(GDALTranslateOptions *, GDALTranslateOptionsNew, (char **a, GDALTranslateOptionsForBinary *b), (a, b))          \
    R(GDALDatasetH, GDALWarp,                                                                                         \
      (const char *a, GDALDatasetH b, int c, GDALDatasetH *d, const GDALWarpAppOptions *e, int *f),                   \
      (a, b, c, d, e, f))                                                                                             \
    V(GDALWarpAppOptionsFree, (GDALWarpAppOptions * a), (a))                                                          \
    R(GDALWarpAppOptions *, GDALWarpAppOptionsNew, (char **a, GDALWarpAppOptionsForBinary *b), (a, b))                \
    /* Vectors and geometries. */                                                                                     \
    V(OGR_F_Destroy, (OGRFeatureH a), (a))                                                                            \
    R(OGRGeometryH, OGR_F_GetGeometryRef, (OGRFeatureH a), (a))                                                       \
    R(int, OGR_F_GetFieldIndex, (OGRFeatureH a, const char *b), (a, b))                                               \
    R(const char *, OGR_F_GetFieldAsString, (OGRFeatureH a, int b), (a, b))                                           \
    R(OGRErr, OGR_G_AddGeometryDirectly, (OGRGeometryH a, OGRGeometryH b), (a, b))                                    \
    V(OGR_G_AddPoint_2D, (OGRGeometryH a, double b, double c), (a, b, c))                                             \
    R(double, OGR_G_Area, (OGRGeometryH a), (a))                                                                      \
    R(OGRGeometryH, OGR_G_Buffer, (OGRGeometryH a, double b, int c), (a, b, c))                                       \
    R(OGRGeometryH, OGR_G_Clone, (OGRGeometryH a), (a))                                                               \
    R(OGRGeometryH, OGR_G_CreateGeometry, (OGRwkbGeometryType a), (a))                                                \
    V(OGR_G_DestroyGeometry, (OGRGeometryH a), (a))                                                                   \
    R(int, OGR_G_GetDimension, (OGRGeometryH a), (a))                                                                 \
    V(OGR_G_GetEnvelope, (OGRGeometryH a, OGREnvelope * b), (a, b))                                                   \
    R(OGRGeometryH, OGR_G_Intersection, (OGRGeometryH a, OGRGeometryH b), (a, b))                                     \
    R(int, OGR_G_Intersects, (OGRGeometryH a, OGRGeometryH b), (a, b))                                                \
    R(int, OGR_G_IsEmpty, (OGRGeometryH a), (a))                                                                      \
    R(OGRGeometryH, OGR_G_SimplifyPreserveTopology, (OGRGeometryH a, double b), (a, b))                               \
    R(OGRErr, OGR_G_Transform, (OGRGeometryH a, OGRCoordinateTransformationH b), (a, b))                              \
    R(OGRGeometryH, OGR_G_Union, (OGRGeometryH a, OGRGeometryH b), (a, b))                                            \
    R(OGRFeatureH, OGR_L_GetNextFeature, (OGRLayerH a), (a))                                                          \
    R(OGRSpatialReferenceH, OGR_L_GetSpatialRef, (OGRLayerH a), (a))                                                  \
    V(OGR_L_ResetReading, (OGRLayerH a), (a))                                                                         \
    /* Coordinate systems. */                                                                                         \
    V(OCTDestroyCoordinateTransformation, (OGRCoordinateTransformationH a), (a))                                      \
    R(OGRCoordinateTransformationH, OCTNewCoordinateTransformation, (OGRSpatialReferenceH a, OGRSpatialReferenceH b), \
      (a, b))                                                                                                         \
    R(int, OCTTransform, (OGRCoordinateTransformationH a, int b, double *c, double *d, double *e), (a, b, c, d, e))   \
    R(OGRErr, OSRAutoIdentifyEPSG, (OGRSpatialReferenceH a), (a))                                                     \
    R(OGRSpatialReferenceH, OSRClone, (OGRSpatialReferenceH a), (a))                                                  \
    V(OSRDestroySpatialReference, (OGRSpatialReferenceH a), (a))                                                      \
    R(OGRErr, OSRExportToWkt, (OGRSpatialReferenceH a, char **b), (a, b))                                             \
    R(const char *, OSRGetAuthorityCode, (OGRSpatialReferenceH a, const char *b), (a, b))                             \
    R(OGRErr, OSRImportFromEPSG, (OGRSpatialReferenceH a, int b), (a, b))                                             \
    R(OGRSpatialReferenceH, OSRNewSpatialReference, (const char *a), (a))                                             \
    V(OSRSetAxisMappingStrategy, (OGRSpatialReferenceH a, OSRAxisMappingStrategy b), (a, b))


GROW_LAZY_DEFINE(GROW_GDAL_FUNCTIONS)

#define GROW_STRING(x) #x
#define GROW_NUMBER(x) GROW_STRING(x)
// The soname (and Debian package number) of the GDAL the headers describe, for the advice: GDAL
// 3.m is libgdal.so.(26+m).
#define GROW_GDAL_SONAME (GDAL_VERSION_MAJOR == 3 ? 26 + GDAL_VERSION_MINOR : 0)

// libgdal.so (a -dev symlink), then the sonames of GDAL 3.12 down to 3.0.
static const char *const gdal_sonames[] = {
    "libgdal.so",    "libgdal.so.38", "libgdal.so.37", "libgdal.so.36", "libgdal.so.35",
    "libgdal.so.34", "libgdal.so.33", "libgdal.so.32", "libgdal.so.31", "libgdal.so.30",
    "libgdal.so.29", "libgdal.so.28", "libgdal.so.27", "libgdal.so.26", NULL,
};

// GDAL keeps its C ABI within a minor release only: accept the headers' major.minor alone.
static int gdal_accept(const char *candidate, const grow_lazy_function *functions, char *why, size_t whySize) {
    const char *number = ((const char *(*)(const char *))functions[grow_lazy_index_GDALVersionInfo])("VERSION_NUM");
    long version = number ? strtol(number, NULL, 10) : 0;  // GDAL_COMPUTE_VERSION: MMmmrrbb
    long major = version / 1000000, minor = version / 10000 % 100;
    if (major == GDAL_VERSION_MAJOR && minor == GDAL_VERSION_MINOR) return 0;
    snprintf(why, whySize, "%s is GDAL %ld.%ld, but grow was built for GDAL %d.%d (another ABI)", candidate, major,
             minor, GDAL_VERSION_MAJOR, GDAL_VERSION_MINOR);
    return -1;
}

static char gdal_advice[64];

static struct grow_lazy_library gdal = {
    .what = "GDAL " GROW_NUMBER(GDAL_VERSION_MAJOR) "." GROW_NUMBER(GDAL_VERSION_MINOR),
    .environment = "GROW_LIBGDAL",
    .sonames = gdal_sonames,
    .sonamesText = "libgdal.so, libgdal.so.38 ... libgdal.so.26",
    .advice = gdal_advice,
    .accept = gdal_accept,
    GROW_LAZY_TABLE_FIELDS,
};

static void gdal_load_once(void) {
    snprintf(gdal_advice, sizeof gdal_advice, "install libgdal%d (Debian)", GROW_GDAL_SONAME);
    grow_lazy_open(&gdal);
}

int grow_gdal_load(char *error, size_t errorSize) { return grow_lazy_load(&gdal, gdal_load_once, error, errorSize); }
