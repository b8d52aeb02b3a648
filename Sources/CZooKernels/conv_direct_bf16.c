// The bfloat16 direct convolution of zoo_conv_direct.h, on AVX512-BF16: the float32 kernel's
// shape (padded input rows per output row, 6 pixels x 64 channels or 12 x 32 per step) with
// VDPBF16PS, which multiplies a pair of bf16 values by a pair and adds both products into a
// float32 lane. The pair is two kernel rows (ky, ky + 1) at the same (kx, c): the padded rows are
// rounded and interleaved two by two, so one 32-bit load gives both values of a tap pair, and
// ResNet's 7x7 stem takes 84 steps instead of 147.
#include "zoo_conv_direct.h"

#if defined(__x86_64__)
#include "bf16_rows.h"
#include "conv_direct_rows.h"

enum { MAX_P = 12, MAX_V = 4 };  // pixels and 16-channel vectors of a group, at most

/// Kernel rows in pairs, the last padded with a row of zeros.
static ptrdiff_t pair_rows(const zoo_im2col_shape *s) { return (s->kernel_h + 1) / 2; }

ptrdiff_t zoo_conv_direct_bf16_weights_count(const zoo_im2col_shape *s, ptrdiff_t out_c) {
    return pair_rows(s) * s->kernel_w * s->channels * out_c;
}

ptrdiff_t zoo_conv_direct_bf16_scratch(const zoo_im2col_shape *s) {
    // The float32 rows, then their pairs (one 32-bit word per padded column and channel).
    return (s->kernel_h + pair_rows(s)) * zoo_direct_padded_width(s) * s->channels;
}

/// 16 values of `even` and of `odd` rounded to bf16, paired: lane i = even[i] | odd[i] << 16.
ZOO_BF16 static inline __m512i pair16(__m512 even, __m512 odd) {
    __m512i lo = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(even));
    __m512i hi = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(odd));
    return _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16));
}

/// Rows `even` and `odd` (NULL: zeros) of `count` floats, paired into `dst`.
ZOO_BF16 static void pair_up(const float *even, const float *odd, ptrdiff_t count, uint32_t *dst) {
    for (ptrdiff_t i = 0; i < count; i += 16) {
        __mmask16 m = zoo_lane_mask(count - i);
        __m512 o = odd ? _mm512_maskz_loadu_ps(m, odd + i) : _mm512_setzero_ps();
        _mm512_mask_storeu_epi32(dst + i, m, pair16(_mm512_maskz_loadu_ps(m, even + i), o));
    }
}

ZOO_BF16 void zoo_conv_direct_bf16_pack(const zoo_im2col_shape *s, ptrdiff_t out_c, const float *weights,
                                        uint32_t *packed) {
    const ptrdiff_t row_taps = s->kernel_w * s->channels;
    for (ptrdiff_t pr = 0; pr < pair_rows(s); pr++) {
        for (ptrdiff_t t = 0; t < row_taps; t++) {
            const float *even = weights + (2 * pr * row_taps + t) * out_c;
            const float *odd = 2 * pr + 1 < s->kernel_h ? weights + ((2 * pr + 1) * row_taps + t) * out_c : NULL;
            pair_up(even, odd, out_c, packed + (pr * row_taps + t) * out_c);
        }
    }
}

/// P pixels (`first` at padded column first * stride_w) x V vectors of 16 channels from `col`.
ZOO_BF16 static inline __attribute__((always_inline)) void
group(const int P, const int V, const zoo_im2col_shape *s, const ptrdiff_t *offset, ptrdiff_t taps,
      const uint32_t *pairs, ptrdiff_t first, ptrdiff_t out_c, ptrdiff_t col, const uint32_t *packed, float *out,
      ptrdiff_t pixel, const zoo_epilogue *e) {
    const ptrdiff_t step = s->stride_w * s->channels;
    __mmask16 mask[MAX_V];
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) mask[v] = zoo_lane_mask(out_c - col - 16 * v);
    __m512 acc[MAX_P][MAX_V];  // fixed sizes (P and V are constants once inlined): arrays in registers
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) acc[p][v] = _mm512_setzero_ps();
    const uint32_t *x[MAX_P];  // each pixel's window
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++) x[p] = pairs + (first + p) * step;
    const uint32_t *wt = packed + col;
    for (ptrdiff_t t = 0; t < taps; t++, wt += out_c) {
        __m512bh w[MAX_V];
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) w[v] = (__m512bh)_mm512_maskz_loadu_epi32(mask[v], wt + 16 * v);
        const ptrdiff_t o = offset[t];
#pragma clang loop unroll(full)
        for (int p = 0; p < P; p++) {
            const __m512bh b = (__m512bh)_mm512_set1_epi32((int)x[p][o]);
#pragma clang loop unroll(full)
            for (int v = 0; v < V; v++) acc[p][v] = _mm512_dpbf16_ps(acc[p][v], b, w[v]);
        }
    }
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) {
            if (mask[v] == 0) continue;
            _mm512_mask_storeu_ps(out + p * out_c + col + 16 * v, mask[v],
                                  zoo_epilogue_finish(acc[p][v], e, pixel + p, col + 16 * v, mask[v]));
        }
}

#define GROUP_CASE(P, V) \
    case P: group(P, V, s, offset, taps, pairs, first, out_c, col, packed, out, pixel, e); break;

/// `pixels` (up to 6) pixels x 64 channels, or (up to 12) x 32.
ZOO_BF16 static void groups(int wide, int pixels, const zoo_im2col_shape *s, const ptrdiff_t *offset, ptrdiff_t taps,
                            const uint32_t *pairs, ptrdiff_t first, ptrdiff_t out_c, ptrdiff_t col,
                            const uint32_t *packed, float *out, ptrdiff_t pixel, const zoo_epilogue *e) {
    if (wide) {
        switch (pixels) { GROUP_CASE(1, 4) GROUP_CASE(2, 4) GROUP_CASE(3, 4) GROUP_CASE(4, 4) GROUP_CASE(5, 4)
                          GROUP_CASE(6, 4) default: break; }
    } else {
        switch (pixels) { GROUP_CASE(1, 2) GROUP_CASE(2, 2) GROUP_CASE(3, 2) GROUP_CASE(4, 2) GROUP_CASE(5, 2)
                          GROUP_CASE(6, 2) GROUP_CASE(7, 2) GROUP_CASE(8, 2) GROUP_CASE(9, 2) GROUP_CASE(10, 2)
                          GROUP_CASE(11, 2) GROUP_CASE(12, 2) default: break; }
    }
}

ZOO_BF16 void zoo_conv_direct_bf16(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                                   const float *input, const uint32_t *packed, float *output, const zoo_epilogue *e,
                                   float *scratch) {
    const ptrdiff_t row_taps = s->kernel_w * s->channels, row_floats = zoo_direct_padded_width(s) * s->channels;
    const ptrdiff_t taps = pair_rows(s) * row_taps;
    float *rows = scratch;
    uint32_t *pairs = (uint32_t *)(scratch + s->kernel_h * row_floats);
    // Offsets of the tap pairs (pair row, kx, c) from a window's first padded column.
    ptrdiff_t offset[ZOO_CONV_DIRECT_MAX_TAPS];
    for (ptrdiff_t pr = 0, t = 0; pr < pair_rows(s); pr++)
        for (ptrdiff_t kx = 0; kx < s->kernel_w; kx++)
            for (ptrdiff_t c = 0; c < s->channels; c++, t++) offset[t] = pr * row_floats + kx * s->dilation_w * s->channels + c;
    const ptrdiff_t per_image = s->out_h * s->out_w, image_floats = s->in_h * s->in_w * s->channels;
    ptrdiff_t pixel = pixel0, end = pixel0 + count;
    while (pixel < end) {
        // The rest of this output row, or of the range.
        const ptrdiff_t n = pixel / per_image, oy = pixel % per_image / s->out_w, ox0 = pixel % s->out_w;
        const ptrdiff_t row_end = pixel - ox0 + s->out_w < end ? pixel - ox0 + s->out_w : end;
        zoo_direct_fill_rows(s, input + n * image_floats, oy, rows);
        for (ptrdiff_t pr = 0; pr < pair_rows(s); pr++) {
            pair_up(rows + 2 * pr * row_floats, 2 * pr + 1 < s->kernel_h ? rows + (2 * pr + 1) * row_floats : NULL,
                    row_floats, pairs + pr * row_floats);
        }
        for (ptrdiff_t col = 0; col < out_c; col += 64) {
            const int wide = out_c - col > 32;
            const ptrdiff_t group_pixels = wide ? 6 : 12;
            for (ptrdiff_t p = pixel; p < row_end; p += group_pixels) {
                int pixels = (int)(row_end - p < group_pixels ? row_end - p : group_pixels);
                groups(wide, pixels, s, offset, taps, pairs, p % s->out_w, out_c, col, packed, output + p * out_c, p, e);
            }
        }
        pixel = row_end;
    }
}

#else  // not x86-64: no bf16 kernel; the dispatch never calls the functions below.
#include <stdlib.h>

ptrdiff_t zoo_conv_direct_bf16_weights_count(const zoo_im2col_shape *s, ptrdiff_t out_c) {
    (void)s, (void)out_c;
    return 0;
}

ptrdiff_t zoo_conv_direct_bf16_scratch(const zoo_im2col_shape *s) {
    (void)s;
    return 0;
}

void zoo_conv_direct_bf16_pack(const zoo_im2col_shape *s, ptrdiff_t out_c, const float *weights, uint32_t *packed) {
    (void)s, (void)out_c, (void)weights, (void)packed;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

void zoo_conv_direct_bf16(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                          const float *input, const uint32_t *packed, float *output, const zoo_epilogue *e,
                          float *scratch) {
    (void)s, (void)out_c, (void)pixel0, (void)count, (void)input, (void)packed, (void)output, (void)e, (void)scratch;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}
#endif
