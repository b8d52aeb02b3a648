// What both direct first-layer kernels share (float32 in conv_direct_avx512.c, bf16 in
// conv_direct_bf16.c): the zero-padded copy of the input rows one output row reads, the walk over
// output rows and groups of pixels, and a group's lane masks and epilogue. x86-64 only; the
// including file guards it.
#ifndef ZOO_CONV_DIRECT_ROWS_H
#define ZOO_CONV_DIRECT_ROWS_H
#include "zoo_conv_direct.h"
#include "epilogue_avx512.h"

enum { ZOO_DIRECT_MAX_P = 12, ZOO_DIRECT_MAX_V = 4 };  // pixels and 16-channel vectors of a group, at most

/// The maximum of 16 channels (`mask`) from `ch` over a window of `rows` x `cols` pixels of `image`
/// (rows in_w pixels of `channels` apart), as zoo_max_window defines it: the max pool after either
/// direct kernel, whichever way it stores.
ZOO_AVX512 static inline __m512 zoo_direct_max16(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0,
                                                 ptrdiff_t rows, ptrdiff_t col0, ptrdiff_t cols, ptrdiff_t ch,
                                                 __mmask16 mask) {
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (ptrdiff_t i = 0; i < rows; i++) {
        const float *row = image + ((row0 + i) * in_w + col0) * channels + ch;
        for (ptrdiff_t j = 0; j < cols; j++) {
            const __m512 x = _mm512_maskz_loadu_ps(mask, row + j * channels);
            m = _mm512_mask_mov_ps(m, _mm512_cmp_ps_mask(x, m, _CMP_GE_OQ), x);
        }
    }
    return m;
}

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

/// Each tap's offset from a window's first padded column, taps in (row, kx, c) order over `rows`
/// rows of the padded-row buffer: the kernel rows (float32) or their pairs (bf16). Returns the count.
static inline ptrdiff_t zoo_direct_offsets(const zoo_im2col_shape *s, ptrdiff_t rows, ptrdiff_t offset[ZOO_CONV_DIRECT_MAX_TAPS]) {
    const ptrdiff_t row_floats = zoo_direct_padded_width(s) * s->channels;
    ptrdiff_t t = 0;
    for (ptrdiff_t r = 0; r < rows; r++)
        for (ptrdiff_t kx = 0; kx < s->kernel_w; kx++)
            for (ptrdiff_t c = 0; c < s->channels; c++, t++) offset[t] = r * row_floats + kx * s->dilation_w * s->channels + c;
    return t;
}

/// The lanes of a group's V vectors of 16 channels from `col` that hold channels below out_c.
ZOO_AVX512 static inline __attribute__((always_inline)) void
zoo_direct_masks(const int V, ptrdiff_t out_c, ptrdiff_t col, __mmask16 mask[ZOO_DIRECT_MAX_V]) {
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) {
        ptrdiff_t left = out_c - col - 16 * v;
        mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
    }
}

/// A group's P x V sums, zeroed.
ZOO_AVX512 static inline __attribute__((always_inline)) void
zoo_direct_zero(const int P, const int V, __m512 acc[ZOO_DIRECT_MAX_P][ZOO_DIRECT_MAX_V]) {
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) acc[p][v] = _mm512_setzero_ps();
}

/// One size of group, `GROUP(P, V, STEP)`, with the window step (stride_w * channels) compiled in
/// for RGB at strides 2 and 1 (0: read at run time): a group's windows are then one pointer and
/// constant offsets, where 12 pixels' pointers left too few registers (mobilenet_v2's stem, one
/// thread: 0.21 -> 0.12 ms).
#define ZOO_DIRECT_GROUP_CASE(GROUP, step, P, V) \
    case P:                                      \
        if ((step) == 6) GROUP(P, V, 6);         \
        else if ((step) == 3) GROUP(P, V, 3);    \
        else GROUP(P, V, 0);                     \
        break;

/// The switch from a group's run-time size to the kernel's `GROUP(P, V, STEP)` compiled for it: up
/// to 6 pixels x 4 vectors (`wide`), or up to 12 x 2.
#define ZOO_DIRECT_GROUP_SWITCH(wide, pixels, step, GROUP)                                                        \
    do {                                                                                                          \
        if (wide) {                                                                                               \
            switch (pixels) {                                                                                     \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 1, 4) ZOO_DIRECT_GROUP_CASE(GROUP, step, 2, 4)                 \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 3, 4) ZOO_DIRECT_GROUP_CASE(GROUP, step, 4, 4)                 \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 5, 4) ZOO_DIRECT_GROUP_CASE(GROUP, step, 6, 4)                 \
                default: break;                                                                                   \
            }                                                                                                     \
        } else {                                                                                                  \
            switch (pixels) {                                                                                     \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 1, 2) ZOO_DIRECT_GROUP_CASE(GROUP, step, 2, 2)                 \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 3, 2) ZOO_DIRECT_GROUP_CASE(GROUP, step, 4, 2)                 \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 5, 2) ZOO_DIRECT_GROUP_CASE(GROUP, step, 6, 2)                 \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 7, 2) ZOO_DIRECT_GROUP_CASE(GROUP, step, 8, 2)                 \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 9, 2) ZOO_DIRECT_GROUP_CASE(GROUP, step, 10, 2)                \
                ZOO_DIRECT_GROUP_CASE(GROUP, step, 11, 2) ZOO_DIRECT_GROUP_CASE(GROUP, step, 12, 2)               \
                default: break;                                                                                   \
            }                                                                                                     \
        }                                                                                                         \
    } while (0)

/// A group's P x V sums through the epilogue into `out` (pixel `pixel`'s row, column `col`).
ZOO_AVX512 static inline __attribute__((always_inline)) void
zoo_direct_finish(const int P, const int V, __m512 acc[ZOO_DIRECT_MAX_P][ZOO_DIRECT_MAX_V],
                  const __mmask16 mask[ZOO_DIRECT_MAX_V], const zoo_epilogue *e, float *out, ptrdiff_t out_c,
                  ptrdiff_t col, ptrdiff_t pixel) {
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) {
            if (mask[v] == 0) continue;
            _mm512_mask_storeu_ps(out + p * out_c + col + 16 * v, mask[v],
                                  zoo_epilogue_finish(acc[p][v], e, pixel + p, col + 16 * v, mask[v]));
        }
}

/// One kernel's view of the walk: `prepare_row` readies the input rows of output row `oy` of image
/// `image`; `group` computes `pixels` pixels from `pixel` (padded column first * stride_w) x 64
/// channels from `col` (`wide`) or 32, into `out` (pixel `pixel`'s output row).
typedef struct {
    const void *kernel;
    void (*prepare_row)(const void *kernel, const float *image, ptrdiff_t oy);
    void (*group)(const void *kernel, int wide, int pixels, ptrdiff_t first, ptrdiff_t col, float *out, ptrdiff_t pixel);
} zoo_direct_walk;

/// Output pixels [pixel0, pixel0 + count) into `output` (pixel0's row), row by row (each row's input rows readied
/// once), then in groups along the row: 6 pixels x 64 channels, or 12 x 32 for the last 32 or fewer.
static inline __attribute__((always_inline)) void
zoo_direct_run(const zoo_direct_walk *walk, const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0,
               ptrdiff_t count, const float *input, float *output) {
    const ptrdiff_t per_image = s->out_h * s->out_w, image_floats = s->in_h * s->in_w * s->channels;
    ptrdiff_t pixel = pixel0, end = pixel0 + count;
    while (pixel < end) {
        // The rest of this output row, or of the range.
        const ptrdiff_t n = pixel / per_image, oy = pixel % per_image / s->out_w, ox0 = pixel % s->out_w;
        const ptrdiff_t row_end = pixel - ox0 + s->out_w < end ? pixel - ox0 + s->out_w : end;
        walk->prepare_row(walk->kernel, input + n * image_floats, oy);
        for (ptrdiff_t col = 0; col < out_c; col += 64) {
            const int wide = out_c - col > 32;
            const ptrdiff_t group_pixels = wide ? 6 : 12;
            for (ptrdiff_t p = pixel; p < row_end; p += group_pixels) {
                int pixels = (int)(row_end - p < group_pixels ? row_end - p : group_pixels);
                walk->group(walk->kernel, wide, pixels, p % s->out_w, col, output + (p - pixel0) * out_c, p);
            }
        }
        pixel = row_end;
    }
}

#endif
