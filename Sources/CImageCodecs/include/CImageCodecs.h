#ifndef ZOO_CIMAGECODECS_H
#define ZOO_CIMAGECODECS_H
/*
 * Decoder shims over libjpeg(-turbo), libpng, libwebp, libtiff and giflib.
 *
 * libjpeg and libpng report fatal errors by longjmp (libjpeg's default handler even calls exit()).
 * Every function below sets its own setjmp point and installs an error manager that jumps back
 * to it, so a longjmp never leaves this C code and never crosses a Swift frame. libtiff reports
 * through handlers installed per file (TIFFOpenOptions), giflib and libwebp by return codes;
 * all of them become a status code plus a message here.
 *
 * Use: *_open reads the header (no pixel memory yet), the caller checks the size and allocates
 * width * height * 3 bytes, *_read_rgb fills them, *_close frees the decoder. The encoded bytes
 * passed to *_open must stay valid until *_close.
 *
 * The libraries are opened with dlopen the first time a file of their format is read, not
 * linked. Why: with libtiff's own dependencies (zstd, lzma, Lerc, jbig, deflate) they were 11
 * of the 18 shared libraries a release zoo loaded at start, measured at 0.5-1.0 ms of a 12 ms
 * `zoo info` that decodes no image. Each *_loader.c forwards the functions the shims call
 * (codec_loader.h).
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ZOO_CODEC_OK = 0,
    /* The data is not a valid image of this format (bad marker, bad chunk, bad checksum...). */
    ZOO_CODEC_CORRUPT = 1,
    /* The data ends before the image does ("image file is truncated", as PIL says). */
    ZOO_CODEC_TRUNCATED = 2,
    /* A valid file this decoder does not handle (e.g. a 12-bit JPEG). */
    ZOO_CODEC_UNSUPPORTED = 3,
    /* malloc failed, or the caller's buffer is the wrong size. */
    ZOO_CODEC_RESOURCE = 4,
    /* The format's library cannot be opened (missing, or not the version zoo was built for);
       the message says which library and what to install. */
    ZOO_CODEC_NO_LIBRARY = 5
} zoo_codec_status;

/* Why a call failed: a status and the library's own message. */
typedef struct {
    int status;
    char message[200];
} zoo_codec_error;

/* What the header says, before any pixel is decoded. */
typedef struct {
    uint32_t width;
    uint32_t height;
    /* Components stored in the file: 1 gray, 2 gray+alpha, 3 color, 4 color+alpha or CMYK. */
    int components;
    /* Bits per sample (8 for JPEG; 1, 2, 4, 8 or 16 for PNG). */
    int bit_depth;
    /* JPEG: progressive scans. PNG: Adam7 interlaced. */
    int progressive;
    /* PNG: an indexed-colour (palette) image. */
    int palette;
    /* JPEG: CMYK or YCCK (inverted, Adobe style). */
    int cmyk;
    /* EXIF as a TIFF stream ("II*\0" or "MM\0*" ...), or NULL. Valid until *_close. */
    const uint8_t *exif;
    size_t exif_size;
    /* TIFF: the Orientation tag of the image's own directory (1-8), 0 when not given. */
    int orientation;
    /* WebP: the number of frames (only the first is decoded); 0 when not counted. */
    int frames;
} zoo_image_header;

typedef struct zoo_jpeg_decoder zoo_jpeg_decoder;
typedef struct zoo_png_decoder zoo_png_decoder;
typedef struct zoo_webp_decoder zoo_webp_decoder;
typedef struct zoo_tiff_decoder zoo_tiff_decoder;
typedef struct zoo_gif_decoder zoo_gif_decoder;

/* Reads the JPEG header. Returns NULL and fills `error` on failure. */
zoo_jpeg_decoder *zoo_jpeg_open(const uint8_t *data, size_t size, zoo_image_header *header,
                                zoo_codec_error *error);
/* Decodes to 8-bit RGB, rows top to bottom, `rgb_size` must be width * height * 3.
   Grayscale is replicated, CMYK/YCCK is converted as PIL's convert('RGB') does.
   Returns ZOO_CODEC_OK or a failure status (also stored in `error`). */
int zoo_jpeg_read_rgb(zoo_jpeg_decoder *decoder, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error);
void zoo_jpeg_close(zoo_jpeg_decoder *decoder);

/* Reads the PNG signature and chunks up to the first IDAT. NULL and `error` on failure. */
zoo_png_decoder *zoo_png_open(const uint8_t *data, size_t size, zoo_image_header *header,
                              zoo_codec_error *error);
/* Decodes to 8-bit RGB like PIL's convert('RGB'): palette looked up, alpha dropped (not
   composited), 16-bit colour keeps the high byte, 16-bit gray is clipped to 255. */
int zoo_png_read_rgb(zoo_png_decoder *decoder, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error);
void zoo_png_close(zoo_png_decoder *decoder);

/* Reads the WebP container (RIFF chunks, no pixels yet). NULL and `error` on failure. */
zoo_webp_decoder *zoo_webp_open(const uint8_t *data, size_t size, zoo_image_header *header,
                                zoo_codec_error *error);
/* Decodes the first frame on its canvas as Pillow does (libwebp's animation decoder, RGBA not
   premultiplied), alpha dropped. */
int zoo_webp_read_rgb(zoo_webp_decoder *decoder, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error);
void zoo_webp_close(zoo_webp_decoder *decoder);

/* Reads the first TIFF directory. NULL and `error` on failure. */
zoo_tiff_decoder *zoo_tiff_open(const uint8_t *data, size_t size, zoo_image_header *header,
                                zoo_codec_error *error);
/* Decodes the first image like Pillow's convert('RGB'): gray (1-16 bit, min-is-white too),
   palette, RGB and RGBA (8/16 bit, alpha dropped, not composited), strips or tiles, any
   compression libtiff has. 16-bit gray is clipped to 255, 16-bit colour keeps the high byte. */
int zoo_tiff_read_rgb(zoo_tiff_decoder *decoder, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error);
void zoo_tiff_close(zoo_tiff_decoder *decoder);

/* Reads the GIF screen descriptor and the records up to the first image. NULL on failure. */
zoo_gif_decoder *zoo_gif_open(const uint8_t *data, size_t size, zoo_image_header *header,
                              zoo_codec_error *error);
/* Decodes the first frame on the logical screen as Pillow does: the screen is filled with the
   frame's transparent index (or index 0), the frame is drawn at its offset, and the palette
   (local, else global, else a gray ramp) turns indices into RGB. */
int zoo_gif_read_rgb(zoo_gif_decoder *decoder, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error);
void zoo_gif_close(zoo_gif_decoder *decoder);

/* 1 when the library is open (opening it on the first call), else 0 with a one-line reason in
   `error` (NUL-terminated, at most `error_size` bytes), e.g. "libjpeg not found; install
   libjpeg62-turbo". Each decoder (and the encoder) asks before its first library call and fails
   with ZOO_CODEC_NO_LIBRARY and that reason. libwebp and libwebpdemux open together. */
int zoo_libjpeg_open(char *error, size_t error_size);
int zoo_libpng_open(char *error, size_t error_size);
int zoo_libwebp_open(char *error, size_t error_size);
int zoo_libtiff_open(char *error, size_t error_size);
int zoo_libgif_open(char *error, size_t error_size);

/* Versions, valid once the library is open. libjpeg and giflib have no version call: theirs
   are the headers' JPEG_LIB_VERSION (62, 70, 80; opening refuses a library of another, by
   libjpeg's own check) and giflib's 5*10000+..., which its soname pins. libpng's run-time version (10639),
   libwebp's decoder version (0x010204 for 1.2.4), libtiff's version text. */
int zoo_jpeg_lib_version(void);
unsigned long zoo_png_lib_version(void);
int zoo_webp_lib_version(void);
const char *zoo_tiff_lib_version(void);
int zoo_gif_lib_version(void);

/* Encodes 8-bit RGB (rows top to bottom, width * height * 3 bytes) as a PNG in memory. On
   success *out holds *out_size bytes, to be released with zoo_png_free. */
int zoo_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height, uint8_t **out, size_t *out_size,
                       zoo_codec_error *error);
void zoo_png_free(uint8_t *bytes);

#ifdef __cplusplus
}
#endif
#endif
