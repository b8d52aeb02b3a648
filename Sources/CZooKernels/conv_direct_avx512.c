// The direct convolution of zoo_conv_direct.h. Per output row, the kernel_h input rows its windows
// read are copied once, zero-padded, into the caller's scratch, so every tap of every window is a
// plain load (no bounds tests in the loop, the same code for the edges). Pixels then go in groups
// along the row, all their output channels at once: 6 pixels x 64 channels (24 accumulators, 4
// weight vectors) or 12 pixels x 32. Each tap's weights are loaded once for the group and each of
// its inputs broadcast once for all channels, so a tap costs 10 (or 14) loads for 24 FMAs. Taps
// are added in (ky, kx, c) order, padding's zeros included, as im2col's rows have them.
#include "zoo_conv_direct.h"

#if defined(__x86_64__)
#include "conv_direct_rows.h"

ptrdiff_t zoo_conv_direct_scratch(const zoo_im2col_shape *s) {
    return s->kernel_h * zoo_direct_padded_width(s) * s->channels;
}

/// One call's data: the shape, each tap's offset from a window's first padded column, the padded
/// rows of the current output row (scratch), the weights and the epilogue.
typedef struct {
    const zoo_im2col_shape *s;
    const ptrdiff_t *offset;
    ptrdiff_t taps, out_c;
    float *rows;
    const float *weights;
    const zoo_epilogue *e;
} direct_f32;

static void prepare_row(const void *kernel, const float *image, ptrdiff_t oy) {
    const direct_f32 *k = kernel;
    zoo_direct_fill_rows(k->s, image, oy, k->rows);
}

/// P pixels (`first` at padded column first * stride_w) x V vectors of 16 channels from `col`:
/// every tap multiplied in, then the epilogue and the store.
ZOO_AVX512 static inline __attribute__((always_inline)) void
group(const int P, const int V, const int STEP, const direct_f32 *k, ptrdiff_t first, ptrdiff_t col, float *out,
      ptrdiff_t pixel) {
    const ptrdiff_t step = STEP ? STEP : k->s->stride_w * k->s->channels, out_c = k->out_c;
    __mmask16 mask[ZOO_DIRECT_MAX_V];
    zoo_direct_masks(V, out_c, col, mask);
    // Fixed sizes (P and V are constants once inlined): the arrays stay in registers.
    __m512 acc[ZOO_DIRECT_MAX_P][ZOO_DIRECT_MAX_V];
    zoo_direct_zero(P, V, acc);
    const float *x[ZOO_DIRECT_MAX_P];  // each pixel's window
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++) x[p] = k->rows + (first + p) * step;
    const float *x0 = x[0];  // with STEP compiled in, every window is x0 plus a constant
    const float *wt = k->weights + col;
    for (ptrdiff_t t = 0; t < k->taps; t++, wt += out_c) {
        __m512 w[ZOO_DIRECT_MAX_V];
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) w[v] = _mm512_maskz_loadu_ps(mask[v], wt + 16 * v);
        const ptrdiff_t o = k->offset[t];
#pragma clang loop unroll(full)
        for (int p = 0; p < P; p++) {
            const __m512 b = _mm512_set1_ps(STEP ? x0[o + p * STEP] : x[p][o]);
#pragma clang loop unroll(full)
            for (int v = 0; v < V; v++) acc[p][v] = _mm512_fmadd_ps(b, w[v], acc[p][v]);
        }
    }
    zoo_direct_finish(P, V, acc, mask, k->e, out, out_c, col, pixel);
}

#define GROUP(P, V, STEP) group(P, V, STEP, k, first, col, out, pixel)

ZOO_AVX512 static void groups(const void *kernel, int wide, int pixels, ptrdiff_t first, ptrdiff_t col, float *out,
                              ptrdiff_t pixel) {
    const direct_f32 *k = kernel;
    ZOO_DIRECT_GROUP_SWITCH(wide, pixels, k->s->stride_w * k->s->channels, GROUP);
}

ZOO_AVX512 void zoo_conv_direct(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                                const float *input, const float *weights, float *output, const zoo_epilogue *e,
                                float *rows) {
    ptrdiff_t offset[ZOO_CONV_DIRECT_MAX_TAPS];
    const ptrdiff_t taps = zoo_direct_offsets(s, s->kernel_h, offset);
    const direct_f32 kernel = {s, offset, taps, out_c, rows, weights, e};
    const zoo_direct_walk walk = {&kernel, prepare_row, groups};
    zoo_direct_run(&walk, s, out_c, pixel0, count, input, output);
}
ZOO_AVX512 void zoo_max_window(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0, ptrdiff_t rows,
                               ptrdiff_t col0, ptrdiff_t cols, float *out) {
    for (ptrdiff_t ch = 0; ch < channels; ch += 16) {
        const __mmask16 mask = channels - ch >= 16 ? 0xFFFF : (__mmask16)((1u << (channels - ch)) - 1);
        _mm512_mask_storeu_ps(out + ch, mask, zoo_direct_max16(image, in_w, channels, row0, rows, col0, cols, ch, mask));
    }
}
#else
ptrdiff_t zoo_conv_direct_scratch(const zoo_im2col_shape *s) {
    (void)s;
    return 0;
}

void zoo_conv_direct(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                     const float *input, const float *weights, float *output, const zoo_epilogue *e, float *rows) {
    (void)s, (void)out_c, (void)pixel0, (void)count, (void)input, (void)weights, (void)output, (void)e, (void)rows;
}

void zoo_max_window(const float *image, ptrdiff_t in_w, ptrdiff_t channels, ptrdiff_t row0, ptrdiff_t rows,
                    ptrdiff_t col0, ptrdiff_t cols, float *out) {
    (void)image, (void)in_w, (void)channels, (void)row0, (void)rows, (void)col0, (void)cols, (void)out;
}
#endif
