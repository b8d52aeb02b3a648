// The 3x3 undilated depthwise rows (the MobileNet case), included twice by depthwise_avx512.c: once
// storing float32 on AVX-512, once storing bf16 (the rows a fused block's AVX512-BF16 projection
// reads, zoo_depthwise_row_bf16), whose conversion needs that target. Before including, define
// ZOO_DW_NAME(f) (the functions' names), ZOO_DW_TARGET, ZOO_DW_OUT (the output's element type) and
// ZOO_DW_STORE(p, mask, v) (stores 16 lanes). Output pixels are OS elements apart.

/// P neighbouring output pixels of one 16-channel block at stride SW, every column of their windows
/// inside the image and the kernel rows [kh_lo, kh_hi) too;
/// `x` is the first pixel's window corner, `w` the block's nine weight vectors. Each input column
/// of a kernel row is loaded once and used by every pixel whose window holds it (P + 2 loads per
/// kernel row at stride 1 instead of 3P): with one load per multiply-add the loads, not the FMA
/// units, were the limit (a quarter of the FMA peak, even in L1). P chains hide the FMA latency.
/// Each pixel's taps are summed in kh, kw order, as at the edges, so a pixel's bits do not
/// depend on the path it took.
ZOO_DW_TARGET static inline __attribute__((always_inline)) void
ZOO_DW_NAME(pixels_3x3)(const int P, const int SW, const float *x, ptrdiff_t row_stride, ptrdiff_t C, const __m512 *w,
                        ptrdiff_t kh_lo, ptrdiff_t kh_hi, __mmask16 mask, ZOO_DW_OUT *out, ptrdiff_t OS,
                        const zoo_epilogue *e, const float *residual, ptrdiff_t c) {
    enum { MAX_P = 8, MAX_COLUMNS = (MAX_P - 1) * 2 + 3 };
    __m512 acc[MAX_P];
#pragma clang loop unroll(full)
    for (int j = 0; j < P; j++) acc[j] = _mm512_setzero_ps();
#pragma clang loop unroll(full)
    for (int kh = 0; kh < 3; kh++) {
        if (kh < kh_lo || kh >= kh_hi) continue;  // a kernel row above or below the image
        __m512 column[MAX_COLUMNS];
        // One pointer stepped column by column; the empty asm hides its value from the optimiser,
        // which otherwise keeps 3 x 10 column addresses live, spills them, and reloads one from
        // the stack for every vector load.
        const float *p = x + kh * row_stride;
#pragma clang loop unroll(full)
        for (int q = 0; q < (P - 1) * SW + 3; q++) {
            __asm__("" : "+r"(p));
            column[q] = _mm512_maskz_loadu_ps(mask, p);
            p += C;
        }
#pragma clang loop unroll(full)
        for (int kw = 0; kw < 3; kw++) {
#pragma clang loop unroll(full)
            for (int j = 0; j < P; j++) acc[j] = _mm512_fmadd_ps(column[j * SW + kw], w[kh * 3 + kw], acc[j]);
        }
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < P; j++) {
        const float *r = residual ? residual + j * e->ldr : NULL;
        ZOO_DW_STORE(out + j * OS, mask, finish(acc[j], e, r, c, mask));
    }
}

/// P pixels from `ow` (all inside the image), every channel block of them before the next group,
/// so the three input rows and the output row are walked in memory order, which the prefetchers
/// follow (one block across the whole row instead touched a new cache line at every load: from
/// memory, at batch 8, 2-3x slower). The block's weights are loaded per group: nine loads for 9P
/// multiply-adds. The rows the next output row adds (one at stride 1, two at stride 2) are
/// requested a whole row ahead, so they come from L2, not memory, when that row runs.
ZOO_DW_TARGET static inline __attribute__((always_inline)) void
ZOO_DW_NAME(group_3x3)(const int P, const int SW, ptrdiff_t ow, const float *image_row, ptrdiff_t pad_left,
                       ptrdiff_t row_stride, ptrdiff_t C, const float *weights, ptrdiff_t kh_lo, ptrdiff_t kh_hi,
                       ZOO_DW_OUT *out, ptrdiff_t OS, const zoo_epilogue *e, int prefetch_rows) {
    const float *x = image_row + (ow * SW - pad_left) * C;
    const float *residual = e->residual ? e->residual + ow * e->ldr : NULL;
    for (ptrdiff_t c = 0; c < C; c += 16) {
        __mmask16 mask = C - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (C - c)) - 1);
        __m512 w[9];
#pragma clang loop unroll(full)
        for (int t = 0; t < 9; t++) w[t] = _mm512_maskz_loadu_ps(mask, weights + t * C + c);
        if (prefetch_rows) {
#pragma clang loop unroll(full)
            for (int j = 0; j < P * SW; j++) {
                const float *next = x + c + 3 * row_stride + j * C;
                _mm_prefetch((const char *)next, _MM_HINT_T0);
                if (SW == 2) _mm_prefetch((const char *)(next + row_stride), _MM_HINT_T0);
            }
        }
        ZOO_DW_NAME(pixels_3x3)(P, SW, x + c, row_stride, C, w, kh_lo, kh_hi, mask, out + ow * OS + c, OS, e, residual, c);
    }
}

/// The pixels [ow, end), all inside the image: groups of 8, then 4, 2 and 1 (stride 2: of 4,
/// whose columns fill as many registers as 8 at stride 1).
ZOO_DW_TARGET static inline __attribute__((always_inline)) void
ZOO_DW_NAME(interior_3x3)(const int SW, ptrdiff_t ow, ptrdiff_t end, const float *image_row, ptrdiff_t pad_left,
                          ptrdiff_t row_stride, ptrdiff_t C, const float *weights, ptrdiff_t kh_lo, ptrdiff_t kh_hi,
                          ZOO_DW_OUT *out, ptrdiff_t OS, const zoo_epilogue *e, int prefetch_rows) {
#define ZOO_DW_GROUPS(P) \
    for (; ow + P <= end; ow += P) \
        ZOO_DW_NAME(group_3x3)(P, SW, ow, image_row, pad_left, row_stride, C, weights, kh_lo, kh_hi, out, OS, e, prefetch_rows)
    if (SW == 1) ZOO_DW_GROUPS(8);
    ZOO_DW_GROUPS(4);
    ZOO_DW_GROUPS(2);
    ZOO_DW_GROUPS(1);
#undef ZOO_DW_GROUPS
}

/// 3x3 undilated, the MobileNet case: pixels whose window's columns lie inside the image (all but
/// the first and last one or two) go through `interior_3x3`, with the kernel rows clipped on the
/// top and bottom rows; the left and right edges go one pixel at a time with their taps clipped.
ZOO_DW_TARGET static void ZOO_DW_NAME(row_3x3)(const zoo_depthwise_shape *s, ptrdiff_t oh, const float *image,
                                               const float *weights, ZOO_DW_OUT *out, ptrdiff_t OS,
                                               const zoo_epilogue *epilogue) {
    // A copy the stores to `out` cannot alias: its fields stay in registers instead of being
    // reloaded, with their tests, for every stored vector.
    const zoo_epilogue local = *epilogue, *e = &local;
    const ptrdiff_t C = s->channels, W = s->in_w, sw = s->stride_w, pad = s->pad_left;
    ptrdiff_t ih0 = oh * s->stride_h - s->pad_top, kh_lo, kh_hi;
    taps(ih0, 3, 1, s->in_h, &kh_lo, &kh_hi);
    // The interior: output columns whose three input columns are all inside the image.
    ptrdiff_t first = 0, last = s->out_w;
    while (first < s->out_w && first * sw - pad < 0) first++;
    while (last > first && (last - 1) * sw - pad + 3 > W) last--;
    const float *image_row = image + ih0 * W * C;
    const int prefetch_rows = ih0 + 2 + sw < s->in_h;
    if (sw == 1) {
        ZOO_DW_NAME(interior_3x3)(1, first, last, image_row, pad, W * C, C, weights, kh_lo, kh_hi, out, OS, e, prefetch_rows);
    } else if (sw == 2) {
        ZOO_DW_NAME(interior_3x3)(2, first, last, image_row, pad, W * C, C, weights, kh_lo, kh_hi, out, OS, e, prefetch_rows);
    } else {
        first = last;  // other strides: every pixel by the edge loop below
    }
    for (ptrdiff_t ow = 0; ow < s->out_w; ow++) {
        if (ow == first && first < last) ow = last;  // the interior is done
        if (ow >= s->out_w) break;
        ptrdiff_t iw0 = ow * sw - pad, kw_lo, kw_hi;
        taps(iw0, 3, 1, W, &kw_lo, &kw_hi);
        const float *residual = e->residual ? e->residual + ow * e->ldr : NULL;
        for (ptrdiff_t c = 0; c < C; c += 16) {
            __mmask16 mask = C - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (C - c)) - 1);
            __m512 acc = _mm512_setzero_ps();
            for (ptrdiff_t kh = kh_lo; kh < kh_hi; kh++) {
                for (ptrdiff_t kw = kw_lo; kw < kw_hi; kw++) {
                    const float *x = image + ((ih0 + kh) * W + iw0 + kw) * C + c;
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, x),
                                          _mm512_maskz_loadu_ps(mask, weights + (kh * 3 + kw) * C + c), acc);
                }
            }
            ZOO_DW_STORE(out + ow * OS + c, mask, finish(acc, e, residual, c, mask));
        }
    }
}
