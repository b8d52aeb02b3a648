// The fused float32 epilogue of a 16-lane store (bias, residual, clamp activation), shared by the
// AVX-512 GEMM and both bfloat16 GEMMs, and the target attribute of the AVX-512 kernels. x86-64
// only; the including file guards it.
#ifndef ZOO_EPILOGUE_AVX512_H
#define ZOO_EPILOGUE_AVX512_H
#include <immintrin.h>
#include <math.h>
#include "zoo_gemm.h"

#define ZOO_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma,prfchw")))

/// acc + bias + residual, clamped: the epilogue of 16 lanes at (`row`, `col`) of the block.
ZOO_AVX512 static inline __m512 zoo_epilogue_finish(__m512 acc, const zoo_epilogue *e, ptrdiff_t row, ptrdiff_t col,
                                                   __mmask16 mask) {
    if (e->bias) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, e->bias + col));
    if (e->residual) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, e->residual + row * e->ldr + col));
    // The bound is the first operand: max/min return the second when either is NaN, so NaN stays NaN.
    if (e->lo > -INFINITY) acc = _mm512_max_ps(_mm512_set1_ps(e->lo), acc);
    if (e->hi < INFINITY) acc = _mm512_min_ps(_mm512_set1_ps(e->hi), acc);
    return acc;
}

/// Requests the lines of an R-row, 32-column tile at (`row0`, `col0`) that the epilogue will read
/// (its residual) and the store will write (`c`, `ldc` apart), at the start of the tile's last
/// depth block, so they arrive during its multiply-adds: the rows are a row stride apart, which
/// the hardware prefetchers do not follow (resnet50's 56x56 residual 1x1 convolutions ran at half
/// the speed of the same convolution without the residual: 0.43 against 0.25 ms, 0.28 with this).
ZOO_AVX512 static inline __attribute__((always_inline)) void
zoo_prefetch_epilogue_lines(const int R, const float *c, ptrdiff_t ldc, const zoo_epilogue *e, ptrdiff_t row0,
                            ptrdiff_t col0) {
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        if (e->residual) {
            _mm_prefetch((const char *)(e->residual + (row0 + r) * e->ldr + col0), _MM_HINT_T0);
            _mm_prefetch((const char *)(e->residual + (row0 + r) * e->ldr + col0 + 16), _MM_HINT_T0);
        }
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_ET0);
        _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_ET0);
    }
}

#endif
