// What both bfloat16 GEMMs share (AVX512-BF16 in gemm_bf16_avx512.c, AMX in gemm_bf16_amx.c):
// rounding float32 activations to bf16 pairs; their epilogue is epilogue_avx512.h's. x86-64 only;
// the including file guards it.
#ifndef ZOO_BF16_ROWS_H
#define ZOO_BF16_ROWS_H
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include "zoo_gemm.h"
#include "epilogue_avx512.h"

static inline __mmask16 zoo_lane_mask(ptrdiff_t lanes) {
    if (lanes >= 16) return 0xFFFF;
    if (lanes <= 0) return 0;
    return (__mmask16)((1u << lanes) - 1);
}

static pthread_key_t zoo_bf16_rows_key;
static pthread_once_t zoo_bf16_rows_once = PTHREAD_ONCE_INIT;

static void zoo_make_bf16_rows_key(void) { pthread_key_create(&zoo_bf16_rows_key, free); }

/// This thread's buffer of `words` converted activation pairs (one per kernel file and thread,
/// allocated on first use and freed when the thread ends); NULL when out of memory.
static inline uint32_t *zoo_bf16_rows_buffer(size_t words) {
    pthread_once(&zoo_bf16_rows_once, zoo_make_bf16_rows_key);
    uint32_t *buffer = pthread_getspecific(zoo_bf16_rows_key);
    if (buffer == NULL) {
        buffer = aligned_alloc(64, sizeof(uint32_t) * words);
        if (buffer != NULL && pthread_setspecific(zoo_bf16_rows_key, buffer) != 0) {
            free(buffer);
            buffer = NULL;
        }
    }
    return buffer;
}

/// 32 consecutive floats (zeros past `count`) rounded to 32 bf16 values, in order.
ZOO_BF16 static inline __m512i zoo_to_bf16(const float *x, ptrdiff_t count) {
    __m512 lo = _mm512_maskz_loadu_ps(zoo_lane_mask(count), x);
    __m512 hi = _mm512_maskz_loadu_ps(zoo_lane_mask(count - 16), x + 16);
    return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}

/// Rows [0, rows) of a, depths [d0, d0 + 2 * kp) (zeros past k), rounded to bf16 pairs into
/// dst[row][stride]; pairs are written in groups of 16, so up to kp rounded up to 16 (zeros past k).
ZOO_BF16 static inline void zoo_bf16_rows(ptrdiff_t rows, ptrdiff_t d0, ptrdiff_t kp, ptrdiff_t k, const float *a,
                                          ptrdiff_t lda, uint32_t *dst, ptrdiff_t stride) {
    ptrdiff_t depth = k - d0 < 2 * kp ? k - d0 : 2 * kp;
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *src = a + r * lda + d0;
        uint32_t *out = dst + r * stride;
        for (ptrdiff_t p = 0; p < kp; p += 16) _mm512_storeu_si512(out + p, zoo_to_bf16(src + 2 * p, depth - 2 * p));
    }
}


#endif
