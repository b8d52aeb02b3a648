/* PNG decoding through libpng, with every longjmp kept inside this file. */
#include "CImageCodecs.h"
#include "codec_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

struct zoo_png_decoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    png_uint_32 width;
    png_uint_32 height;
    int bit_depth;
    int color_type;
    int interlaced;
    /* Scratch memory owned here so that a longjmp cannot leak it; freed by close. */
    png_bytep *rows;
    uint8_t *scratch;
    int status;
    char message[200];
};

static void copy_error(zoo_codec_error *error, int status, const char *message) {
    if (!error) return;
    error->status = status;
    snprintf(error->message, sizeof error->message, "%s", message);
}

static void on_error(png_structp png, png_const_charp message) {
    struct zoo_png_decoder *d = (struct zoo_png_decoder *)png_get_error_ptr(png);
    /* The read callback sets a more precise status before calling png_error. */
    if (d->status == ZOO_CODEC_OK) {
        d->status = ZOO_CODEC_CORRUPT;
        snprintf(d->message, sizeof d->message, "%s", message);
    }
    png_longjmp(png, 1);
}

/* libpng warns about benign problems (bad ancillary chunks...); PIL is silent too. */
static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void read_bytes(png_structp png, png_bytep out, size_t count) {
    struct zoo_png_decoder *d = (struct zoo_png_decoder *)png_get_io_ptr(png);
    if (count > d->size - d->offset) {
        d->status = ZOO_CODEC_TRUNCATED;
        snprintf(d->message, sizeof d->message, "image file is truncated");
        png_error(png, "image file is truncated");
    }
    memcpy(out, d->data + d->offset, count);
    d->offset += count;
}

void zoo_png_close(zoo_png_decoder *d) {
    if (!d) return;
    if (d->png) png_destroy_read_struct(&d->png, d->info ? &d->info : NULL, NULL);
    free(d->rows);
    free(d->scratch);
    free(d);
}

zoo_png_decoder *zoo_png_open(const uint8_t *data, size_t size, zoo_image_header *header,
                              zoo_codec_error *error) {
    if (!zoo_codec_require(zoo_libpng_open, error)) return NULL;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        copy_error(error, ZOO_CODEC_CORRUPT, "not a PNG file (bad signature)");
        return NULL;
    }
    struct zoo_png_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return NULL;
    }
    d->data = data;
    d->size = size;
    d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, on_error, on_warning);
    if (d->png) d->info = png_create_info_struct(d->png);
    if (!d->png || !d->info) {
        zoo_png_close(d);
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return NULL;
    }
    if (setjmp(png_jmpbuf(d->png))) {
        copy_error(error, d->status, d->message);
        zoo_png_close(d);
        return NULL;
    }
    png_set_read_fn(d->png, d, read_bytes);
    /* libpng's default cap is 1,000,000 pixels a side; the caller applies PIL's limit on the
       pixel count instead, as PIL has no limit per side. */
    png_set_user_limits(d->png, 0x7fffffff, 0x7fffffff);
    png_read_info(d->png, d->info);

    int interlace = 0;
    png_get_IHDR(d->png, d->info, &d->width, &d->height, &d->bit_depth, &d->color_type, &interlace,
                 NULL, NULL);
    d->interlaced = interlace != PNG_INTERLACE_NONE;

    memset(header, 0, sizeof *header);
    header->width = d->width;
    header->height = d->height;
    header->components = png_get_channels(d->png, d->info);
    header->bit_depth = d->bit_depth;
    header->progressive = d->interlaced;
    header->palette = d->color_type == PNG_COLOR_TYPE_PALETTE;
    png_uint_32 exif_size = 0;
    png_bytep exif = NULL;
    if (png_get_eXIf_1(d->png, d->info, &exif_size, &exif) && exif && exif_size > 0) {
        header->exif = exif;
        header->exif_size = exif_size;
    }
    return d;
}

/* PIL opens 16-bit gray as mode "I;16", and its convert('RGB') clips values above 255
   rather than scaling them. */
static void gray16_to_rgb(const uint8_t *in, uint8_t *out, size_t width) {
    for (size_t x = 0; x < width; x++) {
        unsigned v = (unsigned)in[2 * x] << 8 | in[2 * x + 1];
        uint8_t g = v > 255 ? 255 : (uint8_t)v;
        out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = g;
    }
}

int zoo_png_read_rgb(zoo_png_decoder *d, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error) {
    png_structp png = d->png;
    if (setjmp(png_jmpbuf(png))) {
        copy_error(error, d->status, d->message);
        return d->status;
    }
    size_t width = d->width, height = d->height;
    if (rgb_size != width * height * 3) {
        copy_error(error, ZOO_CODEC_RESOURCE, "output buffer has the wrong size");
        return ZOO_CODEC_RESOURCE;
    }
    int gray16 = d->color_type == PNG_COLOR_TYPE_GRAY && d->bit_depth == 16;
    if (d->color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (d->color_type == PNG_COLOR_TYPE_GRAY && d->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    /* 16-bit colour: PIL's "RGB;16B"-style raw modes keep the high byte. */
    if (d->bit_depth == 16 && !gray16) png_set_strip_16(png);
    /* convert('RGB') drops alpha without compositing; palette transparency expands to alpha
       first and is dropped the same way. */
    png_set_strip_alpha(png);
    if (!gray16 && (d->color_type == PNG_COLOR_TYPE_GRAY || d->color_type == PNG_COLOR_TYPE_GRAY_ALPHA))
        png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, d->info);

    size_t rowbytes = png_get_rowbytes(png, d->info);
    if (rowbytes != width * (gray16 ? 2 : 3)) {
        copy_error(error, ZOO_CODEC_UNSUPPORTED, "unexpected PNG row layout");
        return ZOO_CODEC_UNSUPPORTED;
    }
    if (!gray16) {
        if (d->interlaced) {
            d->rows = malloc(height * sizeof(png_bytep));
            if (!d->rows) {
                copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
                return ZOO_CODEC_RESOURCE;
            }
            for (size_t y = 0; y < height; y++) d->rows[y] = rgb + y * rowbytes;
            png_read_image(png, d->rows);
        } else {
            for (size_t y = 0; y < height; y++) png_read_row(png, rgb + y * rowbytes, NULL);
        }
        return ZOO_CODEC_OK;
    }
    /* Interlaced rows are filled over several passes, so they need the whole image. */
    size_t scratch_rows = d->interlaced ? height : 1;
    d->scratch = malloc(scratch_rows * rowbytes);
    d->rows = malloc(scratch_rows * sizeof(png_bytep));
    if (!d->scratch || !d->rows) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return ZOO_CODEC_RESOURCE;
    }
    if (d->interlaced) {
        for (size_t y = 0; y < height; y++) d->rows[y] = d->scratch + y * rowbytes;
        png_read_image(png, d->rows);
        for (size_t y = 0; y < height; y++) gray16_to_rgb(d->rows[y], rgb + y * width * 3, width);
    } else {
        for (size_t y = 0; y < height; y++) {
            png_read_row(png, d->scratch, NULL);
            gray16_to_rgb(d->scratch, rgb + y * width * 3, width);
        }
    }
    return ZOO_CODEC_OK;
}

unsigned long zoo_png_lib_version(void) { return (unsigned long)png_access_version_number(); }
