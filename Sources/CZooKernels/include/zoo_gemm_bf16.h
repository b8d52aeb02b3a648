#ifndef ZOO_GEMM_BF16_H
#define ZOO_GEMM_BF16_H
#include <stddef.h>
#include <stdint.h>
#include "zoo_gemm.h"

/// bfloat16 GEMMs, for AVX512-BF16 (`VDPBF16PS`) and for AMX (`TDPBF16PS` on tiles): both
/// operands rounded to bfloat16 (to nearest even), products summed in float32, the float32
/// epilogue fused into the final store.
///
/// The weights (b, k x n) are packed once into column panels of 32, read as they are by both
/// kernels: panel j holds, for each pair of depths p, the 32 columns' (b[2p][col], b[2p+1][col])
/// side by side: packed[(j * stored + p) * 64 + 2 * col + (depth & 1)], where `stored` is
/// ceil(k / 2) rounded up to 16 (an AMX tile is 16 pairs deep). Missing depths and columns are
/// zeros. This layout is also what `zoo convert --bf16` stores.

/// Rows of the AVX512-BF16 kernel's micro-tile: a product over fewer rows runs a narrower tile.
enum { ZOO_BF16_TILE_ROWS = 14 };

/// Depth pairs each packed panel stores: ceil(k / 2) rounded up to a whole 16-pair tile.
static inline ptrdiff_t zoo_bf16_panel_pairs(ptrdiff_t k) { return ((k + 1) / 2 + 15) / 16 * 16; }

/// Number of uint16 values `zoo_bf16_pack` writes for a k x n matrix.
static inline size_t zoo_bf16_packed_count(ptrdiff_t k, ptrdiff_t n) {
    return (size_t)((n + 31) / 32) * (size_t)zoo_bf16_panel_pairs(k) * 64;
}

/// 1 when the CPU and OS run the AVX512-BF16 kernel (AVX-512 F, BW, DQ, VL, FMA and BF16).
int zoo_gemm_bf16_available(void);

/// 1 when the CPU and OS run the AMX kernel: AMX-TILE and AMX-BF16, AVX512-BF16 (for the
/// rounding), the OS saving tile state and granting it to this process. The first call asks
/// Linux for the tile state (arch_prctl ARCH_REQ_XCOMP_PERM); later calls return the answer.
int zoo_gemm_bf16_amx_available(void);

/// Packs b (k x n, rows `ldb` floats apart) as described above. Only call when
/// zoo_gemm_bf16_available().
void zoo_bf16_pack(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, uint16_t *packed);

/// c[m x n] = epilogue(bf16(a[m x k]) * b), b packed from a k x (at least n) matrix and
/// `packed` positioned at the panel of the block's first column (a multiple of 32).
/// Single-threaded: callers split the work. Only call when zoo_gemm_bf16_available().
/// Returns 0, or -1 when the per-thread buffer could not be allocated or the epilogue asks for
/// bf16 stores (nothing written).
int zoo_sgemm_bf16(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                   const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

/// The same product on the AMX tiles: same arguments, same packed weights. Only call when
/// zoo_gemm_bf16_amx_available(). Returns 0, or -1 when the per-thread buffer could not be
/// allocated or the tiles are not granted (nothing written).
int zoo_sgemm_bf16_amx(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                       const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

/// Rounds `rows` rows of a (k floats each, rows `lda` floats apart) to bf16 pairs, the operand
/// layout of the two `_rounded` GEMMs below: row r's pair p (depths 2p, 2p + 1) at dst[r * ldd + p],
/// for p below zoo_bf16_panel_pairs(k), zeros past k. Only call when zoo_gemm_bf16_available().
void zoo_bf16_round_rows(ptrdiff_t rows, ptrdiff_t k, const float *a, ptrdiff_t lda, uint32_t *dst, ptrdiff_t ldd);

/// zoo_sgemm_bf16 on activations already rounded by zoo_bf16_round_rows (rows `lda` words apart),
/// or stored as bf16 by an earlier product (an NHWC tensor of an even channel count is such rows):
/// for callers that split one product into several column blocks, so each row is rounded once
/// and not once per block. Gives the same bits as zoo_sgemm_bf16 on the unrounded rows. The one
/// entry that honours the epilogue's `residual_bf16` and `store_bf16` (c then holds uint16 values).
void zoo_sgemm_bf16_rounded(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const uint32_t *a, ptrdiff_t lda,
                            const uint16_t *packed, void *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

/// zoo_sgemm_bf16_rounded on rows that are a convolution's windows, read in place from a zero-padded
/// bf16 copy of its input (zoo_pad_rows) instead of gathered: output pixels [first, first +
/// count) of one image whose output rows are `out_w` pixels wide, into c's rows 0 ..< count (the
/// epilogue's too). Pixel (oy, ox)'s window starts at a + (oy - first / out_w) * row_words +
/// ox * lda (words; `a` is the window of column 0 of the first pixel's row), and its depth is
/// `segments` runs (the kernel rows) of `segment_pairs` pairs, `segment_words` apart. The weights
/// are packed from the k = 2 * segments * segment_pairs deep matrix, depths in the order of the
/// runs. Same bits as zoo_sgemm_bf16_rounded on the gathered rows (those products, in that order).
/// Only call when zoo_gemm_bf16_available().
void zoo_sgemm_bf16_windows(ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w, ptrdiff_t n, ptrdiff_t segments,
                            ptrdiff_t segment_pairs, const uint32_t *a, ptrdiff_t lda, ptrdiff_t row_words,
                            ptrdiff_t segment_words, const uint16_t *packed, void *c, ptrdiff_t ldc,
                            const zoo_epilogue *epilogue);

/// zoo_sgemm_bf16_amx on rounded activations, as zoo_sgemm_bf16_rounded, but never storing bf16
/// (the epilogue's `store_bf16` must be 0). The tiles read rows 32 at
/// a time: `a` must hold m rounded up to 32 rows (the products of rows past m are dropped).
/// Only call when zoo_gemm_bf16_amx_available(). Same bits as zoo_sgemm_bf16_amx.
void zoo_sgemm_bf16_amx_rounded(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const uint32_t *a, ptrdiff_t lda,
                                const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

#endif
