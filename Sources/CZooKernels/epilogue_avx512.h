// The fused float32 epilogue of a 16-lane store (bias, residual, clamp activation), shared by the
// AVX-512 GEMM and both bfloat16 GEMMs, and the target attribute of the AVX-512 kernels. x86-64
// only; the including file guards it.
#ifndef ZOO_EPILOGUE_AVX512_H
#define ZOO_EPILOGUE_AVX512_H
#include <immintrin.h>
#include <math.h>
#include "zoo_gemm.h"

#define ZOO_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))

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

#endif
