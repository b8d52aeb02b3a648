// The direct convolution of zoo_conv_direct.h: eight output pixels at a time, 32 output
// channels (two registers) per pass; each tap's weights are loaded once and multiplied into all
// eight pixels' accumulators.
#include "zoo_conv_direct.h"

#if defined(__x86_64__)
#include "epilogue_avx512.h"

enum { PIXELS = 8, MAX_TAPS = 16 * 16 * ZOO_CONV_DIRECT_MAX_CHANNELS };

// Where output pixel `pixel`'s window starts in the input (its top-left tap, maybe outside).
typedef struct {
    const float *image;  // the pixel's image in the batch
    ptrdiff_t y, x;      // top-left tap's input row and column
} window;

// An output pixel's place: image n, row oy, column ox. Walked pixel by pixel with `advance`, so
// the divisions that find it are done once per group of pixels, not per pixel (they cost as much
// as the group's multiply-adds on a 27-tap first layer).
typedef struct {
    ptrdiff_t n, oy, ox;
} place;

static place place_of(const zoo_im2col_shape *s, ptrdiff_t pixel) {
    ptrdiff_t per_image = s->out_h * s->out_w, r = pixel % per_image;
    place q = {pixel / per_image, r / s->out_w, r % s->out_w};
    return q;
}

static void advance(const zoo_im2col_shape *s, place *q) {
    if (++q->ox < s->out_w) return;
    q->ox = 0;
    if (++q->oy < s->out_h) return;
    q->oy = 0;
    q->n++;
}

static window window_of(const zoo_im2col_shape *s, const float *input, place q) {
    window w = {input + q.n * s->in_h * s->in_w * s->channels, q.oy * s->stride_h - s->pad_top,
                q.ox * s->stride_w - s->pad_left};
    return w;
}

static int inside(const zoo_im2col_shape *s, window w) {
    return w.y >= 0 && w.x >= 0 && w.y + (s->kernel_h - 1) * s->dilation_h < s->in_h &&
           w.x + (s->kernel_w - 1) * s->dilation_w < s->in_w;
}

// The input value of tap (ky, kx, c) for window w, 0 outside the image.
static float tap_value(const zoo_im2col_shape *s, window w, ptrdiff_t ky, ptrdiff_t kx, ptrdiff_t c) {
    ptrdiff_t y = w.y + ky * s->dilation_h, x = w.x + kx * s->dilation_w;
    if (y < 0 || y >= s->in_h || x < 0 || x >= s->in_w) return 0;
    return w.image[(y * s->in_w + x) * s->channels + c];
}

ZOO_AVX512 void zoo_conv_direct(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                                const float *input, const float *weights, float *output, const zoo_epilogue *e) {
    const ptrdiff_t taps = s->kernel_h * s->kernel_w * s->channels;
    // Offsets of every tap from a window's top-left, for windows wholly inside the image.
    ptrdiff_t offset[MAX_TAPS];
    int direct_offsets = taps <= MAX_TAPS;
    if (direct_offsets) {
        for (ptrdiff_t ky = 0, t = 0; ky < s->kernel_h; ky++)
            for (ptrdiff_t kx = 0; kx < s->kernel_w; kx++)
                for (ptrdiff_t c = 0; c < s->channels; c++, t++)
                    offset[t] = ((ky * s->dilation_h) * s->in_w + kx * s->dilation_w) * s->channels + c;
    }
    for (ptrdiff_t p0 = pixel0; p0 < pixel0 + count; p0 += PIXELS) {
        const ptrdiff_t pixels = p0 + PIXELS <= pixel0 + count ? PIXELS : pixel0 + count - p0;
        window w[PIXELS];
        int all_inside = direct_offsets;
        place q = place_of(s, p0);
        for (ptrdiff_t p = 0; p < pixels; p++, advance(s, &q)) {
            w[p] = window_of(s, input, q);
            all_inside &= inside(s, w[p]);
        }
        const float *origin[PIXELS];
        if (all_inside) {
            for (ptrdiff_t p = 0; p < pixels; p++) origin[p] = w[p].image + (w[p].y * s->in_w + w[p].x) * s->channels;
        }
        for (ptrdiff_t col = 0; col < out_c; col += 32) {
            const ptrdiff_t left = out_c - col;
            const __mmask16 m0 = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
            const __mmask16 m1 = left >= 32 ? 0xFFFF : left > 16 ? (__mmask16)((1u << (left - 16)) - 1) : 0;
            __m512 acc0[PIXELS], acc1[PIXELS];
            for (ptrdiff_t p = 0; p < PIXELS; p++) acc0[p] = acc1[p] = _mm512_setzero_ps();
            const float *wt = weights + col;
            if (all_inside && pixels == PIXELS) {
                for (ptrdiff_t t = 0; t < taps; t++, wt += out_c) {
                    const __m512 w0 = _mm512_maskz_loadu_ps(m0, wt), w1 = _mm512_maskz_loadu_ps(m1, wt + 16);
                    const ptrdiff_t o = offset[t];
                    for (ptrdiff_t p = 0; p < PIXELS; p++) {
                        const __m512 x = _mm512_set1_ps(origin[p][o]);
                        acc0[p] = _mm512_fmadd_ps(x, w0, acc0[p]);
                        acc1[p] = _mm512_fmadd_ps(x, w1, acc1[p]);
                    }
                }
            } else {
                for (ptrdiff_t ky = 0; ky < s->kernel_h; ky++)
                    for (ptrdiff_t kx = 0; kx < s->kernel_w; kx++)
                        for (ptrdiff_t c = 0; c < s->channels; c++, wt += out_c) {
                            const __m512 w0 = _mm512_maskz_loadu_ps(m0, wt), w1 = _mm512_maskz_loadu_ps(m1, wt + 16);
                            for (ptrdiff_t p = 0; p < pixels; p++) {
                                const __m512 x = _mm512_set1_ps(tap_value(s, w[p], ky, kx, c));
                                acc0[p] = _mm512_fmadd_ps(x, w0, acc0[p]);
                                acc1[p] = _mm512_fmadd_ps(x, w1, acc1[p]);
                            }
                        }
            }
            for (ptrdiff_t p = 0; p < pixels; p++) {
                const ptrdiff_t row = p0 + p;
                float *out = output + row * out_c + col;
                _mm512_mask_storeu_ps(out, m0, zoo_epilogue_finish(acc0[p], e, row, col, m0));
                if (m1) _mm512_mask_storeu_ps(out + 16, m1, zoo_epilogue_finish(acc1[p], e, row, col + 16, m1));
            }
        }
    }
}
#else
void zoo_conv_direct(const zoo_im2col_shape *s, ptrdiff_t out_c, ptrdiff_t pixel0, ptrdiff_t count,
                     const float *input, const float *weights, float *output, const zoo_epilogue *e) {
    (void)s, (void)out_c, (void)pixel0, (void)count, (void)input, (void)weights, (void)output, (void)e;
}
#endif
