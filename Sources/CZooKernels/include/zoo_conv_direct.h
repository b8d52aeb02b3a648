// A direct AVX-512 convolution for inputs with few channels (a network's first layer on RGB):
// an im2col there has rows of only KH*KW*C (27 for a 3x3 on RGB), too short for the GEMM to run
// near its peak, and gathering them costs as much as multiplying.
#ifndef ZOO_CONV_DIRECT_H
#define ZOO_CONV_DIRECT_H

#include <stddef.h>
#include "zoo_gemm.h"
#include "zoo_im2col_bf16.h"

/// The largest input channel count the direct kernel takes.
#define ZOO_CONV_DIRECT_MAX_CHANNELS 4

/// The most taps (kernel_h * kernel_w * channels) the direct kernel takes.
#define ZOO_CONV_DIRECT_MAX_TAPS 256

/// Floats of scratch one zoo_conv_direct call needs: the input rows one output row reads, padded.
ptrdiff_t zoo_conv_direct_scratch(const zoo_im2col_shape *shape);

/// Output pixels [pixel0, pixel0 + count) (pixel = (n * out_h + oh) * out_w + ow) of
/// output[N, out_h, out_w, out_c] = epilogue(conv(input[N, in_h, in_w, channels], weights)), with
/// `weights` HWIO [kernel_h, kernel_w, channels, out_c], ungrouped, taps outside the image zero.
/// `epilogue` is for the whole output (bias indexed by channel, residual rows out_c apart);
/// `scratch` holds zoo_conv_direct_scratch(shape) floats, this call's own.
/// Only call when zoo_gemm_available(), channels <= ZOO_CONV_DIRECT_MAX_CHANNELS and
/// kernel_h * kernel_w * channels <= ZOO_CONV_DIRECT_MAX_TAPS.
void zoo_conv_direct(const zoo_im2col_shape *shape, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                     const float *input, const float *weights, float *output, const zoo_epilogue *epilogue,
                     float *scratch);

#endif
