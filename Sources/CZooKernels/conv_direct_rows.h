// What both direct first-layer kernels share (float32 in conv_direct_avx512.c, bf16 in
// conv_direct_bf16.c): the zero-padded copy of the input rows one output row reads. x86-64 only;
// the including file guards it.
#ifndef ZOO_CONV_DIRECT_ROWS_H
#define ZOO_CONV_DIRECT_ROWS_H
#include "zoo_conv_direct.h"

/// Padded columns the windows of one output row span.
static inline ptrdiff_t zoo_direct_padded_width(const zoo_im2col_shape *s) {
    return (s->out_w - 1) * s->stride_w + (s->kernel_w - 1) * s->dilation_w + 1;
}

/// The input rows output row `oy` of image `image` reads, zero outside the image: row ky at
/// rows + ky * padded_width * channels, padded column 0 being input column -pad_left.
static inline void zoo_direct_fill_rows(const zoo_im2col_shape *s, const float *image, ptrdiff_t oy, float *rows) {
    const ptrdiff_t width = zoo_direct_padded_width(s), c = s->channels, row_floats = width * c;
    // Columns [x0, x1) of the padded row lie inside the image.
    ptrdiff_t x0 = s->pad_left < width ? s->pad_left : width;
    ptrdiff_t x1 = s->pad_left + s->in_w < width ? s->pad_left + s->in_w : width;
    if (x1 < x0) x1 = x0;
    for (ptrdiff_t ky = 0; ky < s->kernel_h; ky++) {
        float *dst = rows + ky * row_floats;
        ptrdiff_t iy = oy * s->stride_h - s->pad_top + ky * s->dilation_h;
        if (iy < 0 || iy >= s->in_h) {
            for (ptrdiff_t i = 0; i < row_floats; i++) dst[i] = 0;
            continue;
        }
        for (ptrdiff_t i = 0; i < x0 * c; i++) dst[i] = 0;
        const float *src = image + (iy * s->in_w + (x0 - s->pad_left)) * c;
        for (ptrdiff_t i = 0; i < (x1 - x0) * c; i++) dst[x0 * c + i] = src[i];
        for (ptrdiff_t i = x1 * c; i < row_floats; i++) dst[i] = 0;
    }
}

#endif
