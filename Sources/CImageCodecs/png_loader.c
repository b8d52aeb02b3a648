// The libpng functions png_decoder.c and png_encoder.c call, forwarded to the library opened at
// first use (see codec_loader.h). png.h declares each of them: a forwarder whose signature
// drifted from the header would not compile.
#include "codec_loader.h"

#include <stdlib.h>

#include <png.h>

#if defined(__APPLE__)
static const char *const files[] = {"libpng16.dylib", "/opt/homebrew/lib/libpng16.dylib",
                                    "/usr/local/lib/libpng16.dylib", NULL};
static const zoo_codec_library png_library = {"libpng", "libpng (Homebrew)", files};
#else
static const char *const files[] = {"libpng16.so.16", "libpng16.so", "libpng.so", NULL};
static const zoo_codec_library png_library = {"libpng", "libpng16-16", files};
#endif

#define PNG_FUNCTIONS(X, V)                                                                                       \
    X(png_uint_32, png_access_version_number, (void), (), 0)                                                      \
    X(int, png_sig_cmp, (png_const_bytep signature, size_t start, size_t count), (signature, start, count), -1)   \
    X(png_structp, png_create_read_struct,                                                                        \
      (png_const_charp version, png_voidp error_pointer, png_error_ptr on_error, png_error_ptr on_warning),       \
      (version, error_pointer, on_error, on_warning), NULL)                                                       \
    X(png_structp, png_create_write_struct,                                                                       \
      (png_const_charp version, png_voidp error_pointer, png_error_ptr on_error, png_error_ptr on_warning),       \
      (version, error_pointer, on_error, on_warning), NULL)                                                       \
    X(png_infop, png_create_info_struct, (png_const_structrp png), (png), NULL)                                   \
    V(png_destroy_read_struct, (png_structpp png, png_infopp info, png_infopp end_info), (png, info, end_info))   \
    V(png_destroy_write_struct, (png_structpp png, png_infopp info), (png, info))                                 \
    X(jmp_buf *, png_set_longjmp_fn, (png_structrp png, png_longjmp_ptr jump, size_t jmp_buf_size),              \
      (png, jump, jmp_buf_size), NULL)                                                                            \
    X(png_voidp, png_get_error_ptr, (png_const_structrp png), (png), NULL)                                        \
    X(png_voidp, png_get_io_ptr, (png_const_structrp png), (png), NULL)                                           \
    V(png_set_read_fn, (png_structrp png, png_voidp io, png_rw_ptr read), (png, io, read))                        \
    V(png_set_write_fn, (png_structrp png, png_voidp io, png_rw_ptr write, png_flush_ptr flush),                  \
      (png, io, write, flush))                                                                                    \
    V(png_set_user_limits, (png_structrp png, png_uint_32 width, png_uint_32 height), (png, width, height))        \
    V(png_read_info, (png_structrp png, png_inforp info), (png, info))                                            \
    X(png_uint_32, png_get_IHDR,                                                                                  \
      (png_const_structrp png, png_const_inforp info, png_uint_32 *width, png_uint_32 *height, int *bit_depth,   \
       int *color_type, int *interlace, int *compression, int *filter),                                           \
      (png, info, width, height, bit_depth, color_type, interlace, compression, filter), 0)                      \
    X(png_byte, png_get_channels, (png_const_structrp png, png_const_inforp info), (png, info), 0)               \
    X(png_uint_32, png_get_eXIf_1,                                                                                \
      (png_const_structrp png, png_const_inforp info, png_uint_32 *size, png_bytep *exif), (png, info, size, exif), 0) \
    X(size_t, png_get_rowbytes, (png_const_structrp png, png_const_inforp info), (png, info), 0)                 \
    V(png_set_palette_to_rgb, (png_structrp png), (png))                                                          \
    V(png_set_expand_gray_1_2_4_to_8, (png_structrp png), (png))                                                  \
    V(png_set_strip_16, (png_structrp png), (png))                                                                \
    V(png_set_strip_alpha, (png_structrp png), (png))                                                             \
    V(png_set_gray_to_rgb, (png_structrp png), (png))                                                             \
    X(int, png_set_interlace_handling, (png_structrp png), (png), 0)                                              \
    V(png_read_update_info, (png_structrp png, png_inforp info), (png, info))                                     \
    V(png_read_image, (png_structrp png, png_bytepp rows), (png, rows))                                           \
    V(png_read_row, (png_structrp png, png_bytep row, png_bytep display_row), (png, row, display_row))            \
    V(png_set_IHDR,                                                                                               \
      (png_const_structrp png, png_inforp info, png_uint_32 width, png_uint_32 height, int bit_depth, int color_type, \
       int interlace, int compression, int filter),                                                               \
      (png, info, width, height, bit_depth, color_type, interlace, compression, filter))                         \
    V(png_write_info, (png_structrp png, png_const_inforp info), (png, info))                                     \
    V(png_write_image, (png_structrp png, png_bytepp rows), (png, rows))                                          \
    V(png_write_end, (png_structrp png, png_inforp info), (png, info))

// Declared noreturn by png.h: forwarded by hand below.
#define PNG_NORETURN_FUNCTIONS(V)                                                       \
    V(png_error, (png_const_structrp png, png_const_charp message), (png, message))     \
    V(png_longjmp, (png_const_structrp png, int value), (png, value))

#define PNG_ALL_FUNCTIONS(X, V) PNG_FUNCTIONS(X, V) PNG_NORETURN_FUNCTIONS(V)

static struct {
    zoo_codec_loader loader;
    PNG_ALL_FUNCTIONS(ZOO_POINTER, ZOO_VOID_POINTER)
} library = {.loader = {.once = PTHREAD_ONCE_INIT}};

ZOO_CODEC_FINDER(png, PNG_ALL_FUNCTIONS)

static void open_library(void) {
    if (!find_png(&png_library)) return;
    // png.h's structs and settings are those of one release series (1.6). png_create_*_struct
    // refuses another series too, but only as a NULL the decoder would take for out of memory.
    unsigned version = (unsigned)library.png_access_version_number();
    if (version / 100 != PNG_LIBPNG_VER / 100) {
        snprintf(library.loader.error, sizeof library.loader.error,
                 "%s is libpng %u.%u.%u; zoo was built for %d.%d; install %s", library.loader.file, version / 10000,
                 version / 100 % 100, version % 100, PNG_LIBPNG_VER_MAJOR, PNG_LIBPNG_VER_MINOR, png_library.package);
        return;
    }
    library.loader.ready = 1;
}

ZOO_CODEC_OPEN_FUNCTIONS(zoo_libpng_open)

PNG_FUNCTIONS(ZOO_FORWARD, ZOO_VOID_FORWARD)

// Without the library no png struct exists, so these are never reached then; abort() keeps the
// noreturn promise if they were.
void png_error(png_const_structrp png, png_const_charp message) {
    if (ready()) library.png_error(png, message);
    abort();
}

void png_longjmp(png_const_structrp png, int value) {
    if (ready()) library.png_longjmp(png, value);
    abort();
}
