// The Winograd output stage (finishing tiles from the 36 products), included twice by
// winograd_avx512.c: once storing float32 on AVX-512, once storing bf16 (a value an AVX512-BF16 GEMM
// reads next, `zoo_epilogue.store_bf16`), whose conversion needs that target. Before including, define
// ZOO_WINOGRAD_OUTPUT (the function's name), ZOO_WINOGRAD_OUTPUT_TARGET and ZOO_WINOGRAD_OUTPUT_BF16.

ZOO_WINOGRAD_OUTPUT_TARGET static void ZOO_WINOGRAD_OUTPUT(const zoo_winograd_shape *s, ptrdiff_t t0, ptrdiff_t t1,
                                                           ptrdiff_t block, const float *m, void *out,
                                                           const zoo_epilogue *e) {
    const ptrdiff_t K = s->out_channels, per_image = s->tiles_h * s->tiles_w;
    const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi);
    const int clamp_lo = e->lo > -INFINITY, clamp_hi = e->hi < INFINITY;
    for (ptrdiff_t t = t0; t < t1; t++) {
        ptrdiff_t n = t / per_image, th = (t % per_image) / s->tiles_w, tw = t % s->tiles_w;
        ptrdiff_t oh0 = th * 4, ow0 = tw * 4;
        ptrdiff_t rows = s->out_h - oh0 < 4 ? s->out_h - oh0 : 4, cols = s->out_w - ow0 < 4 ? s->out_w - ow0 : 4;
        const float *src = m + (t - t0) * K;
        ptrdiff_t image_offset = n * s->out_h * s->out_w * K;
        for (ptrdiff_t k = 0; k < K; k += 16) {
            __mmask16 mask = lanes(K - k);
            __m512 cols_t[6][4];  // A^T applied down product column j
            for (int j = 0; j < 6; j++) {
                __m512 x[6];
                for (int i = 0; i < 6; i++) x[i] = _mm512_maskz_loadu_ps(mask, src + (i * 6 + j) * block * K + k);
                output_transform6(x, cols_t[j]);
            }
            __m512 bias = e->bias ? _mm512_maskz_loadu_ps(mask, e->bias + k) : _mm512_setzero_ps();
            for (ptrdiff_t r = 0; r < rows; r++) {
                __m512 x[6] = {cols_t[0][r], cols_t[1][r], cols_t[2][r], cols_t[3][r], cols_t[4][r], cols_t[5][r]};
                __m512 y[4];
                output_transform6(x, y);
                for (ptrdiff_t q = 0; q < cols; q++) {
                    ptrdiff_t at = image_offset + ((oh0 + r) * s->out_w + ow0 + q) * K + k;
                    __m512 acc = _mm512_add_ps(y[q], bias);
                    if (e->residual) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, e->residual + at));
                    if (e->residual_bf16) acc = _mm512_add_ps(acc, zoo_load_bf16(mask, e->residual_bf16 + at));
                    // The bound is the first operand: max/min return the second when either is NaN.
                    if (clamp_lo) acc = _mm512_max_ps(lo, acc);
                    if (clamp_hi) acc = _mm512_min_ps(hi, acc);
#if ZOO_WINOGRAD_OUTPUT_BF16
                    _mm256_mask_storeu_epi16((uint16_t *)out + at, mask, (__m256i)_mm512_cvtneps_pbh(acc));
#else
                    _mm512_mask_storeu_ps((float *)out + at, mask, acc);
#endif
                }
            }
        }
    }
}
