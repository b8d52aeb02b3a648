// im2col at bf16: each output pixel's patch gathered from the NHWC input and rounded to bf16 in
// the same pass, into the rows the bf16 GEMMs read. The float32 im2col wrote twice the bytes and
// the GEMM then read them back to round them, once per column block; for the 3-channel stems the
// Swift gather's per-run overhead was most of the layer.
#include "zoo_im2col_bf16.h"
#include "zoo_gemm_bf16.h"

#if defined(__x86_64__)
#include <string.h>
#include "bf16_rows.h"

/// `count` floats rounded to bf16 at `dst` (any uint16 position).
ZOO_BF16 static inline void round_run(const float *src, ptrdiff_t count, uint16_t *dst) {
    for (ptrdiff_t i = 0; i < count; i += 16) {
        __mmask16 mask = zoo_lane_mask(count - i);
        __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, src + i));
        _mm256_mask_storeu_epi16(dst + i, mask, (__m256i)v);
    }
}

ZOO_BF16 void zoo_bf16_im2col(const zoo_im2col_shape *s, ptrdiff_t pixel0, ptrdiff_t count, const float *input,
                              uint32_t *dst, ptrdiff_t ldd) {
    const ptrdiff_t C = s->channels, depth = s->kernel_h * s->kernel_w * C;
    const ptrdiff_t values = 2 * zoo_bf16_panel_pairs(depth), plane = s->out_h * s->out_w;
    for (ptrdiff_t i = 0; i < count; i++) {
        const ptrdiff_t pixel = pixel0 + i, n = pixel / plane, oh = (pixel / s->out_w) % s->out_h,
                        ow = pixel % s->out_w;
        const float *image = input + n * s->in_h * s->in_w * C;
        uint16_t *row = (uint16_t *)(dst + i * ldd);
        const ptrdiff_t ih0 = oh * s->stride_h - s->pad_top, iw0 = ow * s->stride_w - s->pad_left;
        // Taps [lo, hi) of a kernel row land inside the image; undilated, they are one run.
        ptrdiff_t lo = 0, hi = s->kernel_w;
        while (lo < hi && iw0 + lo * s->dilation_w < 0) lo++;
        while (hi > lo && iw0 + (hi - 1) * s->dilation_w >= s->in_w) hi--;
        uint16_t *out = row;
        for (ptrdiff_t r = 0; r < s->kernel_h; r++, out += s->kernel_w * C) {
            const ptrdiff_t ih = ih0 + r * s->dilation_h;
            if (ih < 0 || ih >= s->in_h || lo == hi) {
                memset(out, 0, sizeof(uint16_t) * (size_t)(s->kernel_w * C));
                continue;
            }
            memset(out, 0, sizeof(uint16_t) * (size_t)(lo * C));
            const float *src = image + (ih * s->in_w + iw0) * C;
            if (s->dilation_w == 1) {
                round_run(src + lo * C, (hi - lo) * C, out + lo * C);
            } else {
                for (ptrdiff_t t = lo; t < hi; t++) round_run(src + t * s->dilation_w * C, C, out + t * C);
            }
            memset(out + hi * C, 0, sizeof(uint16_t) * (size_t)((s->kernel_w - hi) * C));
        }
        memset(row + depth, 0, sizeof(uint16_t) * (size_t)(values - depth));
    }
}

#else  // not x86-64: no bf16 kernels; the dispatch never calls the one below.

#include <stdlib.h>

void zoo_bf16_im2col(const zoo_im2col_shape *shape, ptrdiff_t pixel0, ptrdiff_t count, const float *input,
                     uint32_t *dst, ptrdiff_t ldd) {
    (void)shape, (void)pixel0, (void)count, (void)input, (void)dst, (void)ldd;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

#endif
