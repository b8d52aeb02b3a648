#ifndef ZOO_GEMM_BF16_H
#define ZOO_GEMM_BF16_H
#include <stddef.h>
#include <stdint.h>
#include "zoo_gemm.h"

/// bfloat16 GEMM for AVX512-BF16 (`VDPBF16PS`): both operands rounded to bfloat16 (to nearest
/// even), products summed in float32, the float32 epilogue fused into the final store.
///
/// The weights (b, k x n) are packed once into column panels of 32: panel j holds, for each pair
/// of depths p (ceil(k / 2) of them), the 32 columns' (b[2p][col], b[2p+1][col]) side by side:
/// packed[(j * pairs + p) * 64 + 2 * col + (depth & 1)]. Missing depths and columns are zeros.

/// 1 when the CPU and OS run the kernel below (AVX-512 F, BW, DQ, VL, FMA and BF16).
int zoo_gemm_bf16_available(void);

/// Number of uint16 values `zoo_bf16_pack` writes for a k x n matrix.
size_t zoo_bf16_packed_count(ptrdiff_t k, ptrdiff_t n);

/// Packs b (k x n, rows `ldb` floats apart) as described above. Only call when
/// zoo_gemm_bf16_available().
void zoo_bf16_pack(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, uint16_t *packed);

/// c[m x n] = epilogue(bf16(a[m x k]) * b), b packed from a k x (at least n) matrix and
/// `packed` positioned at the panel of the block's first column (a multiple of 32).
/// Single-threaded: callers split the work. Only call when zoo_gemm_bf16_available().
/// Returns 0, or -1 when the per-thread buffer could not be allocated (nothing written).
int zoo_sgemm_bf16(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                   const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

#endif
