/* GIF decoding (first frame) through giflib, which reports errors by return codes. */
#include "CImageCodecs.h"
#include "codec_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>

struct zoo_gif_decoder {
    GifFileType *gif;
    const uint8_t *data;
    size_t size;
    size_t offset;
    /* A read asked for bytes past the end: giflib's "read failed" then means a cut-short file. */
    int short_read;
    /* The frame's transparent index from its Graphic Control Extension, or -1. */
    int transparent;
    /* The logical screen, grown to hold the frame as Pillow grows it. */
    uint32_t width;
    uint32_t height;
    uint8_t *line;
};

static void copy_error(zoo_codec_error *error, int status, const char *message) {
    if (!error) return;
    error->status = status;
    snprintf(error->message, sizeof error->message, "%s", message);
}

/* giflib's error codes as our status plus its own text. giflib also says "read failed" for an
   LZW code size over 8 bits, so only a read past the end counts as truncation. */
static void gif_error(zoo_codec_error *error, int code, int short_read) {
    if (short_read || code == D_GIF_ERR_EOF_TOO_SOON) {
        copy_error(error, ZOO_CODEC_TRUNCATED, "image file is truncated");
    } else if (code == D_GIF_ERR_READ_FAILED) {
        copy_error(error, ZOO_CODEC_CORRUPT, "bad LZW code size or data");
    } else if (code == D_GIF_ERR_NOT_ENOUGH_MEM) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
    } else {
        const char *text = GifErrorString(code);
        copy_error(error, ZOO_CODEC_CORRUPT, text ? text : "unknown giflib error");
    }
}

static int read_bytes(GifFileType *gif, GifByteType *out, int count) {
    struct zoo_gif_decoder *d = (struct zoo_gif_decoder *)gif->UserData;
    if (count < 0) return 0;
    size_t available = d->size - d->offset;
    size_t n = (size_t)count < available ? (size_t)count : available;
    if (n < (size_t)count) d->short_read = 1;
    memcpy(out, d->data + d->offset, n);
    d->offset += n;
    return (int)n;
}

void zoo_gif_close(zoo_gif_decoder *d) {
    if (!d) return;
    if (d->gif) DGifCloseFile(d->gif, NULL);
    free(d->line);
    free(d);
}

/* Skips records up to the first image descriptor, noting the transparency that applies to it. */
static int find_first_image(struct zoo_gif_decoder *d, zoo_codec_error *error) {
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(d->gif, &type) == GIF_ERROR) return gif_error(error, d->gif->Error, d->short_read), 0;
        if (type == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(d->gif) == GIF_ERROR) return gif_error(error, d->gif->Error, d->short_read), 0;
            return 1;
        }
        if (type == TERMINATE_RECORD_TYPE) {
            copy_error(error, ZOO_CODEC_CORRUPT, "no image in the file");
            return 0;
        }
        if (type != EXTENSION_RECORD_TYPE) {
            copy_error(error, ZOO_CODEC_CORRUPT, "unknown record type");
            return 0;
        }
        int code = 0;
        GifByteType *block = NULL;
        if (DGifGetExtension(d->gif, &code, &block) == GIF_ERROR) return gif_error(error, d->gif->Error, d->short_read), 0;
        /* block[0] is the sub-block length; Pillow takes flags and index from a block of >= 4. */
        if (code == GRAPHICS_EXT_FUNC_CODE && block && block[0] >= 4)
            d->transparent = (block[1] & 1) ? block[4] : -1;
        while (block) {
            if (DGifGetExtensionNext(d->gif, &block) == GIF_ERROR) return gif_error(error, d->gif->Error, d->short_read), 0;
        }
    }
}

zoo_gif_decoder *zoo_gif_open(const uint8_t *data, size_t size, zoo_image_header *header,
                              zoo_codec_error *error) {
    if (!zoo_codec_require(zoo_libgif_open, error)) return NULL;
    struct zoo_gif_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return NULL;
    }
    d->data = data;
    d->size = size;
    d->transparent = -1;
    int code = 0;
    d->gif = DGifOpen(d, read_bytes, &code);
    if (!d->gif) {
        gif_error(error, code, d->short_read);
        zoo_gif_close(d);
        return NULL;
    }
    if (!find_first_image(d, error)) {
        zoo_gif_close(d);
        return NULL;
    }
    const GifImageDesc *frame = &d->gif->Image;
    uint32_t right = (uint32_t)frame->Left + (uint32_t)frame->Width;
    uint32_t bottom = (uint32_t)frame->Top + (uint32_t)frame->Height;
    d->width = (uint32_t)d->gif->SWidth > right ? (uint32_t)d->gif->SWidth : right;
    d->height = (uint32_t)d->gif->SHeight > bottom ? (uint32_t)d->gif->SHeight : bottom;
    memset(header, 0, sizeof *header);
    header->width = d->width;
    header->height = d->height;
    header->components = 1;
    header->bit_depth = 8;
    header->palette = 1;
    header->progressive = frame->Interlace;
    return d;
}

/* Pillow drops a palette that is exactly the gray ramp 0, 1, 2... (the image is then "L"). */
static int is_gray_ramp(const ColorMapObject *map) {
    for (int i = 0; i < map->ColorCount; i++) {
        const GifColorType c = map->Colors[i];
        if (c.Red != i || c.Green != i || c.Blue != i) return 0;
    }
    return 1;
}

static void put_index(uint8_t *out, int index, const ColorMapObject *map) {
    if (!map || is_gray_ramp(map)) {
        out[0] = out[1] = out[2] = (uint8_t)index;
    } else if (index < map->ColorCount) {
        out[0] = map->Colors[index].Red;
        out[1] = map->Colors[index].Green;
        out[2] = map->Colors[index].Blue;
    } else {
        out[0] = out[1] = out[2] = 0;
    }
}

int zoo_gif_read_rgb(zoo_gif_decoder *d, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error) {
    size_t width = d->width, height = d->height;
    if (rgb_size != width * height * 3) {
        copy_error(error, ZOO_CODEC_RESOURCE, "output buffer has the wrong size");
        return ZOO_CODEC_RESOURCE;
    }
    const GifImageDesc *frame = &d->gif->Image;
    const ColorMapObject *map = frame->ColorMap ? frame->ColorMap : d->gif->SColorMap;
    /* Building a 256-entry table once keeps the per-pixel work to a copy. */
    uint8_t table[256 * 3];
    for (int i = 0; i < 256; i++) put_index(table + 3 * i, i, map);

    const uint8_t *fill = table + 3 * (d->transparent >= 0 ? d->transparent : 0);
    for (size_t i = 0; i < width * height; i++) memcpy(rgb + 3 * i, fill, 3);

    size_t frame_width = (size_t)frame->Width, frame_height = (size_t)frame->Height;
    if (frame_width == 0 || frame_height == 0) return ZOO_CODEC_OK;
    d->line = malloc(frame_width);
    if (!d->line) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return ZOO_CODEC_RESOURCE;
    }
    /* Interlaced frames store rows 0, 8, 16...; then 4, 12...; then 2, 6...; then 1, 3... */
    static const size_t pass_start[4] = {0, 4, 2, 1}, pass_step[4] = {8, 8, 4, 2};
    int passes = frame->Interlace ? 4 : 1;
    for (int pass = 0; pass < passes; pass++) {
        size_t start = frame->Interlace ? pass_start[pass] : 0, step = frame->Interlace ? pass_step[pass] : 1;
        for (size_t y = start; y < frame_height; y += step) {
            if (DGifGetLine(d->gif, d->line, (int)frame_width) == GIF_ERROR) {
                gif_error(error, d->gif->Error, d->short_read);
                return error ? error->status : ZOO_CODEC_CORRUPT;
            }
            uint8_t *row = rgb + (((size_t)frame->Top + y) * width + (size_t)frame->Left) * 3;
            for (size_t x = 0; x < frame_width; x++) memcpy(row + 3 * x, table + 3 * d->line[x], 3);
        }
    }
    return ZOO_CODEC_OK;
}

int zoo_gif_lib_version(void) { return GIFLIB_MAJOR * 10000 + GIFLIB_MINOR * 100 + GIFLIB_RELEASE; }
