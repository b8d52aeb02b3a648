// The libwebp and libwebpdemux functions webp_decoder.c calls, forwarded to the libraries opened
// together at first use (libwebpdemux needs libwebp; see codec_loader.h). decode.h and demux.h
// declare each of them: a forwarder whose signature drifted from the header would not compile.
// The headers' inline helpers (WebPDemuxPartial, WebPAnimDecoderNew...) call the *Internal
// functions with the ABI version they were written for; those are the ones forwarded.
#include "codec_loader.h"

#include <webp/decode.h>
#include <webp/demux.h>

#if defined(__APPLE__)
static const char *const webp_files[] = {"libwebp.dylib", "/opt/homebrew/lib/libwebp.dylib",
                                         "/usr/local/lib/libwebp.dylib", NULL};
static const char *const demux_files[] = {"libwebpdemux.dylib", "/opt/homebrew/lib/libwebpdemux.dylib",
                                          "/usr/local/lib/libwebpdemux.dylib", NULL};
static const zoo_codec_library webp_library = {"libwebp", "webp (Homebrew)", webp_files};
static const zoo_codec_library demux_library = {"libwebpdemux", "webp (Homebrew)", demux_files};
#else
static const char *const webp_files[] = {"libwebp.so.7", "libwebp.so", NULL};
static const char *const demux_files[] = {"libwebpdemux.so.2", "libwebpdemux.so", NULL};
static const zoo_codec_library webp_library = {"libwebp", "libwebp7", webp_files};
static const zoo_codec_library demux_library = {"libwebpdemux", "libwebpdemux2", demux_files};
#endif

#define WEBP_FUNCTIONS(X, V) X(int, WebPGetDecoderVersion, (void), (), 0)

#define WEBP_DEMUX_FUNCTIONS(X, V)                                                                                \
    X(int, WebPGetDemuxVersion, (void), (), 0)                                                                    \
    X(WebPDemuxer *, WebPDemuxInternal, (const WebPData *data, int allow_partial, WebPDemuxState *state, int abi), \
      (data, allow_partial, state, abi), NULL)                                                                    \
    V(WebPDemuxDelete, (WebPDemuxer *demux), (demux))                                                             \
    X(uint32_t, WebPDemuxGetI, (const WebPDemuxer *demux, WebPFormatFeature feature), (demux, feature), 0)        \
    X(int, WebPDemuxGetChunk, (const WebPDemuxer *demux, const char fourcc[4], int number, WebPChunkIterator *chunk), \
      (demux, fourcc, number, chunk), 0)                                                                          \
    V(WebPDemuxReleaseChunkIterator, (WebPChunkIterator * chunk), (chunk))                                        \
    X(int, WebPAnimDecoderOptionsInitInternal, (WebPAnimDecoderOptions * options, int abi), (options, abi), 0)   \
    X(WebPAnimDecoder *, WebPAnimDecoderNewInternal,                                                              \
      (const WebPData *data, const WebPAnimDecoderOptions *options, int abi), (data, options, abi), NULL)        \
    X(int, WebPAnimDecoderGetNext, (WebPAnimDecoder * decoder, uint8_t **rgba, int *timestamp),                   \
      (decoder, rgba, timestamp), 0)                                                                              \
    V(WebPAnimDecoderDelete, (WebPAnimDecoder * decoder), (decoder))

static struct {
    zoo_codec_loader loader;
    WEBP_FUNCTIONS(ZOO_POINTER, ZOO_VOID_POINTER)
    WEBP_DEMUX_FUNCTIONS(ZOO_POINTER, ZOO_VOID_POINTER)
} library = {.loader = {.once = PTHREAD_ONCE_INIT}};

ZOO_CODEC_FINDER(webp, WEBP_FUNCTIONS)
ZOO_CODEC_FINDER(demux, WEBP_DEMUX_FUNCTIONS)

static void open_library(void) {
    if (!find_webp(&webp_library) || !find_demux(&demux_library)) return;
    // Every *Internal function refuses a caller whose ABI major version differs from the
    // library's; asked once here, where the answer can name the library.
    WebPAnimDecoderOptions options;
    if (!library.WebPAnimDecoderOptionsInitInternal(&options, WEBP_DEMUX_ABI_VERSION)) {
        int version = library.WebPGetDemuxVersion();
        snprintf(library.loader.error, sizeof library.loader.error,
                 "%s is libwebpdemux %d.%d.%d, of another ABI than zoo was built for (demux ABI %d.%d); install %s",
                 library.loader.file, version >> 16, version >> 8 & 0xff, version & 0xff, WEBP_DEMUX_ABI_VERSION >> 8,
                 WEBP_DEMUX_ABI_VERSION & 0xff, demux_library.package);
        return;
    }
    library.loader.ready = 1;
}

ZOO_CODEC_OPEN_FUNCTIONS(zoo_libwebp_open)

WEBP_FUNCTIONS(ZOO_FORWARD, ZOO_VOID_FORWARD)
WEBP_DEMUX_FUNCTIONS(ZOO_FORWARD, ZOO_VOID_FORWARD)
