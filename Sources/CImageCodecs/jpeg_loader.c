// The libjpeg functions jpeg_decoder.c calls, forwarded to the library opened at first use (see
// codec_loader.h). jpeglib.h declares each of them: a forwarder whose signature drifted from the
// header would not compile.
#include "codec_loader.h"

#include <setjmp.h>
#include <stdio.h>

#include <jpeglib.h>

#if defined(__APPLE__)
static const char *const files[] = {"libjpeg.dylib", "/opt/homebrew/lib/libjpeg.dylib", "/usr/local/lib/libjpeg.dylib",
                                    NULL};
static const zoo_codec_library jpeg_library = {"libjpeg", "jpeg-turbo (Homebrew)", files};
#else
// Debian's libjpeg-turbo (API 62), Ubuntu's (API 80: refused below unless the headers say 80 too),
// a development link.
static const char *const files[] = {"libjpeg.so.62", "libjpeg.so.8", "libjpeg.so", NULL};
static const zoo_codec_library jpeg_library = {"libjpeg", "libjpeg62-turbo", files};
#endif

#define JPEG_FUNCTIONS(X, V)                                                                                      \
    X(struct jpeg_error_mgr *, jpeg_std_error, (struct jpeg_error_mgr *err), (err), NULL)                         \
    V(jpeg_CreateDecompress, (j_decompress_ptr cinfo, int version, size_t structsize), (cinfo, version, structsize)) \
    V(jpeg_destroy_decompress, (j_decompress_ptr cinfo), (cinfo))                                                 \
    V(jpeg_mem_src, (j_decompress_ptr cinfo, const unsigned char *buffer, unsigned long size), (cinfo, buffer, size)) \
    V(jpeg_save_markers, (j_decompress_ptr cinfo, int marker, unsigned int length_limit),                          \
      (cinfo, marker, length_limit))                                                                              \
    X(int, jpeg_read_header, (j_decompress_ptr cinfo, boolean require_image), (cinfo, require_image), JPEG_SUSPENDED) \
    X(boolean, jpeg_start_decompress, (j_decompress_ptr cinfo), (cinfo), FALSE)                                   \
    X(JDIMENSION, jpeg_read_scanlines, (j_decompress_ptr cinfo, JSAMPARRAY rows, JDIMENSION max_rows),           \
      (cinfo, rows, max_rows), 0)                                                                                 \
    X(boolean, jpeg_finish_decompress, (j_decompress_ptr cinfo), (cinfo), FALSE)

static struct {
    zoo_codec_loader loader;
    JPEG_FUNCTIONS(ZOO_POINTER, ZOO_VOID_POINTER)
} library = {.loader = {.once = PTHREAD_ONCE_INIT}};

struct probe {
    struct jpeg_error_mgr manager; // first: the error handler gets a pointer to it
    jmp_buf jump;
};

static void probe_failed(j_common_ptr cinfo) { longjmp(((struct probe *)cinfo->err)->jump, 1); }

// libjpeg has no version call: jpeg_CreateDecompress itself refuses a caller whose
// JPEG_LIB_VERSION or struct size differs from its own, through the error handler (whose default
// would exit). Asked once here, with a handler that comes back.
static int api_matches(void) {
    // Static: read after the longjmp (locals changed since setjmp would be indeterminate), and
    // this runs once.
    static struct jpeg_decompress_struct cinfo;
    static struct probe probe;
    cinfo.err = library.jpeg_std_error(&probe.manager);
    probe.manager.error_exit = probe_failed;
    if (setjmp(probe.jump)) {
        char text[JMSG_LENGTH_MAX];
        probe.manager.format_message((j_common_ptr)&cinfo, text);
        snprintf(library.loader.error, sizeof library.loader.error, "%s: %s; install %s", library.loader.file, text,
                 jpeg_library.package);
        return 0;
    }
    library.jpeg_CreateDecompress(&cinfo, JPEG_LIB_VERSION, sizeof cinfo);
    library.jpeg_destroy_decompress(&cinfo);
    return 1;
}

ZOO_CODEC_FINDER(jpeg, JPEG_FUNCTIONS)

static void open_library(void) { library.loader.ready = find_jpeg(&jpeg_library) && api_matches(); }

ZOO_CODEC_OPEN_FUNCTIONS(zoo_libjpeg_open)

JPEG_FUNCTIONS(ZOO_FORWARD, ZOO_VOID_FORWARD)
