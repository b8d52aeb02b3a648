/* WebP decoding through libwebp. libwebp reports errors by return value, never by longjmp. */
#include "CImageCodecs.h"
#include "codec_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>

struct zoo_webp_decoder {
    WebPData data;
    WebPDemuxer *demux;
    WebPAnimDecoder *anim;
};

static void copy_error(zoo_codec_error *error, int status, const char *message) {
    if (!error) return;
    error->status = status;
    snprintf(error->message, sizeof error->message, "%s", message);
}

void zoo_webp_close(zoo_webp_decoder *d) {
    if (!d) return;
    WebPAnimDecoderDelete(d->anim);
    WebPDemuxDelete(d->demux);
    free(d);
}

zoo_webp_decoder *zoo_webp_open(const uint8_t *data, size_t size, zoo_image_header *header,
                                zoo_codec_error *error) {
    if (!zoo_codec_require(zoo_libwebp_open, error)) return NULL;
    struct zoo_webp_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return NULL;
    }
    d->data.bytes = data;
    d->data.size = size;
    /* The partial demuxer tells a file cut short (still parsing) from a malformed one. */
    WebPDemuxState state = WEBP_DEMUX_PARSE_ERROR;
    d->demux = WebPDemuxPartial(&d->data, &state);
    if (!d->demux || state != WEBP_DEMUX_DONE) {
        int truncated = d->demux && state != WEBP_DEMUX_PARSE_ERROR;
        zoo_webp_close(d);
        copy_error(error, truncated ? ZOO_CODEC_TRUNCATED : ZOO_CODEC_CORRUPT,
                   truncated ? "image file is truncated" : "invalid RIFF/WebP structure");
        return NULL;
    }
    memset(header, 0, sizeof *header);
    header->width = WebPDemuxGetI(d->demux, WEBP_FF_CANVAS_WIDTH);
    header->height = WebPDemuxGetI(d->demux, WEBP_FF_CANVAS_HEIGHT);
    uint32_t flags = WebPDemuxGetI(d->demux, WEBP_FF_FORMAT_FLAGS);
    header->components = (flags & ALPHA_FLAG) ? 4 : 3;
    header->bit_depth = 8;
    header->frames = (int)WebPDemuxGetI(d->demux, WEBP_FF_FRAME_COUNT);
    WebPChunkIterator chunk;
    if ((flags & EXIF_FLAG) && WebPDemuxGetChunk(d->demux, "EXIF", 1, &chunk)) {
        const uint8_t *exif = chunk.chunk.bytes;
        size_t exif_size = chunk.chunk.size;
        /* Some writers keep JPEG's "Exif\0\0" prefix; Pillow skips it too. */
        if (exif_size >= 6 && memcmp(exif, "Exif\0\0", 6) == 0) {
            exif += 6;
            exif_size -= 6;
        }
        header->exif = exif;
        header->exif_size = exif_size;
        WebPDemuxReleaseChunkIterator(&chunk);
    }
    return d;
}

int zoo_webp_read_rgb(zoo_webp_decoder *d, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error) {
    size_t width = WebPDemuxGetI(d->demux, WEBP_FF_CANVAS_WIDTH);
    size_t height = WebPDemuxGetI(d->demux, WEBP_FF_CANVAS_HEIGHT);
    if (rgb_size != width * height * 3) {
        copy_error(error, ZOO_CODEC_RESOURCE, "output buffer has the wrong size");
        return ZOO_CODEC_RESOURCE;
    }
    /* Pillow reads every WebP, still or animated, through the animation decoder in RGBA: the
       first frame lands on a transparent black canvas. */
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options)) {
        copy_error(error, ZOO_CODEC_UNSUPPORTED, "libwebp version mismatch");
        return ZOO_CODEC_UNSUPPORTED;
    }
    options.color_mode = MODE_RGBA;
    options.use_threads = 0;
    d->anim = WebPAnimDecoderNew(&d->data, &options);
    if (!d->anim) {
        copy_error(error, ZOO_CODEC_RESOURCE, "cannot set up the WebP decoder (out of memory?)");
        return ZOO_CODEC_RESOURCE;
    }
    uint8_t *rgba = NULL;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(d->anim, &rgba, &timestamp) || !rgba) {
        copy_error(error, ZOO_CODEC_CORRUPT, "the first frame cannot be decoded");
        return ZOO_CODEC_CORRUPT;
    }
    size_t pixels = width * height;
    for (size_t i = 0; i < pixels; i++) {
        rgb[3 * i] = rgba[4 * i];
        rgb[3 * i + 1] = rgba[4 * i + 1];
        rgb[3 * i + 2] = rgba[4 * i + 2];
    }
    return ZOO_CODEC_OK;
}

int zoo_webp_lib_version(void) { return WebPGetDecoderVersion(); }
