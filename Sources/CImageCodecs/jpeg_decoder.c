/* JPEG decoding through libjpeg(-turbo), with every longjmp kept inside this file. */
#include "CImageCodecs.h"
#include "codec_loader.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* A real progressive file has about ten scans; thousands of tiny ones are a known way to make
   a small file take minutes to decode. */
#define ZOO_JPEG_MAX_SCANS 1000

struct zoo_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    int status;
    char message[JMSG_LENGTH_MAX];
};

static void copy_error(zoo_codec_error *error, int status, const char *message) {
    if (!error) return;
    error->status = status;
    snprintf(error->message, sizeof error->message, "%s", message);
}

static int status_for(int msg_code) {
    switch (msg_code) {
    case JERR_OUT_OF_MEMORY:
        return ZOO_CODEC_RESOURCE;
    case JERR_BAD_PRECISION:
    case JERR_ARITH_NOTIMPL:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
        return ZOO_CODEC_UNSUPPORTED;
    default:
        return ZOO_CODEC_CORRUPT;
    }
}

/* Replaces libjpeg's handler, which prints and calls exit(). */
static void on_error_exit(j_common_ptr cinfo) {
    struct zoo_jpeg_decoder *d = (struct zoo_jpeg_decoder *)cinfo->client_data;
    (*cinfo->err->format_message)(cinfo, d->message);
    d->status = status_for(cinfo->err->msg_code);
    longjmp(d->jump, 1);
}

/* libjpeg only warns when the data runs out and fills the rest of the image with grey;
   PIL refuses such a file, and so do we. Other warnings are ignored, as PIL ignores them. */
static void on_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        struct zoo_jpeg_decoder *d = (struct zoo_jpeg_decoder *)cinfo->client_data;
        d->status = ZOO_CODEC_TRUNCATED;
        snprintf(d->message, sizeof d->message, "image file is truncated");
        longjmp(d->jump, 1);
    }
}

static void on_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    if (dinfo->input_scan_number > ZOO_JPEG_MAX_SCANS) {
        struct zoo_jpeg_decoder *d = (struct zoo_jpeg_decoder *)cinfo->client_data;
        d->status = ZOO_CODEC_CORRUPT;
        snprintf(d->message, sizeof d->message, "more than %d progressive scans", ZOO_JPEG_MAX_SCANS);
        longjmp(d->jump, 1);
    }
}

/* Runs libjpeg's header parsing under its own setjmp point; `d` is never reassigned here, so
   it is intact after a longjmp. */
static int read_header(struct zoo_jpeg_decoder *d, const uint8_t *data, size_t size,
                       zoo_image_header *header) {
    if (setjmp(d->jump)) return d->status;
    /* Keeps err and client_data. */
    jpeg_create_decompress(&d->cinfo);
    d->progress.progress_monitor = on_progress;
    d->cinfo.progress = &d->progress;
    jpeg_mem_src(&d->cinfo, data, (unsigned long)size);
    jpeg_save_markers(&d->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&d->cinfo, TRUE);

    memset(header, 0, sizeof *header);
    header->width = d->cinfo.image_width;
    header->height = d->cinfo.image_height;
    header->components = d->cinfo.num_components;
    header->bit_depth = d->cinfo.data_precision;
    header->progressive = d->cinfo.progressive_mode ? 1 : 0;
    header->cmyk = d->cinfo.jpeg_color_space == JCS_CMYK || d->cinfo.jpeg_color_space == JCS_YCCK;
    /* The first APP1 segment starting "Exif\0\0", as PIL takes it. */
    for (jpeg_saved_marker_ptr m = d->cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && memcmp(m->data, "Exif\0\0", 6) == 0) {
            header->exif = m->data + 6;
            header->exif_size = m->data_length - 6;
            break;
        }
    }
    return ZOO_CODEC_OK;
}

zoo_jpeg_decoder *zoo_jpeg_open(const uint8_t *data, size_t size, zoo_image_header *header,
                                zoo_codec_error *error) {
    if (!zoo_codec_require(zoo_libjpeg_open, error)) return NULL;
    struct zoo_jpeg_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        copy_error(error, ZOO_CODEC_RESOURCE, "out of memory");
        return NULL;
    }
    d->cinfo.err = jpeg_std_error(&d->err);
    d->err.error_exit = on_error_exit;
    d->err.emit_message = on_message;
    d->cinfo.client_data = d;
    if (read_header(d, data, size, header) != ZOO_CODEC_OK) {
        copy_error(error, d->status, d->message);
        jpeg_destroy_decompress(&d->cinfo);
        free(d);
        return NULL;
    }
    return d;
}

/* PIL reads every 4-component JPEG as inverted CMYK ("CMYK;I": Adobe's convention) and then
   converts with Convert.c's cmyk2rgb: out = nk - nk * c / 255 with nk = 255 - k. With the
   inversion folded in, nk is the stored K and c is 255 - the stored value. */
static uint8_t cmyk_channel(uint8_t stored, uint8_t stored_k) {
    int nk = stored_k;
    int tmp = (255 - stored) * nk + 128;
    int v = nk - (((tmp >> 8) + tmp) >> 8);
    return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

int zoo_jpeg_read_rgb(zoo_jpeg_decoder *d, uint8_t *rgb, size_t rgb_size, zoo_codec_error *error) {
    j_decompress_ptr cinfo = &d->cinfo;
    if (setjmp(d->jump)) {
        copy_error(error, d->status, d->message);
        return d->status;
    }
    size_t width = cinfo->image_width;
    if (rgb_size != width * cinfo->image_height * 3) {
        copy_error(error, ZOO_CODEC_RESOURCE, "output buffer has the wrong size");
        return ZOO_CODEC_RESOURCE;
    }
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    default:
        snprintf(d->message, sizeof d->message, "unsupported JPEG colour space with %d components",
                 cinfo->num_components);
        copy_error(error, ZOO_CODEC_UNSUPPORTED, d->message);
        return ZOO_CODEC_UNSUPPORTED;
    }
    jpeg_start_decompress(cinfo);
    int channels = cinfo->output_components;
    if (cinfo->output_width != cinfo->image_width || cinfo->output_height != cinfo->image_height ||
        (channels != 1 && channels != 3 && channels != 4)) {
        copy_error(error, ZOO_CODEC_UNSUPPORTED, "unexpected JPEG output layout");
        return ZOO_CODEC_UNSUPPORTED;
    }
    /* Pool memory: freed by jpeg_destroy even after a longjmp. */
    JSAMPARRAY scratch = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE,
                                                     (JDIMENSION)(width * channels), 1);
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *out = rgb + (size_t)cinfo->output_scanline * width * 3;
        JSAMPROW row = channels == 3 ? out : scratch[0];
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            copy_error(error, ZOO_CODEC_TRUNCATED, "image file is truncated");
            return ZOO_CODEC_TRUNCATED;
        }
        if (channels == 1) {
            for (size_t x = 0; x < width; x++) {
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = row[x];
            }
        } else if (channels == 4) {
            for (size_t x = 0; x < width; x++) {
                const uint8_t *p = row + 4 * x;
                out[3 * x] = cmyk_channel(p[0], p[3]);
                out[3 * x + 1] = cmyk_channel(p[1], p[3]);
                out[3 * x + 2] = cmyk_channel(p[2], p[3]);
            }
        }
    }
    jpeg_finish_decompress(cinfo);
    return ZOO_CODEC_OK;
}

void zoo_jpeg_close(zoo_jpeg_decoder *d) {
    if (!d) return;
    jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

int zoo_jpeg_lib_version(void) { return JPEG_LIB_VERSION; }
