// The fused float32 epilogue of a 16-lane store (bias, residual, clamp activation), shared by the
// AVX-512 GEMM and both bfloat16 GEMMs, and the target attributes of the AVX-512 kernels. x86-64
// only; the including file guards it.
#ifndef ZOO_EPILOGUE_AVX512_H
#define ZOO_EPILOGUE_AVX512_H
#include <immintrin.h>
#include <math.h>
#include "zoo_gemm.h"

#define ZOO_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma,prfchw")))
/// The AVX-512 target with AVX512-BF16 (VDPBF16PS, VCVTNEPS2BF16): the bf16 kernels'.
#define ZOO_BF16 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma,prfchw,avx512bf16")))

/// 16 bf16 values (`mask`) at `p` widened to float32: a bf16 value is the top half of the float32
/// with the same bits.
ZOO_AVX512 static inline __m512 zoo_load_bf16(__mmask16 mask, const uint16_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, p)), 16));
}

/// acc + bias + residual, clamped: the epilogue of 16 lanes at (`row`, `col`) of the block.
ZOO_AVX512 static inline __m512 zoo_epilogue_finish(__m512 acc, const zoo_epilogue *e, ptrdiff_t row, ptrdiff_t col,
                                                   __mmask16 mask) {
    if (e->bias) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, e->bias + col));
    if (e->residual) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, e->residual + row * e->ldr + col));
    if (e->residual_bf16) acc = _mm512_add_ps(acc, zoo_load_bf16(mask, e->residual_bf16 + row * e->ldr + col));
    // The bound is the first operand: max/min return the second when either is NaN, so NaN stays NaN.
    if (e->lo > -INFINITY) acc = _mm512_max_ps(_mm512_set1_ps(e->lo), acc);
    if (e->hi < INFINITY) acc = _mm512_min_ps(_mm512_set1_ps(e->hi), acc);
    return acc;
}

/// Requests row `r`'s lines of a 32-column tile at (`row0`, `col0`) that the epilogue will read
/// (its residual) and the store will write (`c`, rows `c_row_bytes` apart): the rows are a row stride apart,
/// which the hardware prefetchers do not follow (resnet50's 56x56 residual 1x1 convolutions ran at
/// half the speed of the same convolution without the residual). The micro-kernels request one row
/// per multiply-add step of the tile's last depth block (`zoo_prefetch_epilogue_rows`): all 56
/// lines at the block's start left the loads waiting (one thread, residual from memory,
/// 196x1024x256: 79% of the FMA peak against 91% spread out; 256x256x64 71% against 85%).
ZOO_AVX512 static inline __attribute__((always_inline)) void
zoo_prefetch_epilogue_row(const char *c, ptrdiff_t c_row_bytes, const zoo_epilogue *e, ptrdiff_t row0, ptrdiff_t col0,
                          ptrdiff_t r) {
    if (e->residual) {
        _mm_prefetch((const char *)(e->residual + (row0 + r) * e->ldr + col0), _MM_HINT_T0);
        _mm_prefetch((const char *)(e->residual + (row0 + r) * e->ldr + col0 + 16), _MM_HINT_T0);
    }
    if (e->residual_bf16) _mm_prefetch((const char *)(e->residual_bf16 + (row0 + r) * e->ldr + col0), _MM_HINT_T0);
    _mm_prefetch(c + r * c_row_bytes, _MM_HINT_ET0);
    if (!e->store_bf16) _mm_prefetch(c + r * c_row_bytes + 64, _MM_HINT_ET0);
}

/// Before the last depth block's loop of `steps` steps: the rows of an R-row tile that the loop
/// will not request itself (a block shallower than the tile). In the loop, step p < R requests row p.
ZOO_AVX512 static inline __attribute__((always_inline)) void
zoo_prefetch_epilogue_rows(const int R, ptrdiff_t steps, const char *c, ptrdiff_t c_row_bytes, const zoo_epilogue *e,
                           ptrdiff_t row0, ptrdiff_t col0) {
    for (ptrdiff_t r = steps < 0 ? 0 : steps; r < R; r++) zoo_prefetch_epilogue_row(c, c_row_bytes, e, row0, col0, r);
}

#endif
