// im2col at bf16: each output pixel's patch gathered from the NHWC input and rounded to bf16 in
// the same pass, into the rows the bf16 GEMMs read. The float32 im2col wrote twice the bytes and
// the GEMM then read them back to round them, once per column block; for the 3-channel stems the
// Swift gather's per-run overhead was most of the layer. Also the zero-padded copy of input rows
// whose windows the windows GEMMs read in place, gathering nothing (bf16 or float32 values).
#include "zoo_im2col_bf16.h"
#include "zoo_gemm_bf16.h"

#include <string.h>

void zoo_pad_rows(const zoo_im2col_shape *s, ptrdiff_t n, ptrdiff_t row0, ptrdiff_t rows, const void *input,
                  size_t element_size, void *dst) {
    const size_t C = (size_t)s->channels, width = (size_t)zoo_padded_width(s), row_bytes = width * C * element_size;
    // Padded columns [x0, x1) lie inside the image.
    ptrdiff_t x0 = s->pad_left < (ptrdiff_t)width ? s->pad_left : (ptrdiff_t)width;
    ptrdiff_t x1 = s->pad_left + s->in_w < (ptrdiff_t)width ? s->pad_left + s->in_w : (ptrdiff_t)width;
    if (x1 < x0) x1 = x0;
    const char *image = (const char *)input + (size_t)(n * s->in_h * s->in_w) * C * element_size;
    for (ptrdiff_t i = 0; i < rows; i++) {
        char *out = (char *)dst + (size_t)i * row_bytes;
        const ptrdiff_t iy = row0 + i - s->pad_top;
        if (iy < 0 || iy >= s->in_h) {
            memset(out, 0, row_bytes);
            continue;
        }
        const size_t before = (size_t)x0 * C * element_size, inside = (size_t)(x1 - x0) * C * element_size;
        memset(out, 0, before);
        memcpy(out + before, image + (size_t)(iy * s->in_w + x0 - s->pad_left) * C * element_size, inside);
        memset(out + before + inside, 0, row_bytes - before - inside);
    }
}

#if defined(__x86_64__)
#include "bf16_rows.h"

/// `count` floats rounded to bf16 at `dst` (any uint16 position).
ZOO_BF16 static inline void round_run(const float *src, ptrdiff_t count, uint16_t *dst) {
    for (ptrdiff_t i = 0; i < count; i += 16) {
        __mmask16 mask = zoo_lane_mask(count - i);
        __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, src + i));
        _mm256_mask_storeu_epi16(dst + i, mask, (__m256i)v);
    }
}

/// `count` values `stored` as bf16 already, copied to `dst`.
static inline void copy_run(const uint16_t *src, ptrdiff_t count, uint16_t *dst) {
    memcpy(dst, src, sizeof(uint16_t) * (size_t)count);
}

/// The gather of both entries: `input` holds float32 values rounded on the way, or (`stored`)
/// bf16 values copied as they are.
ZOO_BF16 static inline __attribute__((always_inline)) void
gather(const zoo_im2col_shape *s, ptrdiff_t pixel0, ptrdiff_t count, const void *input, const int stored, uint32_t *dst,
       ptrdiff_t ldd) {
    const ptrdiff_t C = s->channels, depth = s->kernel_h * s->kernel_w * C;
    const ptrdiff_t values = 2 * zoo_bf16_panel_pairs(depth), plane = s->out_h * s->out_w;
    const size_t size = stored ? sizeof(uint16_t) : sizeof(float);
    for (ptrdiff_t i = 0; i < count; i++) {
        const ptrdiff_t pixel = pixel0 + i, n = pixel / plane, oh = (pixel / s->out_w) % s->out_h,
                        ow = pixel % s->out_w;
        const char *image = (const char *)input + n * s->in_h * s->in_w * C * size;
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
            const char *src = image + (ih * s->in_w + iw0) * C * size;
            // Taps t..<t + taps of the kernel row, `step` input pixels apart (one run when undilated).
            const ptrdiff_t step = s->dilation_w, runs = step == 1 ? 1 : hi - lo, taps = step == 1 ? hi - lo : 1;
            for (ptrdiff_t j = 0; j < runs; j++) {
                const ptrdiff_t t = lo + j;
                const char *from = src + t * step * C * size;
                if (stored) copy_run((const uint16_t *)from, taps * C, out + t * C);
                else round_run((const float *)from, taps * C, out + t * C);
            }
            memset(out + hi * C, 0, sizeof(uint16_t) * (size_t)((s->kernel_w - hi) * C));
        }
        memset(row + depth, 0, sizeof(uint16_t) * (size_t)(values - depth));
    }
}

ZOO_BF16 void zoo_bf16_im2col(const zoo_im2col_shape *s, ptrdiff_t pixel0, ptrdiff_t count, const float *input,
                              uint32_t *dst, ptrdiff_t ldd) {
    gather(s, pixel0, count, input, 0, dst, ldd);
}

ZOO_BF16 void zoo_bf16_im2col_stored(const zoo_im2col_shape *s, ptrdiff_t pixel0, ptrdiff_t count,
                                     const uint16_t *input, uint32_t *dst, ptrdiff_t ldd) {
    gather(s, pixel0, count, input, 1, dst, ldd);
}

#else  // not x86-64: no bf16 kernels; the dispatch never calls the one below.

#include <stdlib.h>

void zoo_bf16_im2col(const zoo_im2col_shape *shape, ptrdiff_t pixel0, ptrdiff_t count, const float *input,
                     uint32_t *dst, ptrdiff_t ldd) {
    (void)shape, (void)pixel0, (void)count, (void)input, (void)dst, (void)ldd;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

void zoo_bf16_im2col_stored(const zoo_im2col_shape *shape, ptrdiff_t pixel0, ptrdiff_t count, const uint16_t *input,
                            uint32_t *dst, ptrdiff_t ldd) {
    (void)shape, (void)pixel0, (void)count, (void)input, (void)dst, (void)ldd;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

#endif
