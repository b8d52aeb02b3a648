// A direct AVX-512 convolution for inputs with few channels (a network's first layer on RGB):
// an im2col there has rows of only KH*KW*C (27 for a 3x3 on RGB), too short for the GEMM to run
// near its peak, and gathering them costs as much as multiplying.
#ifndef ZOO_CONV_DIRECT_H
#define ZOO_CONV_DIRECT_H

#include <stddef.h>
#include <stdint.h>
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
/// `output` pointing at pixel0's row (pixel p at output + (p - pixel0) * out_c), and
/// `weights` HWIO [kernel_h, kernel_w, channels, out_c], ungrouped, taps outside the image zero.
/// `epilogue` is for the whole output (bias indexed by channel, residual rows out_c apart);
/// `scratch` holds zoo_conv_direct_scratch(shape) floats, this call's own.
/// Only call when zoo_gemm_available(), channels <= ZOO_CONV_DIRECT_MAX_CHANNELS and
/// kernel_h * kernel_w * channels <= ZOO_CONV_DIRECT_MAX_TAPS.
void zoo_conv_direct(const zoo_im2col_shape *shape, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                     const float *input, const float *weights, float *output, const zoo_epilogue *epilogue,
                     float *scratch);

// The same convolution in bfloat16 on AVX512-BF16 (VDPBF16PS): the image and the weights rounded
// to bf16 (round to nearest even, as the bf16 GEMMs do), products summed in float32. Kernel rows
// go in pairs (ky, ky + 1), the last with a row of zeros when kernel_h is odd: a pair is the two
// rows' values at one (kx, c), which the instruction multiplies and adds in one step.

/// Words of zoo_conv_direct_bf16_pack's output for `out_c` output channels.
ptrdiff_t zoo_conv_direct_bf16_weights_count(const zoo_im2col_shape *shape, ptrdiff_t out_c);

/// HWIO float32 `weights` [kernel_h, kernel_w, channels, out_c] rounded and packed as the kernel reads them.
/// Only call when zoo_gemm_bf16_available().
void zoo_conv_direct_bf16_pack(const zoo_im2col_shape *shape, ptrdiff_t out_c, const float *weights, uint32_t *packed);

/// Floats of scratch one zoo_conv_direct_bf16 call needs.
ptrdiff_t zoo_conv_direct_bf16_scratch(const zoo_im2col_shape *shape);

/// zoo_conv_direct in bf16, with `packed` from zoo_conv_direct_bf16_pack. Only call when
/// zoo_gemm_bf16_available() and the shape meets zoo_conv_direct's limits.
void zoo_conv_direct_bf16(const zoo_im2col_shape *shape, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                          const float *input, const uint32_t *packed, float *output, const zoo_epilogue *epilogue,
                          float *scratch);

/// out[c] = the maximum of image[row0 + i][col0 + j][c] over i < rows, j < cols (`image` rows
/// in_w pixels of `channels` apart), a tap replacing the maximum when it is >= it (NaN taps never
/// do, as Swift's `max`); -inf for an empty window. The max pool after a direct kernel, from its
/// rows held in cache. Only call when zoo_gemm_available().
void zoo_max_window(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0, ptrdiff_t rows,
                    ptrdiff_t col0, ptrdiff_t cols, float *out);

/// zoo_max_window stored as bf16 (`out` uint16 values, rounded to nearest even as the bf16 GEMM
/// rounds its operands: the maximum of the rounded taps, rounding being monotonic), for a pooled
/// value only bf16 GEMMs read. Only call when zoo_gemm_bf16_available().
void zoo_max_window_bf16(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0, ptrdiff_t rows,
                         ptrdiff_t col0, ptrdiff_t cols, uint16_t *out);

#endif
