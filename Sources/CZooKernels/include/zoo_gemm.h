#ifndef ZOO_GEMM_H
#define ZOO_GEMM_H
#include <stddef.h>

/// What to do with each finished output element: y = clamp(acc + bias[col] + residual[row, col], lo, hi).
/// Pointers are positioned at the block's first row and column; NULL means "none".
typedef struct {
    const float *bias;
    const float *residual;
    ptrdiff_t ldr;
    float lo, hi;
} zoo_epilogue;

/// 1 when the CPU and OS support the AVX-512 kernels below (F, BW, DQ, VL and FMA).
int zoo_gemm_available(void);

/// c[m x n] = epilogue(a[m x k] * b[k x n]); every matrix row-major with the given leading
/// dimension. Single-threaded: callers split the work. Only call when zoo_gemm_available().
/// Returns 0, or -1 when the per-thread packing buffer could not be allocated (nothing written).
int zoo_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
              const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
              float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue);

#endif
