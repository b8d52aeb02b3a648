/* PNG encoding through libpng into memory, with every longjmp kept inside this file. */
#include "CImageCodecs.h"
#include "codec_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

struct encoder_state {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    int failed;
    char message[200];
};

static void on_encode_error(png_structp png, png_const_charp message) {
    struct encoder_state *s = (struct encoder_state *)png_get_error_ptr(png);
    snprintf(s->message, sizeof s->message, "%s", message);
    s->failed = 1;
    png_longjmp(png, 1);
}

static void on_encode_warning(png_structp png, png_const_charp message) {
    (void)png; (void)message;
}

static void on_write(png_structp png, png_bytep data, png_size_t length) {
    struct encoder_state *s = (struct encoder_state *)png_get_io_ptr(png);
    if (s->size + length > s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 65536;
        while (capacity < s->size + length) capacity *= 2;
        uint8_t *grown = realloc(s->bytes, capacity);
        if (!grown) png_error(png, "out of memory");
        s->bytes = grown;
        s->capacity = capacity;
    }
    memcpy(s->bytes + s->size, data, length);
    s->size += length;
}

static void on_flush(png_structp png) { (void)png; }

int zoo_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height, uint8_t **out, size_t *out_size,
                       zoo_codec_error *error) {
    *out = NULL;
    *out_size = 0;
    if (!zoo_codec_require(zoo_libpng_open, error)) return ZOO_CODEC_NO_LIBRARY;
    struct encoder_state state = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_encode_error, on_encode_warning);
    if (!png) {
        if (error) { error->status = ZOO_CODEC_RESOURCE; snprintf(error->message, sizeof error->message, "out of memory"); }
        return ZOO_CODEC_RESOURCE;
    }
    png_infop info = png_create_info_struct(png);
    /* volatile: read after a longjmp back here. */
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(rows);
        free(state.bytes);
        if (error) {
            error->status = ZOO_CODEC_RESOURCE;
            snprintf(error->message, sizeof error->message, "%s", state.failed ? state.message : "out of memory");
        }
        return ZOO_CODEC_RESOURCE;
    }
    png_set_write_fn(png, &state, on_write, on_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(rgb + (size_t)y * width * 3);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = state.bytes;
    *out_size = state.size;
    return ZOO_CODEC_OK;
}

void zoo_png_free(uint8_t *bytes) { free(bytes); }
