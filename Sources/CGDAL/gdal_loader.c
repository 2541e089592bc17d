// GDAL on demand: every GDAL function grow calls is defined here as a trampoline into a libgdal
// that grow_gdal_load() dlopen()s, so processes that never touch a raster (an idle head) do not
// map libgdal and its ~110 libraries.

// Our definitions of GDAL's functions must stay inside the executable: were they exported, a
// libgdal loaded later would bind its own internal calls to them and recurse into itself. The
// headers mark each declaration CPL_DLL (cpl_port.h only defines it when it is not set yet).
#define CPL_DLL __attribute__((visibility("hidden")))
#define CPL_INTERNAL __attribute__((visibility("hidden")))
#include "CGDAL.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The functions grow calls, one a line: R(return type, name, parameters, arguments) or, for a
// function returning void, V(name, parameters, arguments). Each definition below is checked by
// the compiler against the header's declaration, so a wrong line does not build.
#define GROW_GDAL_FUNCTIONS(R, V)                                                                                     \
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
    R(OGRErr, OSRAutoIdentifyEPSG, (OGRSpatialReferenceH a), (a))                                                     \
    R(OGRSpatialReferenceH, OSRClone, (OGRSpatialReferenceH a), (a))                                                  \
    V(OSRDestroySpatialReference, (OGRSpatialReferenceH a), (a))                                                      \
    R(OGRErr, OSRExportToWkt, (OGRSpatialReferenceH a, char **b), (a, b))                                             \
    R(const char *, OSRGetAuthorityCode, (OGRSpatialReferenceH a, const char *b), (a, b))                             \
    R(OGRErr, OSRImportFromEPSG, (OGRSpatialReferenceH a, int b), (a, b))                                             \
    R(OGRSpatialReferenceH, OSRNewSpatialReference, (const char *a), (a))                                             \
    V(OSRSetAxisMappingStrategy, (OGRSpatialReferenceH a, OSRAxisMappingStrategy b), (a, b))

// The real functions, all set by one successful load and never changed afterwards.
struct grow_gdal_table {
#define GROW_POINTER(ret, name, params, args) ret(*name) params;
#define GROW_POINTER_VOID(name, params, args) void(*name) params;
    GROW_GDAL_FUNCTIONS(GROW_POINTER, GROW_POINTER_VOID)
#undef GROW_POINTER
#undef GROW_POINTER_VOID
};
static struct grow_gdal_table gdal;

// Calling GDAL before grow_gdal_load succeeded is a bug in grow, not a condition to handle: say
// which function it was rather than jump through a null pointer.
__attribute__((noreturn, cold)) static void grow_gdal_not_loaded(const char *name) {
    fprintf(stderr, "grow: %s called before GDAL was loaded (grow_gdal_load did not succeed)\n", name);
    abort();
}

#define GROW_TRAMPOLINE(ret, name, params, args)                                 \
    ret name params {                                                            \
        if (__builtin_expect(gdal.name == NULL, 0)) grow_gdal_not_loaded(#name); \
        return gdal.name args;                                                   \
    }
#define GROW_TRAMPOLINE_VOID(name, params, args)                                 \
    void name params {                                                           \
        if (__builtin_expect(gdal.name == NULL, 0)) grow_gdal_not_loaded(#name); \
        gdal.name args;                                                          \
    }
GROW_GDAL_FUNCTIONS(GROW_TRAMPOLINE, GROW_TRAMPOLINE_VOID)
#undef GROW_TRAMPOLINE
#undef GROW_TRAMPOLINE_VOID

// The sonames tried after libgdal.so (a -dev symlink), newest first: GDAL 3.m is libgdal.so.(26+m).
enum { GROW_SONAME_NEWEST = 38, GROW_SONAME_OLDEST = 26 };
// The soname (and Debian package number) of the GDAL the headers describe, for the advice.
#define GROW_GDAL_SONAME (GDAL_VERSION_MAJOR == 3 ? 26 + GDAL_VERSION_MINOR : 0)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[1024];

// Opens one candidate and fills `gdal` if it has every function and the headers' major.minor
// (GDAL keeps its C ABI within a minor release only). Otherwise leaves `gdal` empty and says why.
static int grow_gdal_try(const char *name, char *why, size_t whySize) {
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(why, whySize, "%s", reason ? reason : "dlopen failed");
        return -1;
    }
    struct grow_gdal_table resolved;
    const char *missing = NULL;
    // POSIX guarantees dlsym's object pointer converts to a function pointer.
#define GROW_RESOLVE(ret, name, params, args) \
    if (missing == NULL && (resolved.name = (ret(*) params)dlsym(handle, #name)) == NULL) missing = #name;
#define GROW_RESOLVE_VOID(name, params, args) \
    if (missing == NULL && (resolved.name = (void(*) params)dlsym(handle, #name)) == NULL) missing = #name;
    GROW_GDAL_FUNCTIONS(GROW_RESOLVE, GROW_RESOLVE_VOID)
#undef GROW_RESOLVE
#undef GROW_RESOLVE_VOID
    if (missing != NULL) {
        snprintf(why, whySize, "%s has no %s", name, missing);
        dlclose(handle);
        return -1;
    }
    const char *number = resolved.GDALVersionInfo("VERSION_NUM");
    long version = number ? strtol(number, NULL, 10) : 0;  // GDAL_COMPUTE_VERSION: MMmmrrbb
    long major = version / 1000000, minor = version / 10000 % 100;
    if (major != GDAL_VERSION_MAJOR || minor != GDAL_VERSION_MINOR) {
        snprintf(why, whySize, "%s is GDAL %ld.%ld, but grow was built for GDAL %d.%d (another ABI)", name, major,
                 minor, GDAL_VERSION_MAJOR, GDAL_VERSION_MINOR);
        dlclose(handle);
        return -1;
    }
    gdal = resolved;  // the handle stays open for the life of the process
    return 0;
}

static void grow_gdal_load_once(void) {
    char candidates[GROW_SONAME_NEWEST - GROW_SONAME_OLDEST + 3][512];
    size_t count = 0;
    const char *chosen = getenv("GROW_LIBGDAL");
    if (chosen != NULL && chosen[0] != '\0') snprintf(candidates[count++], sizeof candidates[0], "%s", chosen);
    snprintf(candidates[count++], sizeof candidates[0], "libgdal.so");
    for (int soname = GROW_SONAME_NEWEST; soname >= GROW_SONAME_OLDEST; soname--) {
        snprintf(candidates[count++], sizeof candidates[0], "libgdal.so.%d", soname);
    }

    // The reason reported is the first one that says more than "no such file" (a library that
    // exists but is broken, too old or another version; anything about $GROW_LIBGDAL), else the last.
    char reason[512] = "", why[512];
    int telling = 0;
    for (size_t index = 0; index < count; index++) {
        if (grow_gdal_try(candidates[index], why, sizeof why) == 0) {
            load_status = 0;
            return;
        }
        int fromEnvironment = chosen != NULL && chosen[0] != '\0' && index == 0;
        if (!telling) {
            snprintf(reason, sizeof reason, "%s", why);
            telling = fromEnvironment || strstr(why, "No such file or directory") == NULL;
        }
    }
    for (char *c = reason; *c; c++) {
        if (*c == '\n' || *c == '\r') *c = ' ';  // one line, whatever dlerror said
    }
    int hasChosen = chosen != NULL && chosen[0] != '\0';
    snprintf(load_error, sizeof load_error,
             "cannot load GDAL %d.%d (tried %s%s%slibgdal.so, libgdal.so.%d ... libgdal.so.%d): %s; "
             "install libgdal%d (Debian) or set GROW_LIBGDAL to the library's path",
             GDAL_VERSION_MAJOR, GDAL_VERSION_MINOR, hasChosen ? "GROW_LIBGDAL=" : "", hasChosen ? chosen : "",
             hasChosen ? ", " : "", GROW_SONAME_NEWEST, GROW_SONAME_OLDEST, reason, GROW_GDAL_SONAME);
}

int grow_gdal_load(char *error, size_t errorSize) {
    pthread_once(&load_once, grow_gdal_load_once);
    if (load_status == 0) return 0;
    if (error != NULL && errorSize > 0) snprintf(error, errorSize, "%s", load_error);
    return -1;
}
