// Depthwise convolution over NHWC for AVX-512: channels are contiguous, so each output pixel is
// a handful of 16-channel vectors summed over the kernel's taps, finished by the fused epilogue.
#include "zoo_depthwise.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

#include "epilogue_avx512.h"

/// The taps [lo, hi) of a window starting at `start` that land inside [0, size).
static void taps(ptrdiff_t start, ptrdiff_t kernel, ptrdiff_t dilation, ptrdiff_t size, ptrdiff_t *lo, ptrdiff_t *hi) {
    ptrdiff_t l = 0, h = kernel;
    while (l < h && start + l * dilation < 0) l++;
    while (h > l && start + (h - 1) * dilation >= size) h--;
    *lo = l;
    *hi = h;
}

ZOO_AVX512 static inline __m512 finish(__m512 acc, const zoo_epilogue *e, const float *residual, ptrdiff_t c,
                                       __mmask16 mask) {
    if (e->bias) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, e->bias + c));
    if (residual) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, residual + c));
    // The bound is the first operand: max/min return the second when either is NaN, so NaN stays
    // NaN; an infinite bound returns the value itself (signed zeros included), so no test is needed.
    return _mm512_min_ps(_mm512_set1_ps(e->hi), _mm512_max_ps(_mm512_set1_ps(e->lo), acc));
}

/// V vectors of 16 channels from `c`, the last one masked by `tail`.
#define DW_BLOCK(V)                                                                                     \
    do {                                                                                                \
        __m512 acc[V];                                                                                  \
        for (int v = 0; v < V; v++) acc[v] = _mm512_setzero_ps();                                       \
        for (ptrdiff_t kh = kh_lo; kh < kh_hi; kh++) {                                                  \
            ptrdiff_t ih = ih0 + kh * s->dilation_h;                                                    \
            for (ptrdiff_t kw = kw_lo; kw < kw_hi; kw++) {                                              \
                const float *x = image + (ih * s->in_w + iw0 + kw * s->dilation_w) * C + c;             \
                const float *w = weights + (kh * s->kernel_w + kw) * C + c;                             \
                for (int v = 0; v < V; v++) {                                                           \
                    __mmask16 m = v == V - 1 ? tail : 0xFFFF;                                           \
                    acc[v] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + 16 * v),                      \
                                             _mm512_maskz_loadu_ps(m, w + 16 * v), acc[v]);             \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
        for (int v = 0; v < V; v++) {                                                                   \
            __mmask16 m = v == V - 1 ? tail : 0xFFFF;                                                   \
            _mm512_mask_storeu_ps(dst + c + 16 * v, m, finish(acc[v], e, residual, c + 16 * v, m));     \
        }                                                                                               \
    } while (0)

/// 16 lanes of a float32 row.
ZOO_AVX512 static inline void store_float32(float *p, __mmask16 mask, __m512 v) { _mm512_mask_storeu_ps(p, mask, v); }

/// 16 lanes rounded to bf16 as the bf16 GEMMs round their operands (VCVTNEPS2BF16, nearest even);
/// whole vectors by the plain store, which is faster than the masked one on Zen 5.
ZOO_BF16 static inline void store_bf16(uint16_t *p, __mmask16 mask, __m512 v) {
    __m256i bits = (__m256i)_mm512_cvtneps_pbh(v);
    if (mask == 0xFFFF) _mm256_storeu_si256((__m256i *)p, bits);
    else _mm256_mask_storeu_epi16(p, mask, bits);
}

#define ZOO_DW_NAME(f) f##_float32
#define ZOO_DW_TARGET ZOO_AVX512
#define ZOO_DW_OUT float
#define ZOO_DW_STORE store_float32
#include "depthwise_3x3.h"
#undef ZOO_DW_NAME
#undef ZOO_DW_TARGET
#undef ZOO_DW_OUT
#undef ZOO_DW_STORE

#define ZOO_DW_NAME(f) f##_bf16
#define ZOO_DW_TARGET ZOO_BF16
#define ZOO_DW_OUT uint16_t
#define ZOO_DW_STORE store_bf16
#include "depthwise_3x3.h"

ZOO_AVX512 void zoo_depthwise_row(const zoo_depthwise_shape *s, ptrdiff_t oh, const float *image,
                                  const float *weights, float *out, const zoo_epilogue *e) {
    if (s->kernel_h == 3 && s->kernel_w == 3 && s->dilation_h == 1 && s->dilation_w == 1) {
        row_3x3_float32(s, oh, image, weights, out, s->channels, e);
        return;
    }
    const ptrdiff_t C = s->channels;
    ptrdiff_t ih0 = oh * s->stride_h - s->pad_top, kh_lo, kh_hi;
    taps(ih0, s->kernel_h, s->dilation_h, s->in_h, &kh_lo, &kh_hi);
    for (ptrdiff_t ow = 0; ow < s->out_w; ow++) {
        ptrdiff_t iw0 = ow * s->stride_w - s->pad_left, kw_lo, kw_hi;
        taps(iw0, s->kernel_w, s->dilation_w, s->in_w, &kw_lo, &kw_hi);
        float *dst = out + ow * C;
        const float *residual = e->residual ? e->residual + ow * e->ldr : NULL;
        ptrdiff_t c = 0;
        __mmask16 tail = 0xFFFF;
        for (; c + 64 <= C; c += 64) DW_BLOCK(4);
        for (; c + 16 <= C; c += 16) DW_BLOCK(1);
        if (c < C) {
            tail = (__mmask16)((1u << (C - c)) - 1);
            DW_BLOCK(1);
        }
    }
}

ZOO_BF16 int zoo_depthwise_row_bf16(const zoo_depthwise_shape *s, ptrdiff_t oh, const float *image,
                                   const float *weights, uint16_t *out, ptrdiff_t out_stride, const zoo_epilogue *e) {
    if (s->kernel_h != 3 || s->kernel_w != 3 || s->dilation_h != 1 || s->dilation_w != 1 || out_stride < s->channels) {
        return -1;
    }
    row_3x3_bf16(s, oh, image, weights, out, out_stride, e);
    return 0;
}

#else  // not x86-64: the dispatch takes the portable Swift loop instead.

#include <stdlib.h>

void zoo_depthwise_row(const zoo_depthwise_shape *shape, ptrdiff_t oh, const float *image, const float *weights,
                       float *out, const zoo_epilogue *epilogue) {
    (void)shape, (void)oh, (void)image, (void)weights, (void)out, (void)epilogue;
    abort();  // unreachable: zoo_gemm_available() is 0
}

int zoo_depthwise_row_bf16(const zoo_depthwise_shape *shape, ptrdiff_t oh, const float *image, const float *weights,
                           uint16_t *out, ptrdiff_t out_stride, const zoo_epilogue *epilogue) {
    (void)shape, (void)oh, (void)image, (void)weights, (void)out, (void)out_stride, (void)epilogue;
    return -1;
}

#endif
