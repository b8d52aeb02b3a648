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
#include "epilogue_avx512.h"

enum { MAX_P = 12, MAX_V = 4 };  // pixels and 16-channel vectors of a group, at most

ptrdiff_t zoo_conv_direct_scratch(const zoo_im2col_shape *s) {
    return s->kernel_h * zoo_direct_padded_width(s) * s->channels;
}


/// P pixels (`first` at padded column first * stride_w) x V vectors of 16 channels from `col`:
/// every tap of the kernel_h rows multiplied in, then the epilogue and the store.
ZOO_AVX512 static inline __attribute__((always_inline)) void
group(const int P, const int V, const zoo_im2col_shape *s, const ptrdiff_t *offset, ptrdiff_t taps,
      const float *rows, ptrdiff_t first, ptrdiff_t out_c, ptrdiff_t col, const float *weights, float *out,
      ptrdiff_t pixel, const zoo_epilogue *e) {
    const ptrdiff_t step = s->stride_w * s->channels;
    __mmask16 mask[MAX_V];
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) {
        ptrdiff_t left = out_c - col - 16 * v;
        mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
    }
    __m512 acc[MAX_P][MAX_V];  // fixed sizes (P and V are constants once inlined): arrays in registers
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) acc[p][v] = _mm512_setzero_ps();
    const float *x[MAX_P];  // each pixel's window
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++) x[p] = rows + (first + p) * step;
    const float *wt = weights + col;
    for (ptrdiff_t t = 0; t < taps; t++, wt += out_c) {
        __m512 w[MAX_V];
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) w[v] = _mm512_maskz_loadu_ps(mask[v], wt + 16 * v);
        const ptrdiff_t o = offset[t];
#pragma clang loop unroll(full)
        for (int p = 0; p < P; p++) {
            const __m512 b = _mm512_set1_ps(x[p][o]);
#pragma clang loop unroll(full)
            for (int v = 0; v < V; v++) acc[p][v] = _mm512_fmadd_ps(b, w[v], acc[p][v]);
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
    case P: group(P, V, s, offset, taps, rows, first, out_c, col, weights, out, pixel, e); break;

/// `pixels` (up to 6) pixels x 64 channels, or (up to 12) x 32.
ZOO_AVX512 static void groups(int wide, int pixels, const zoo_im2col_shape *s, const ptrdiff_t *offset,
                              ptrdiff_t taps, const float *rows, ptrdiff_t first, ptrdiff_t out_c, ptrdiff_t col,
                              const float *weights, float *out, ptrdiff_t pixel, const zoo_epilogue *e) {
    if (wide) {
        switch (pixels) { GROUP_CASE(1, 4) GROUP_CASE(2, 4) GROUP_CASE(3, 4) GROUP_CASE(4, 4) GROUP_CASE(5, 4)
                          GROUP_CASE(6, 4) default: break; }
    } else {
        switch (pixels) { GROUP_CASE(1, 2) GROUP_CASE(2, 2) GROUP_CASE(3, 2) GROUP_CASE(4, 2) GROUP_CASE(5, 2)
                          GROUP_CASE(6, 2) GROUP_CASE(7, 2) GROUP_CASE(8, 2) GROUP_CASE(9, 2) GROUP_CASE(10, 2)
                          GROUP_CASE(11, 2) GROUP_CASE(12, 2) default: break; }
    }
}

ZOO_AVX512 void zoo_conv_direct(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                                const float *input, const float *weights, float *output, const zoo_epilogue *e,
                                float *rows) {
    // Offsets of the taps (ky, kx, c) from a window's first padded column in the first row.
    const ptrdiff_t taps = s->kernel_h * s->kernel_w * s->channels, row_floats = zoo_direct_padded_width(s) * s->channels;
    ptrdiff_t offset[ZOO_CONV_DIRECT_MAX_TAPS];
    for (ptrdiff_t ky = 0, t = 0; ky < s->kernel_h; ky++)
        for (ptrdiff_t kx = 0; kx < s->kernel_w; kx++)
            for (ptrdiff_t c = 0; c < s->channels; c++, t++)
                offset[t] = ky * row_floats + kx * s->dilation_w * s->channels + c;
    const ptrdiff_t per_image = s->out_h * s->out_w, image_floats = s->in_h * s->in_w * s->channels;
    ptrdiff_t pixel = pixel0, end = pixel0 + count;
    while (pixel < end) {
        // The rest of this output row, or of the range.
        const ptrdiff_t n = pixel / per_image, oy = pixel % per_image / s->out_w, ox0 = pixel % s->out_w;
        const ptrdiff_t row_end = pixel - ox0 + s->out_w < end ? pixel - ox0 + s->out_w : end;
        zoo_direct_fill_rows(s, input + n * image_floats, oy, rows);
        for (ptrdiff_t col = 0; col < out_c; col += 64) {
            const int wide = out_c - col > 32;
            const ptrdiff_t group_pixels = wide ? 6 : 12;
            for (ptrdiff_t p = pixel; p < row_end; p += group_pixels) {
                int pixels = (int)(row_end - p < group_pixels ? row_end - p : group_pixels);
                groups(wide, pixels, s, offset, taps, rows, p % s->out_w, out_c, col, weights,
                       output + p * out_c, p, e);
            }
        }
        pixel = row_end;
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
#endif
