#ifndef ZOO_DEPTHWISE_H
#define ZOO_DEPTHWISE_H
#include <stddef.h>
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

#endif
