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
    // The bound is the first operand: max/min return the second when either is NaN, so NaN stays NaN.
    if (e->lo > -INFINITY) acc = _mm512_max_ps(_mm512_set1_ps(e->lo), acc);
    if (e->hi < INFINITY) acc = _mm512_min_ps(_mm512_set1_ps(e->hi), acc);
    return acc;
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

/// 3x3 undilated, the MobileNet case: one 16-channel block at a time across the whole row, its
/// nine weight vectors held in registers, and pixels whose window lies inside the image (all but
/// the edges) summed without any bounds arithmetic.
ZOO_AVX512 static void row_3x3(const zoo_depthwise_shape *s, ptrdiff_t oh, const float *image, const float *weights,
                               float *out, const zoo_epilogue *e) {
    const ptrdiff_t C = s->channels, W = s->in_w;
    ptrdiff_t ih0 = oh * s->stride_h - s->pad_top, kh_lo, kh_hi;
    taps(ih0, 3, 1, s->in_h, &kh_lo, &kh_hi);
    const int full_rows = kh_lo == 0 && kh_hi == 3;
    for (ptrdiff_t c = 0; c < C; c += 16) {
        __mmask16 mask = C - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (C - c)) - 1);
        __m512 w[9];
        for (int t = 0; t < 9; t++) w[t] = _mm512_maskz_loadu_ps(mask, weights + t * C + c);
        const ptrdiff_t sw = s->stride_w;
        for (ptrdiff_t ow = 0; ow < s->out_w;) {
            ptrdiff_t iw0 = ow * sw - s->pad_left;
            if (full_rows && iw0 >= 0 && ow + 4 <= s->out_w && iw0 + 3 * sw + 3 <= W) {
                // Four pixels at once: four independent chains hide the FMA latency; each pixel's
                // taps are summed in the same order as below, so the bits do not change.
                const float *x = image + (ih0 * W + iw0) * C + c;
                __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (int kh = 0; kh < 3; kh++) {
                    const float *xr = x + kh * W * C;
                    for (int kw = 0; kw < 3; kw++) {
                        __m512 wv = w[kh * 3 + kw];
                        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + kw * C), wv, a0);
                        a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (sw + kw) * C), wv, a1);
                        a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (2 * sw + kw) * C), wv, a2);
                        a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + (3 * sw + kw) * C), wv, a3);
                    }
                }
                __m512 acc4[4] = {a0, a1, a2, a3};
                for (int j = 0; j < 4; j++) {
                    const float *residual = e->residual ? e->residual + (ow + j) * e->ldr : NULL;
                    _mm512_mask_storeu_ps(out + (ow + j) * C + c, mask, finish(acc4[j], e, residual, c, mask));
                }
                ow += 4;
                continue;
            }
            __m512 acc = _mm512_setzero_ps();
            if (full_rows && iw0 >= 0 && iw0 + 3 <= W) {
                const float *x = image + (ih0 * W + iw0) * C + c;
                for (int kh = 0; kh < 3; kh++) {
                    const float *xr = x + kh * W * C;
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr), w[kh * 3], acc);
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + C), w[kh * 3 + 1], acc);
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, xr + 2 * C), w[kh * 3 + 2], acc);
                }
            } else {
                ptrdiff_t kw_lo, kw_hi;
                taps(iw0, 3, 1, W, &kw_lo, &kw_hi);
                for (ptrdiff_t kh = kh_lo; kh < kh_hi; kh++) {
                    for (ptrdiff_t kw = kw_lo; kw < kw_hi; kw++) {
                        const float *x = image + ((ih0 + kh) * W + iw0 + kw) * C + c;
                        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, x), w[kh * 3 + kw], acc);
                    }
                }
            }
            const float *residual = e->residual ? e->residual + ow * e->ldr : NULL;
            _mm512_mask_storeu_ps(out + ow * C + c, mask, finish(acc, e, residual, c, mask));
            ow++;
        }
    }
}

ZOO_AVX512 void zoo_depthwise_row(const zoo_depthwise_shape *s, ptrdiff_t oh, const float *image,
                                  const float *weights, float *out, const zoo_epilogue *e) {
    if (s->kernel_h == 3 && s->kernel_w == 3 && s->dilation_h == 1 && s->dilation_w == 1) {
        row_3x3(s, oh, image, weights, out, e);
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

#else  // not x86-64: the dispatch takes the portable Swift loop instead.

#include <stdlib.h>

void zoo_depthwise_row(const zoo_depthwise_shape *shape, ptrdiff_t oh, const float *image, const float *weights,
                       float *out, const zoo_epilogue *epilogue) {
    (void)shape, (void)oh, (void)image, (void)weights, (void)out, (void)epilogue;
    abort();  // unreachable: zoo_gemm_available() is 0
}

#endif
