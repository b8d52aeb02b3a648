#ifndef ZOO_DEPTHWISE_H
#define ZOO_DEPTHWISE_H
#include <stddef.h>
#include <stdint.h>
#include "zoo_gemm.h"

/// Where a depthwise convolution reads and how (NHWC, channel multiplier 1).
typedef struct {
    ptrdiff_t in_h, in_w, channels, out_w;
    ptrdiff_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} zoo_depthwise_shape;

/// One output row `oh` of one image: out[ow, c] = epilogue(sum over in-image taps of
/// image[ih, iw, c] * weights[kh, kw, c]). `image` is [in_h, in_w, channels], `weights`
/// [kernel_h, kernel_w, channels], `out` [out_w, channels]; the epilogue's bias is indexed by
/// channel and its residual positioned at this row's first pixel (ldr = channels).
/// Only call when zoo_gemm_available().
void zoo_depthwise_row(const zoo_depthwise_shape *shape, ptrdiff_t oh, const float *image, const float *weights,
                       float *out, const zoo_epilogue *epilogue);

/// zoo_depthwise_row with each output value rounded to bf16 (nearest even, as the bf16 GEMMs round
/// their operands), output pixels `out_stride` values apart: the rows a bf16 GEMM reads next, with
/// no float32 copy to round. 3x3 undilated kernels only, with a clamp activation or none in the
/// epilogue (nothing may be left to apply afterwards); returns -1, writing nothing, for any other
/// kernel or an `out_stride` below the channel count. Only call when zoo_gemm_bf16_available().
int zoo_depthwise_row_bf16(const zoo_depthwise_shape *shape, ptrdiff_t oh, const float *image, const float *weights,
                           uint16_t *out, ptrdiff_t out_stride, const zoo_epilogue *epilogue);

#endif
