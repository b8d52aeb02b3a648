// The giflib functions gif_decoder.c calls, forwarded to the library opened at first use (see
// codec_loader.h). gif_lib.h declares each of them: a forwarder whose signature drifted from the
// header would not compile.
#include "codec_loader.h"

#include <gif_lib.h>

// giflib has no version call; its soname is the ABI: libgif.so.7 is giflib 5.1 and later
// (DGifOpen and DGifCloseFile with their error arguments).
_Static_assert(GIFLIB_MAJOR == 5 && GIFLIB_MINOR >= 1, "the library names below are giflib 5.1's ABI");

#if defined(__APPLE__)
static const char *const files[] = {"libgif.dylib", "/opt/homebrew/lib/libgif.dylib", "/usr/local/lib/libgif.dylib",
                                    NULL};
static const zoo_codec_library gif_library = {"libgif", "giflib (Homebrew)", files};
#else
static const char *const files[] = {"libgif.so.7", "libgif.so", NULL};
static const zoo_codec_library gif_library = {"libgif", "libgif7", files};
#endif

#define GIF_FUNCTIONS(X, V)                                                                                       \
    X(GifFileType *, DGifOpen, (void *user, InputFunc read, int *error), (user, read, error), NULL)              \
    X(int, DGifCloseFile, (GifFileType * gif, int *error), (gif, error), GIF_ERROR)                               \
    X(int, DGifGetRecordType, (GifFileType * gif, GifRecordType * type), (gif, type), GIF_ERROR)                  \
    X(int, DGifGetImageDesc, (GifFileType * gif), (gif), GIF_ERROR)                                               \
    X(int, DGifGetExtension, (GifFileType * gif, int *code, GifByteType **block), (gif, code, block), GIF_ERROR)  \
    X(int, DGifGetExtensionNext, (GifFileType * gif, GifByteType **block), (gif, block), GIF_ERROR)               \
    X(int, DGifGetLine, (GifFileType * gif, GifPixelType * line, int length), (gif, line, length), GIF_ERROR)     \
    X(const char *, GifErrorString, (int code), (code), NULL)

static struct {
    zoo_codec_loader loader;
    GIF_FUNCTIONS(ZOO_POINTER, ZOO_VOID_POINTER)
} library = {.loader = {.once = PTHREAD_ONCE_INIT}};

ZOO_CODEC_FINDER(gif, GIF_FUNCTIONS)

static void open_library(void) { library.loader.ready = find_gif(&gif_library); }

ZOO_CODEC_OPEN_FUNCTIONS(zoo_libgif_open)

GIF_FUNCTIONS(ZOO_FORWARD, ZOO_VOID_FORWARD)
