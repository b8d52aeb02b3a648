#ifndef ZOO_IM2COL_BF16_H
#define ZOO_IM2COL_BF16_H
#include <stddef.h>
#include <stdint.h>

/// Where an ungrouped convolution reads (NHWC input, kernel taps laid out [KH, KW, C] as the HWIO
/// weight rows are).
typedef struct {
    ptrdiff_t in_h, in_w, channels, out_h, out_w;
    ptrdiff_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} zoo_im2col_shape;

/// The patches of output pixels [pixel0, pixel0 + count) (pixel = (n * out_h + oh) * out_w + ow)
/// of `input` [N, in_h, in_w, channels], gathered and rounded to bf16 straight into the bf16
/// GEMMs' rounded-row layout (zoo_bf16_round_rows): row i at dst + i * ldd words, depth d =
/// (kh * kernel_w + kw) * channels + c, taps outside the image and depths past K zeros, up to
/// zoo_bf16_panel_pairs(K) pairs. Same bits as an float32 im2col followed by zoo_bf16_round_rows.
/// Only call when zoo_gemm_bf16_available().
void zoo_bf16_im2col(const zoo_im2col_shape *shape, ptrdiff_t pixel0, ptrdiff_t count, const float *input,
                     uint32_t *dst, ptrdiff_t ldd);

/// zoo_bf16_im2col of an input an earlier layer stored as bf16 (`input` [N, in_h, in_w, channels]
/// of uint16 values): the patches copied as they are. Same bits as zoo_bf16_im2col on the float32
/// values that were rounded to them.
void zoo_bf16_im2col_stored(const zoo_im2col_shape *shape, ptrdiff_t pixel0, ptrdiff_t count, const uint16_t *input,
                            uint32_t *dst, ptrdiff_t ldd);

/// Padded columns the windows of one output row span (undilated): (out_w - 1) * stride_w + kernel_w.
static inline ptrdiff_t zoo_padded_width(const zoo_im2col_shape *s) {
    return (s->out_w - 1) * s->stride_w + s->kernel_w;
}

/// Rows [row0, row0 + rows) of image n's zero-padded copy of `input` ([N, in_h, in_w, channels] of
/// `element_size`-byte values: bf16 or float32), the rows the windows GEMMs (zoo_sgemm_windows,
/// zoo_sgemm_bf16_windows) read in place: padded row y is input row y - pad_top, padded column x
/// input column x - pad_left, zoo_padded_width(shape) columns of `channels` values each, zeros
/// outside the image. For undilated convolutions; runs on any CPU.
void zoo_pad_rows(const zoo_im2col_shape *shape, ptrdiff_t n, ptrdiff_t row0, ptrdiff_t rows, const void *input,
                  size_t element_size, void *dst);

#endif
