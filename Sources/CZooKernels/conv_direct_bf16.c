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

/// One call's data: the shape, each tap pair's offset from a window's first padded column, the
/// padded rows of the current output row and their pairs (scratch), the packed weights, the epilogue.
typedef struct {
    const zoo_im2col_shape *s;
    const ptrdiff_t *offset;
    ptrdiff_t taps, out_c;
    float *rows;
    uint32_t *pairs;
    const uint32_t *packed;
    const zoo_epilogue *e;
} direct_bf16;

ZOO_BF16 static void prepare_row(const void *kernel, const float *image, ptrdiff_t oy) {
    const direct_bf16 *k = kernel;
    const zoo_im2col_shape *s = k->s;
    const ptrdiff_t row_floats = zoo_direct_padded_width(s) * s->channels;
    zoo_direct_fill_rows(s, image, oy, k->rows);
    for (ptrdiff_t pr = 0; pr < pair_rows(s); pr++) {
        pair_up(k->rows + 2 * pr * row_floats, 2 * pr + 1 < s->kernel_h ? k->rows + (2 * pr + 1) * row_floats : NULL,
                row_floats, k->pairs + pr * row_floats);
    }
}

/// P pixels (`first` at padded column first * stride_w) x V vectors of 16 channels from `col`.
ZOO_BF16 static inline __attribute__((always_inline)) void
group(const int P, const int V, const int STEP, const direct_bf16 *k, ptrdiff_t first, ptrdiff_t col, float *out,
      ptrdiff_t pixel) {
    const ptrdiff_t step = STEP ? STEP : k->s->stride_w * k->s->channels, out_c = k->out_c;
    __mmask16 mask[ZOO_DIRECT_MAX_V];
    zoo_direct_masks(V, out_c, col, mask);
    // Fixed sizes (P and V are constants once inlined): the arrays stay in registers.
    __m512 acc[ZOO_DIRECT_MAX_P][ZOO_DIRECT_MAX_V];
    zoo_direct_zero(P, V, acc);
    const uint32_t *x[ZOO_DIRECT_MAX_P];  // each pixel's window
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++) x[p] = k->pairs + (first + p) * step;
    const uint32_t *x0 = x[0];  // with STEP compiled in, every window is x0 plus a constant
    const uint32_t *wt = k->packed + col;
    for (ptrdiff_t t = 0; t < k->taps; t++, wt += out_c) {
        __m512bh w[ZOO_DIRECT_MAX_V];
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) w[v] = (__m512bh)_mm512_maskz_loadu_epi32(mask[v], wt + 16 * v);
        const ptrdiff_t o = k->offset[t];
#pragma clang loop unroll(full)
        for (int p = 0; p < P; p++) {
            const __m512bh b = (__m512bh)_mm512_set1_epi32((int)(STEP ? x0[o + p * STEP] : x[p][o]));
#pragma clang loop unroll(full)
            for (int v = 0; v < V; v++) acc[p][v] = _mm512_dpbf16_ps(acc[p][v], b, w[v]);
        }
    }
    zoo_direct_finish(P, V, acc, mask, k->e, out, out_c, col, pixel);
}

#define GROUP(P, V, STEP) group(P, V, STEP, k, first, col, out, pixel)

ZOO_BF16 static void groups(const void *kernel, int wide, int pixels, ptrdiff_t first, ptrdiff_t col, float *out,
                            ptrdiff_t pixel) {
    const direct_bf16 *k = kernel;
    ZOO_DIRECT_GROUP_SWITCH(wide, pixels, k->s->stride_w * k->s->channels, GROUP);
}

ZOO_BF16 void zoo_conv_direct_bf16(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                                   const float *input, const uint32_t *packed, float *output, const zoo_epilogue *e,
                                   float *scratch) {
    const ptrdiff_t row_floats = zoo_direct_padded_width(s) * s->channels;
    ptrdiff_t offset[ZOO_CONV_DIRECT_MAX_TAPS];  // of the tap pairs (pair row, kx, c)
    const ptrdiff_t taps = zoo_direct_offsets(s, pair_rows(s), offset);
    const direct_bf16 kernel = {s, offset, taps, out_c, scratch, (uint32_t *)(scratch + s->kernel_h * row_floats),
                                packed, e};
    const zoo_direct_walk walk = {&kernel, prepare_row, groups};
    zoo_direct_run(&walk, s, out_c, pixel0, count, input, output);
}

ZOO_BF16 void zoo_max_window_bf16(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0, ptrdiff_t rows,
                                  ptrdiff_t col0, ptrdiff_t cols, uint16_t *out) {
    for (ptrdiff_t ch = 0; ch < channels; ch += 16) {
        const __mmask16 mask = zoo_lane_mask(channels - ch);
        const __m512 m = zoo_direct_max16(image, in_w, channels, row0, rows, col0, cols, ch, mask);
        _mm256_mask_storeu_epi16(out + ch, mask, (__m256i)_mm512_cvtneps_pbh(m));
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

void zoo_max_window_bf16(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0, ptrdiff_t rows,
                         ptrdiff_t col0, ptrdiff_t cols, uint16_t *out) {
    (void)image, (void)in_w, (void)channels, (void)row0, (void)rows, (void)col0, (void)cols, (void)out;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}
#endif
