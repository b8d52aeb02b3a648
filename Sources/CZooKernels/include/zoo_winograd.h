#ifndef ZOO_WINOGRAD_H
#define ZOO_WINOGRAD_H
#include <stddef.h>
#include <stdint.h>
#include "zoo_gemm.h"

/// Winograd F(4x4, 3x3) for 3x3, stride-1, undilated, ungrouped NHWC convolutions: each 4x4
/// output tile is computed from a 6x6 input tile with 36 multiplies per channel pair instead of
/// 144. The 36 products are 36 independent GEMMs (tiles x C) * (C x K), done by the caller.
///
/// Tile t of a batch counts image-major, then tile rows, then tile columns; tile (th, tw) of an
/// image covers output rows 4*th ..< 4*th+4 and columns 4*tw ..< 4*tw+4 (clipped at the edge).
typedef struct {
    ptrdiff_t in_h, in_w, channels;
    ptrdiff_t out_h, out_w, out_channels;
    ptrdiff_t pad_top, pad_left;
    ptrdiff_t tiles_h, tiles_w;  // ceil(out / 4)
} zoo_winograd_shape;

/// u[36][C][K] = G g G^T for each (c, k), from HWIO weights w[3][3][C][K].
void zoo_winograd_weights(ptrdiff_t channels, ptrdiff_t out_channels, const float *w, float *u);
/// The same matrices, each laid out in the AVX-512 GEMM's panels (zoo_sgemm_pack_panels of u[xi]),
/// zoo_sgemm_panels_count(channels, out_channels) floats apart, for zoo_sgemm_packed.
void zoo_winograd_weights_packed(ptrdiff_t channels, ptrdiff_t out_channels, const float *w, float *panels);

/// Tiles [t0, t1) of `input` ([N, in_h, in_w, C]) transformed: v[xi][t - t0][c] for the 36
/// positions xi, rows `block` tiles apart (v[xi] is a block x C matrix).
void zoo_winograd_input(const zoo_winograd_shape *shape, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                        const float *input, float *v);

/// zoo_winograd_input of an input an earlier layer stored as bf16 (uint16 values, widened exactly).
void zoo_winograd_input_stored(const zoo_winograd_shape *shape, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                               const uint16_t *input, float *v);

/// Tiles [t0, t1) finished from m[xi][t - t0][k] (rows `block` tiles apart) into `out`
/// ([N, out_h, out_w, K]): out = epilogue(A^T m A). The epilogue's bias is indexed by k and its
/// residual (float32, or `residual_bf16`), when set, is the whole [N, out_h, out_w, K] tensor;
/// the output is float32, or with `store_bf16` bf16 (uint16 values; only when zoo_gemm_bf16_available()).
void zoo_winograd_output(const zoo_winograd_shape *shape, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                         const float *m, void *out, const zoo_epilogue *epilogue);

#endif
