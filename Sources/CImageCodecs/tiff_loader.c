// The libtiff functions tiff_decoder.c calls, forwarded to the library opened at first use (see
// codec_loader.h). tiffio.h declares each of them: a forwarder whose signature drifted from the
// header would not compile. The variadic TIFFGetField family cannot pass its arguments on
// through a pointer, so each is defined here over its va_list twin (TIFFVGetField...).
#include "codec_loader.h"

#include <stdarg.h>

#include <tiffio.h>

#if defined(__APPLE__)
static const char *const files[] = {"libtiff.dylib", "/opt/homebrew/lib/libtiff.dylib", "/usr/local/lib/libtiff.dylib",
                                    NULL};
static const zoo_codec_library tiff_library = {"libtiff", "libtiff (Homebrew)", files};
#else
// libtiff 4.5 and later; libtiff.so.5 (4.0-4.4) lacks the TIFFOpenOptions functions and is named
// so that the message says so rather than "not found".
static const char *const files[] = {"libtiff.so.6", "libtiff.so.5", "libtiff.so", NULL};
static const zoo_codec_library tiff_library = {"libtiff", "libtiff6", files};
#endif

#define TIFF_FUNCTIONS(X, V)                                                                                      \
    X(const char *, TIFFGetVersion, (void), (), "")                                                               \
    X(TIFFOpenOptions *, TIFFOpenOptionsAlloc, (void), (), NULL)                                                  \
    V(TIFFOpenOptionsFree, (TIFFOpenOptions * options), (options))                                                \
    V(TIFFOpenOptionsSetMaxSingleMemAlloc, (TIFFOpenOptions * options, tmsize_t limit), (options, limit))         \
    V(TIFFOpenOptionsSetErrorHandlerExtR, (TIFFOpenOptions * options, TIFFErrorHandlerExtR handler, void *user),  \
      (options, handler, user))                                                                                   \
    V(TIFFOpenOptionsSetWarningHandlerExtR, (TIFFOpenOptions * options, TIFFErrorHandlerExtR handler, void *user), \
      (options, handler, user))                                                                                   \
    X(TIFF *, TIFFClientOpenExt,                                                                                  \
      (const char *name, const char *mode, thandle_t client, TIFFReadWriteProc read, TIFFReadWriteProc write,     \
       TIFFSeekProc seek, TIFFCloseProc close, TIFFSizeProc size, TIFFMapFileProc map, TIFFUnmapFileProc unmap,    \
       TIFFOpenOptions *options),                                                                                 \
      (name, mode, client, read, write, seek, close, size, map, unmap, options), NULL)                           \
    V(TIFFClose, (TIFF * tif), (tif))                                                                             \
    X(int, TIFFVGetField, (TIFF * tif, uint32_t tag, va_list values), (tif, tag, values), 0)                      \
    X(int, TIFFVGetFieldDefaulted, (TIFF * tif, uint32_t tag, va_list values), (tif, tag, values), 0)             \
    X(int, TIFFVSetField, (TIFF * tif, uint32_t tag, va_list values), (tif, tag, values), 0)                      \
    X(int, TIFFIsTiled, (TIFF * tif), (tif), 0)                                                                   \
    X(uint32_t, TIFFNumberOfStrips, (TIFF * tif), (tif), 0)                                                       \
    X(uint32_t, TIFFNumberOfTiles, (TIFF * tif), (tif), 0)                                                        \
    X(uint64_t, TIFFGetStrileOffsetWithErr, (TIFF * tif, uint32_t strile, int *failed), (tif, strile, failed), 0) \
    X(uint64_t, TIFFGetStrileByteCountWithErr, (TIFF * tif, uint32_t strile, int *failed), (tif, strile, failed), 0) \
    X(tmsize_t, TIFFStripSize, (TIFF * tif), (tif), 0)                                                            \
    X(tmsize_t, TIFFScanlineSize, (TIFF * tif), (tif), 0)                                                         \
    X(tmsize_t, TIFFTileSize, (TIFF * tif), (tif), 0)                                                             \
    X(tmsize_t, TIFFTileRowSize, (TIFF * tif), (tif), 0)                                                          \
    X(uint32_t, TIFFComputeStrip, (TIFF * tif, uint32_t row, uint16_t sample), (tif, row, sample), 0)             \
    X(uint32_t, TIFFComputeTile, (TIFF * tif, uint32_t x, uint32_t y, uint32_t z, uint16_t sample),               \
      (tif, x, y, z, sample), 0)                                                                                  \
    X(tmsize_t, TIFFReadEncodedStrip, (TIFF * tif, uint32_t strip, void *buffer, tmsize_t size),                  \
      (tif, strip, buffer, size), -1)                                                                             \
    X(tmsize_t, TIFFReadEncodedTile, (TIFF * tif, uint32_t tile, void *buffer, tmsize_t size),                    \
      (tif, tile, buffer, size), -1)

static struct {
    zoo_codec_loader loader;
    TIFF_FUNCTIONS(ZOO_POINTER, ZOO_VOID_POINTER)
} library = {.loader = {.once = PTHREAD_ONCE_INIT}};

ZOO_CODEC_FINDER(tiff, TIFF_FUNCTIONS)

static void open_library(void) {
    if (!find_tiff(&tiff_library)) return;
    // One soname covers a major version's minor releases, which add functions and tags; the
    // headers' minor release is the oldest whose API they describe.
    int major = 0, minor = 0;
    const char *text = library.TIFFGetVersion();
    if (sscanf(text ? text : "", "LIBTIFF, Version %d.%d", &major, &minor) != 2 || major != TIFFLIB_MAJOR_VERSION ||
        minor < TIFFLIB_MINOR_VERSION) {
        snprintf(library.loader.error, sizeof library.loader.error,
                 "%s is libtiff %d.%d; zoo needs %d.%d or later; install %s", library.loader.file, major, minor,
                 TIFFLIB_MAJOR_VERSION, TIFFLIB_MINOR_VERSION, tiff_library.package);
        return;
    }
    library.loader.ready = 1;
}

ZOO_CODEC_OPEN_FUNCTIONS(zoo_libtiff_open)

TIFF_FUNCTIONS(ZOO_FORWARD, ZOO_VOID_FORWARD)

#define VARIADIC_FORWARD(name, va_list_twin)               \
    int name(TIFF *tif, uint32_t tag, ...) {                \
        va_list values;                                     \
        va_start(values, tag);                              \
        int result = va_list_twin(tif, tag, values);        \
        va_end(values);                                     \
        return result;                                      \
    }
VARIADIC_FORWARD(TIFFGetField, TIFFVGetField)
VARIADIC_FORWARD(TIFFGetFieldDefaulted, TIFFVGetFieldDefaulted)
VARIADIC_FORWARD(TIFFSetField, TIFFVSetField)
#undef VARIADIC_FORWARD
