/* TIFF decoding through libtiff, with its error and warning handlers installed per file. */
#include "CImageCodecs.h"
#include "codec_loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

/* One allocation libtiff may make for tags or a strip; the caller bounds the pixel count. */
#define ZOO_TIFF_MAX_ALLOC ((tmsize_t)1 << 30)

typedef enum { KIND_GRAY, KIND_RGB, KIND_PALETTE } pixel_kind;

struct zoo_tiff_decoder {
    TIFF *tif;
    TIFFOpenOptions *options;
    const uint8_t *data;
    size_t size;
    size_t offset;
    /* Set while pixels are decoded: from then on a warning means damaged data. */
    int reading;
    int status;
    char message[200];
    uint32_t width;
    uint32_t height;
    uint16_t bits;
    uint16_t samples;
    pixel_kind kind;
    int min_is_white;
    int associated_alpha;
    uint8_t palette[256 * 3];
    uint8_t *buffer;
};

static void copy_error(zoo_codec_error *error, int status, const char *message) {
    if (!error) return;
    error->status = status;
    snprintf(error->message, sizeof error->message, "%s", message);
}

static void record(struct zoo_tiff_decoder *d, const char *module, const char *format, va_list args) {
    if (d->status != ZOO_CODEC_OK) return; /* the first problem is the one to report */
    char text[160];
    vsnprintf(text, sizeof text, format, args);
    d->status = ZOO_CODEC_CORRUPT;
    if (module && *module) snprintf(d->message, sizeof d->message, "%s: %s", module, text);
    else snprintf(d->message, sizeof d->message, "%s", text);
}

/* Returning 1 stops libtiff from calling its default handler, which prints to stderr. */
static int on_error(TIFF *tif, void *user, const char *module, const char *format, va_list args) {
    (void)tif;
    record((struct zoo_tiff_decoder *)user, module, format, args);
    return 1;
}

/* While the directory is read, warnings are about unknown or odd tags, which Pillow ignores
   too; while pixels are decoded they mean damaged data (a strip without its end code...). */
static int on_warning(TIFF *tif, void *user, const char *module, const char *format, va_list args) {
    (void)tif;
    struct zoo_tiff_decoder *d = (struct zoo_tiff_decoder *)user;
    if (d->reading) record(d, module, format, args);
    return 1;
}

static tmsize_t read_proc(thandle_t handle, void *out, tmsize_t count) {
    struct zoo_tiff_decoder *d = (struct zoo_tiff_decoder *)handle;
    if (count <= 0) return 0;
    size_t available = d->offset < d->size ? d->size - d->offset : 0;
    size_t n = (size_t)count < available ? (size_t)count : available;
    memcpy(out, d->data + d->offset, n);
    d->offset += n;
    return (tmsize_t)n;
}

static tmsize_t write_proc(thandle_t handle, void *in, tmsize_t count) {
    (void)handle, (void)in, (void)count;
    return -1;
}

static toff_t seek_proc(thandle_t handle, toff_t offset, int whence) {
    struct zoo_tiff_decoder *d = (struct zoo_tiff_decoder *)handle;
    uint64_t base = whence == SEEK_CUR ? d->offset : whence == SEEK_END ? d->size : 0;
    uint64_t target = base + offset;
    if (target < base) return (toff_t)-1;
    d->offset = (size_t)target; /* past the end is allowed; reads there return 0 bytes */
    return (toff_t)target;
}

static int close_proc(thandle_t handle) { (void)handle; return 0; }
static toff_t size_proc(thandle_t handle) { return ((struct zoo_tiff_decoder *)handle)->size; }

void zoo_tiff_close(zoo_tiff_decoder *d) {
    if (!d) return;
    if (d->tif) TIFFClose(d->tif);
    if (d->options) TIFFOpenOptionsFree(d->options);
    free(d->buffer);
    free(d);
}

static int fail(struct zoo_tiff_decoder *d, int status, const char *message) {
    d->status = status;
    snprintf(d->message, sizeof d->message, "%s", message);
    return 0;
}

/* Works out how to turn samples into RGB, refusing layouts Pillow would not read as RGB. */
static int choose_layout(struct zoo_tiff_decoder *d) {
    TIFF *tif = d->tif;
    uint16_t photometric = 0, planar = PLANARCONFIG_CONTIG, format = SAMPLEFORMAT_UINT, compression = 1;
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric))
        return fail(d, ZOO_CODEC_CORRUPT, "no PhotometricInterpretation tag");
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &d->bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &d->samples);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
    if (format != SAMPLEFORMAT_UINT) return fail(d, ZOO_CODEC_UNSUPPORTED, "samples that are not unsigned integers");
    if (planar != PLANARCONFIG_CONTIG && d->samples > 1)
        return fail(d, ZOO_CODEC_UNSUPPORTED, "separate colour planes (PlanarConfiguration 2)");
    uint16_t extra_count = 0, *extra = NULL;
    if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra) && extra_count > 0 && extra)
        d->associated_alpha = extra[0] == EXTRASAMPLE_ASSOCALPHA;
    switch (photometric) {
    case PHOTOMETRIC_MINISWHITE:
    case PHOTOMETRIC_MINISBLACK:
        d->kind = KIND_GRAY;
        d->min_is_white = photometric == PHOTOMETRIC_MINISWHITE;
        if (d->bits != 1 && d->bits != 2 && d->bits != 4 && d->bits != 8 && d->bits != 16)
            return fail(d, ZOO_CODEC_UNSUPPORTED, "gray samples that are not 1, 2, 4, 8 or 16 bits");
        if (d->min_is_white && d->bits == 16) return fail(d, ZOO_CODEC_UNSUPPORTED, "16-bit min-is-white gray");
        return 1;
    case PHOTOMETRIC_YCBCR:
        if (compression != COMPRESSION_JPEG) return fail(d, ZOO_CODEC_UNSUPPORTED, "YCbCr without JPEG compression");
        /* libjpeg converts to RGB, as Pillow asks of libtiff too. */
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
        /* fall through */
    case PHOTOMETRIC_RGB:
        d->kind = KIND_RGB;
        if (d->samples < 3) return fail(d, ZOO_CODEC_CORRUPT, "RGB with fewer than 3 samples per pixel");
        if (d->bits != 8 && d->bits != 16) return fail(d, ZOO_CODEC_UNSUPPORTED, "RGB samples that are not 8 or 16 bits");
        if (d->associated_alpha && (d->bits != 8 || d->samples < 4))
            return fail(d, ZOO_CODEC_UNSUPPORTED, "premultiplied alpha that is not 8-bit RGBA");
        return 1;
    case PHOTOMETRIC_PALETTE: {
        d->kind = KIND_PALETTE;
        if (d->bits != 1 && d->bits != 2 && d->bits != 4 && d->bits != 8)
            return fail(d, ZOO_CODEC_UNSUPPORTED, "palette indices that are not 1, 2, 4 or 8 bits");
        uint16_t *red = NULL, *green = NULL, *blue = NULL;
        if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &red, &green, &blue) || !red || !green || !blue)
            return fail(d, ZOO_CODEC_CORRUPT, "palette image without a ColorMap");
        /* Pillow keeps the high byte of each 16-bit colormap entry. */
        for (int i = 0; i < (1 << d->bits); i++) {
            d->palette[3 * i] = (uint8_t)(red[i] >> 8);
            d->palette[3 * i + 1] = (uint8_t)(green[i] >> 8);
            d->palette[3 * i + 2] = (uint8_t)(blue[i] >> 8);
        }
        return 1;
    }
    default: {
        char text[80];
        snprintf(text, sizeof text, "PhotometricInterpretation %u (CMYK, Lab...)", photometric);
        return fail(d, ZOO_CODEC_UNSUPPORTED, text);
    }
    }
}

zoo_tiff_decoder *zoo_tiff_open(const uint8_t *data, size_t size, zoo_image_header *header,
                                zoo_codec_error *error) {
    if (!zoo_codec_require(zoo_libtiff_open, error)) return NULL;
    struct zoo_tiff_decoder *d = calloc(1, sizeof *d);
    if (d) d->options = TIFFOpenOptionsAlloc();
    if (!d || !d->options) {
        zoo_tiff_close(d);
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return NULL;
    }
    d->data = data;
    d->size = size;
    /* A classic TIFF whose first directory lies past the end was cut short (writers often put
       the directory after the pixels); libtiff would only say it cannot read it. */
    if (size >= 8 && (memcmp(data, "II*\0", 4) == 0 || memcmp(data, "MM\0*", 4) == 0)) {
        uint32_t ifd = data[0] == 'I' ? (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 | (uint32_t)data[7] << 24
                                      : (uint32_t)data[7] | (uint32_t)data[6] << 8 | (uint32_t)data[5] << 16 | (uint32_t)data[4] << 24;
        if ((uint64_t)ifd + 2 > size) {
            copy_error(error, ZOO_CODEC_TRUNCATED, "image file is truncated");
            zoo_tiff_close(d);
            return NULL;
        }
    }
    TIFFOpenOptionsSetMaxSingleMemAlloc(d->options, ZOO_TIFF_MAX_ALLOC);
    TIFFOpenOptionsSetErrorHandlerExtR(d->options, on_error, d);
    TIFFOpenOptionsSetWarningHandlerExtR(d->options, on_warning, d);
    /* "m": no memory mapping, every read goes through read_proc's bounds check. */
    d->tif = TIFFClientOpenExt("TIFF", "rm", (thandle_t)d, read_proc, write_proc, seek_proc, close_proc,
                               size_proc, NULL, NULL, d->options);
    if (!d->tif || !choose_layout(d)) {
        copy_error(error, d->status != ZOO_CODEC_OK ? d->status : ZOO_CODEC_CORRUPT,
                   d->status != ZOO_CODEC_OK ? d->message : "not a readable TIFF file");
        zoo_tiff_close(d);
        return NULL;
    }
    TIFFGetField(d->tif, TIFFTAG_IMAGEWIDTH, &d->width);
    TIFFGetField(d->tif, TIFFTAG_IMAGELENGTH, &d->height);
    memset(header, 0, sizeof *header);
    header->width = d->width;
    header->height = d->height;
    header->components = d->samples;
    header->bit_depth = d->bits;
    header->palette = d->kind == KIND_PALETTE;
    uint16_t orientation = 0;
    if (TIFFGetField(d->tif, TIFFTAG_ORIENTATION, &orientation)) header->orientation = orientation;
    return d;
}

/* Sample `index` of a packed row (bits 1, 2, 4, 8; 16 in host order, as libtiff leaves it). */
static unsigned sample_at(const uint8_t *row, size_t index, unsigned bits) {
    switch (bits) {
    case 8: return row[index];
    case 16: {
        uint16_t v;
        memcpy(&v, row + 2 * index, 2);
        return v;
    }
    default: {
        size_t bit = index * bits;
        unsigned shift = 8 - bits - (unsigned)(bit % 8);
        return (row[bit / 8] >> shift) & ((1u << bits) - 1);
    }
    }
}

/* One row of `count` pixels to RGB the way Pillow's unpackers and convert('RGB') do it. */
static void convert_row(const struct zoo_tiff_decoder *d, const uint8_t *row, size_t count, uint8_t *out) {
    size_t step = d->samples;
    for (size_t x = 0; x < count; x++, out += 3) {
        if (d->kind == KIND_PALETTE) {
            memcpy(out, d->palette + 3 * sample_at(row, x * step, d->bits), 3);
        } else if (d->kind == KIND_GRAY) {
            unsigned v = sample_at(row, x * step, d->bits), g;
            switch (d->bits) {
            case 16: g = v > 255 ? 255 : v; break; /* "I;16" to RGB clips */
            case 8: g = v; break;
            default: g = v * 255 / ((1u << d->bits) - 1); break; /* 1, 2, 4 bits scale up */
            }
            out[0] = out[1] = out[2] = (uint8_t)(d->min_is_white ? 255 - g : g);
        } else {
            unsigned shift = d->bits == 16 ? 8 : 0; /* "RGB;16" keeps the high byte */
            unsigned r = sample_at(row, x * step, d->bits) >> shift;
            unsigned g = sample_at(row, x * step + 1, d->bits) >> shift;
            unsigned b = sample_at(row, x * step + 2, d->bits) >> shift;
            if (d->associated_alpha) { /* Pillow's "RGBa": undo the premultiplication */
                unsigned a = sample_at(row, x * step + 3, 8);
                if (a == 0) r = g = b = 0;
                else if (a != 255) {
                    r = r * 255 / a, g = g * 255 / a, b = b * 255 / a;
                    r = r > 255 ? 255 : r, g = g > 255 ? 255 : g, b = b > 255 ? 255 : b;
                }
            }
            out[0] = (uint8_t)r, out[1] = (uint8_t)g, out[2] = (uint8_t)b;
        }
    }
}

/* A strip or tile whose bytes lie past the end of the data: the file was cut short. */
static int check_lengths(struct zoo_tiff_decoder *d) {
    uint32_t count = TIFFIsTiled(d->tif) ? TIFFNumberOfTiles(d->tif) : TIFFNumberOfStrips(d->tif);
    for (uint32_t i = 0; i < count; i++) {
        int failed = 0;
        uint64_t offset = TIFFGetStrileOffsetWithErr(d->tif, i, &failed);
        uint64_t length = TIFFGetStrileByteCountWithErr(d->tif, i, &failed);
        if (failed) return fail(d, ZOO_CODEC_CORRUPT, "unreadable strip or tile offsets");
        if (offset > d->size || length > d->size - offset) return fail(d, ZOO_CODEC_TRUNCATED, "image file is truncated");
    }
    return 1;
}

static int read_strips(struct zoo_tiff_decoder *d, uint8_t *rgb) {
    uint32_t rows_per_strip = d->height;
    TIFFGetFieldDefaulted(d->tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
    if (rows_per_strip == 0 || rows_per_strip > d->height) rows_per_strip = d->height;
    tmsize_t strip_size = TIFFStripSize(d->tif), row_size = TIFFScanlineSize(d->tif);
    if (strip_size <= 0 || row_size <= 0) return fail(d, ZOO_CODEC_CORRUPT, "strip size overflows");
    d->buffer = malloc((size_t)strip_size);
    if (!d->buffer) return fail(d, ZOO_CODEC_RESOURCE, "out of memory");
    for (uint32_t y = 0; y < d->height; y += rows_per_strip) {
        uint32_t rows = d->height - y < rows_per_strip ? d->height - y : rows_per_strip;
        tmsize_t want = (tmsize_t)rows * row_size;
        if (want > strip_size) return fail(d, ZOO_CODEC_CORRUPT, "strip larger than its declared size");
        tmsize_t got = TIFFReadEncodedStrip(d->tif, TIFFComputeStrip(d->tif, y, 0), d->buffer, want);
        if (got < want || d->status != ZOO_CODEC_OK)
            return d->status != ZOO_CODEC_OK ? 0 : fail(d, ZOO_CODEC_TRUNCATED, "image file is truncated");
        for (uint32_t r = 0; r < rows; r++)
            convert_row(d, d->buffer + (size_t)r * (size_t)row_size, d->width, rgb + ((size_t)(y + r) * d->width) * 3);
    }
    return 1;
}

static int read_tiles(struct zoo_tiff_decoder *d, uint8_t *rgb) {
    uint32_t tile_width = 0, tile_height = 0;
    TIFFGetField(d->tif, TIFFTAG_TILEWIDTH, &tile_width);
    TIFFGetField(d->tif, TIFFTAG_TILELENGTH, &tile_height);
    tmsize_t tile_size = TIFFTileSize(d->tif), row_size = TIFFTileRowSize(d->tif);
    if (tile_width == 0 || tile_height == 0 || tile_size <= 0 || row_size <= 0)
        return fail(d, ZOO_CODEC_CORRUPT, "bad tile size");
    /* The pixel limit bounds the image, not its tiles: a 65536x65536 tile on a tiny image is hostile. */
    if (tile_size > ZOO_TIFF_MAX_ALLOC) return fail(d, ZOO_CODEC_CORRUPT, "tile larger than 1 GiB");
    d->buffer = malloc((size_t)tile_size);
    if (!d->buffer) return fail(d, ZOO_CODEC_RESOURCE, "out of memory");
    for (uint32_t y = 0; y < d->height; y += tile_height) {
        for (uint32_t x = 0; x < d->width; x += tile_width) {
            tmsize_t got = TIFFReadEncodedTile(d->tif, TIFFComputeTile(d->tif, x, y, 0, 0), d->buffer, tile_size);
            if (got < tile_size || d->status != ZOO_CODEC_OK)
                return d->status != ZOO_CODEC_OK ? 0 : fail(d, ZOO_CODEC_TRUNCATED, "image file is truncated");
            uint32_t rows = d->height - y < tile_height ? d->height - y : tile_height;
            uint32_t columns = d->width - x < tile_width ? d->width - x : tile_width;
            for (uint32_t r = 0; r < rows; r++)
                convert_row(d, d->buffer + (size_t)r * (size_t)row_size, columns,
                            rgb + ((size_t)(y + r) * d->width + x) * 3);
        }
    }
    return 1;
}

int zoo_tiff_read_rgb(zoo_tiff_decoder *d, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error) {
    if (rgb_size != (size_t)d->width * d->height * 3) {
        copy_error(error, ZOO_CODEC_RESOURCE, "output buffer has the wrong size");
        return ZOO_CODEC_RESOURCE;
    }
    d->reading = 1;
    int ok = check_lengths(d) && (TIFFIsTiled(d->tif) ? read_tiles(d, rgb) : read_strips(d, rgb));
    if (!ok) {
        copy_error(error, d->status, d->message);
        return d->status;
    }
    return ZOO_CODEC_OK;
}

const char *zoo_tiff_lib_version(void) { return TIFFGetVersion(); }
