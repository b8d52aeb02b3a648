#ifndef ZOO_GEMM_H
#define ZOO_GEMM_H
#include <stddef.h>
#include <stdint.h>

/// What to do with each finished output element: y = clamp(acc + bias[col] + residual[row, col], lo, hi).
/// Pointers are positioned at the block's first row and column; NULL means "none".
typedef struct {
    const float *bias;
    const float *residual;
    ptrdiff_t ldr;
    float lo, hi;
    /// Activations stored as bfloat16 between layers: the residual as bf16 values (instead of
    /// `residual`, rows `ldr` apart; every epilogue widens it), and, when `store_bf16` is 1, the
    /// output c written as bf16 (uint16 values, rows `ldc` apart), each rounded to nearest even as
    /// the next GEMM would. Of the GEMMs only zoo_sgemm_bf16_rounded stores bf16 (also
    /// zoo_winograd_output); the others leave `store_bf16` 0.
    const uint16_t *residual_bf16;
    int store_bf16;
} zoo_epilogue;

/// 1 when the CPU and OS support the AVX-512 kernels below (F, BW, DQ, VL and FMA).
int zoo_gemm_available(void);

/// c[m x n] = epilogue(a[m x k] * b[k x n]); every matrix row-major with the given leading
/// dimension. Single-threaded: callers split the work. Only call when zoo_gemm_available().
/// Returns 0, or -1 when the per-thread packing buffer could not be allocated (nothing written).
int zoo_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
              const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
              float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

/// Floats `zoo_sgemm_pack_panels` writes for a k x n matrix: n rounded up to 32 columns, times k.
ptrdiff_t zoo_sgemm_panels_count(ptrdiff_t k, ptrdiff_t n);

/// Lays b[k x n] out once as zoo_sgemm streams it: panels of 32 columns (the last zero-padded),
/// each k rows of 32 contiguous floats. Only call when zoo_gemm_available().
void zoo_sgemm_pack_panels(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, float *panels);

/// zoo_sgemm with b already packed by zoo_sgemm_pack_panels (of a matrix `k` deep); `panels`
/// points at the panel of the block's first column, a multiple of 32. Same bits as zoo_sgemm.
void zoo_sgemm_packed(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *panels,
                      float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

/// Rows of the AVX-512 kernel's micro-tile: a product over fewer rows runs a narrower tile.
enum { ZOO_GEMM_TILE_ROWS = 14 };

/// The tile of a windows GEMM (zoo_sgemm_windows, zoo_sgemm_bf16_windows) that starts at its row i
/// of `count`, output pixel first + i of rows `out_w` wide: its row count, at most `tile_rows` and
/// never past the end of the pixel's output row (the windows of one tile are `lda` apart), and, in
/// `*window`, its first window's offset from the window of column 0 of the first pixel's row
/// (output rows `row_stride` apart).
static inline ptrdiff_t zoo_window_tile(ptrdiff_t i, ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w,
                                        ptrdiff_t tile_rows, ptrdiff_t lda, ptrdiff_t row_stride, ptrdiff_t *window) {
    const ptrdiff_t pixel = first + i, ox = pixel % out_w;
    ptrdiff_t rows = out_w - ox < count - i ? out_w - ox : count - i;
    if (rows > tile_rows) rows = tile_rows;
    *window = (pixel / out_w - first / out_w) * row_stride + ox * lda;
    return rows;
}

/// zoo_sgemm_packed on rows that are a convolution's windows, read in place from a zero-padded copy
/// of its input (zoo_pad_rows) instead of gathered: output pixels [first, first + count) of one
/// image whose output rows are `out_w` pixels wide, into c's rows 0 ..< count (the epilogue's too).
/// Pixel (oy, ox)'s window starts at a + (oy - first / out_w) * row_stride + ox * lda (floats; `a`
/// is the window of column 0 of the first pixel's output row), and its depth is `segments` runs
/// (the kernel rows) of `segment_length` values, `segment_stride` apart. `panels` packs the
/// k = segments * segment_length deep weights, depths in the order of the runs. Same bits as
/// zoo_sgemm_packed on the gathered rows. Only call when zoo_gemm_available().
void zoo_sgemm_windows(ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w, ptrdiff_t n, ptrdiff_t segments,
                       ptrdiff_t segment_length, const float *a, ptrdiff_t lda, ptrdiff_t row_stride,
                       ptrdiff_t segment_stride, const float *panels, float *c, ptrdiff_t ldc,
                       const zoo_epilogue *epilogue);

#endif
