#ifndef ZOO_CIMAGECODECS_H
#define ZOO_CIMAGECODECS_H
/*
 * Decoder shims over libjpeg(-turbo) and libpng.
 *
 * Both libraries report fatal errors by longjmp (libjpeg's default handler even calls exit()).
 * Every function below sets its own setjmp point and installs an error manager that jumps back
 * to it, so a longjmp never leaves this C code and never crosses a Swift frame. Failures come
 * back as a status code plus a message.
 *
 * Use: *_open reads the header (no pixel memory yet), the caller checks the size and allocates
 * width * height * 3 bytes, *_read_rgb fills them, *_close frees the decoder. The encoded bytes
 * passed to *_open must stay valid until *_close.
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
    ZOO_CODEC_RESOURCE = 4
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
} zoo_image_header;

typedef struct zoo_jpeg_decoder zoo_jpeg_decoder;
typedef struct zoo_png_decoder zoo_png_decoder;

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

/* Versions of the libraries linked in: JPEG_LIB_VERSION (62, 70, 80) and libpng's (10639). */
int zoo_jpeg_lib_version(void);
unsigned long zoo_png_lib_version(void);

/* Encodes 8-bit RGB (rows top to bottom, width * height * 3 bytes) as a PNG in memory. On
   success *out holds *out_size bytes, to be released with zoo_png_free. */
int zoo_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height, uint8_t **out, size_t *out_size,
                       zoo_codec_error *error);
void zoo_png_free(uint8_t *bytes);

#ifdef __cplusplus
}
#endif
#endif
