// Winograd F(4x4, 3x3) transforms for AVX-512, 16 channels per vector (Lavin & Gray's
// matrices, interpolation points 0, +-1, +-2 and infinity). The GEMMs between them are the
// caller's. Each transform is applied down the columns of a tile, then along its rows.
#include "zoo_winograd.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

#include "epilogue_avx512.h"

static inline __mmask16 lanes(ptrdiff_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

/// r = B^T d for one column (or row) of a 6x6 input tile.
ZOO_AVX512 static inline void input_transform6(const __m512 d[6], __m512 r[6]) {
    const __m512 four = _mm512_set1_ps(4), five = _mm512_set1_ps(5), two = _mm512_set1_ps(2);
    __m512 d4_minus_d2 = _mm512_sub_ps(d[4], d[2]);
    __m512 d3_minus_d1 = _mm512_sub_ps(d[3], d[1]);
    __m512 s = _mm512_fnmadd_ps(four, d[2], d[4]);  // d4 - 4 d2
    __m512 q = _mm512_fnmadd_ps(four, d[1], d[3]);  // d3 - 4 d1
    r[0] = _mm512_fnmadd_ps(five, d[2], _mm512_fmadd_ps(four, d[0], d[4]));
    r[1] = _mm512_add_ps(s, q);
    r[2] = _mm512_sub_ps(s, q);
    r[3] = _mm512_fmadd_ps(two, d3_minus_d1, d4_minus_d2);
    r[4] = _mm512_fnmadd_ps(two, d3_minus_d1, d4_minus_d2);
    r[5] = _mm512_fnmadd_ps(five, d[3], _mm512_fmadd_ps(four, d[1], d[5]));
}

/// r = A^T m for one column (or row) of a 6x6 product tile.
ZOO_AVX512 static inline void output_transform6(const __m512 m[6], __m512 r[4]) {
    __m512 a = _mm512_add_ps(m[1], m[2]), b = _mm512_sub_ps(m[1], m[2]);
    __m512 c = _mm512_add_ps(m[3], m[4]), d = _mm512_sub_ps(m[3], m[4]);
    r[0] = _mm512_add_ps(_mm512_add_ps(m[0], a), c);
    r[1] = _mm512_fmadd_ps(_mm512_set1_ps(2), d, b);
    r[2] = _mm512_fmadd_ps(_mm512_set1_ps(4), c, a);
    r[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8), d, b), m[5]);
}

/// r = G g for one column (or row) of a 3x3 kernel.
ZOO_AVX512 static inline void weight_transform3(const __m512 g[3], __m512 r[6]) {
    __m512 outer = _mm512_add_ps(g[0], g[2]);
    r[0] = _mm512_mul_ps(_mm512_set1_ps(1.0f / 4), g[0]);
    r[1] = _mm512_mul_ps(_mm512_set1_ps(-1.0f / 6), _mm512_add_ps(outer, g[1]));
    r[2] = _mm512_mul_ps(_mm512_set1_ps(-1.0f / 6), _mm512_sub_ps(outer, g[1]));
    __m512 even = _mm512_fmadd_ps(_mm512_set1_ps(1.0f / 24), g[0], _mm512_mul_ps(_mm512_set1_ps(1.0f / 6), g[2]));
    __m512 odd = _mm512_mul_ps(_mm512_set1_ps(1.0f / 12), g[1]);
    r[3] = _mm512_add_ps(even, odd);
    r[4] = _mm512_sub_ps(even, odd);
    r[5] = g[2];
}

/// Where matrix xi's element (c, k) goes: row-major [36][C][K], or (`panels`) each matrix in the
/// AVX-512 GEMM's 32-column panels ([K/32][C][32], zoo_sgemm_pack_panels), `matrix` floats apart.
static inline ptrdiff_t weight_offset(int panels, ptrdiff_t matrix, ptrdiff_t xi, ptrdiff_t C, ptrdiff_t K, ptrdiff_t c,
                                      ptrdiff_t k) {
    return panels ? xi * matrix + (k / 32) * C * 32 + c * 32 + k % 32 : xi * C * K + c * K + k;
}

ZOO_AVX512 static void transform_weights(ptrdiff_t C, ptrdiff_t K, const float *w, float *u, int panels) {
    const ptrdiff_t plane = C * K, matrix = zoo_sgemm_panels_count(C, K);
    for (ptrdiff_t c = 0; c < C; c++) {
        for (ptrdiff_t k = 0; k < K; k += 16) {
            __mmask16 mask = lanes(K - k);
            const float *src = w + c * K + k;
            __m512 cols[3][6];  // cols[s] = G applied down kernel column s
            for (int s = 0; s < 3; s++) {
                __m512 g[3];
                for (int r = 0; r < 3; r++) g[r] = _mm512_maskz_loadu_ps(mask, src + (r * 3 + s) * plane);
                weight_transform3(g, cols[s]);
            }
            for (int i = 0; i < 6; i++) {
                __m512 g[3] = {cols[0][i], cols[1][i], cols[2][i]}, row[6];
                weight_transform3(g, row);
                for (int j = 0; j < 6; j++) {
                    float *dst = u + weight_offset(panels, matrix, i * 6 + j, C, K, c, k);
                    if (!panels) {
                        _mm512_mask_storeu_ps(dst, mask, row[j]);
                        continue;
                    }
                    // Whole vectors, zeros past K (the loads were); a panel's second half past K too.
                    _mm512_storeu_ps(dst, row[j]);
                    if (k % 32 == 0 && k + 16 >= K) _mm512_storeu_ps(dst + 16, _mm512_setzero_ps());
                }
            }
        }
    }
}

ZOO_AVX512 void zoo_winograd_weights(ptrdiff_t C, ptrdiff_t K, const float *w, float *u) {
    transform_weights(C, K, w, u, 0);
}

ZOO_AVX512 void zoo_winograd_weights_packed(ptrdiff_t C, ptrdiff_t K, const float *w, float *panels) {
    transform_weights(C, K, w, panels, 1);
}

/// 16 channels (`mask`) of the input at element `at`: float32, or (`stored`) bf16 widened.
ZOO_AVX512 static inline __attribute__((always_inline)) __m512 load_input(const void *input, const int stored,
                                                                          ptrdiff_t at, __mmask16 mask) {
    return stored ? zoo_load_bf16(mask, (const uint16_t *)input + at) : _mm512_maskz_loadu_ps(mask, (const float *)input + at);
}

ZOO_AVX512 static inline __attribute__((always_inline)) void
transform_input(const zoo_winograd_shape *s, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block, const void *input,
                const int stored, float *v) {
    const ptrdiff_t C = s->channels, per_image = s->tiles_h * s->tiles_w;
    for (ptrdiff_t t = t0; t < t1; t++) {
        ptrdiff_t n = t / per_image, th = (t % per_image) / s->tiles_w, tw = t % s->tiles_w;
        ptrdiff_t ih0 = th * 4 - s->pad_top, iw0 = tw * 4 - s->pad_left;
        const ptrdiff_t image = n * s->in_h * s->in_w * C;
        int inside[6][6];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                inside[i][j] = ih0 + i >= 0 && ih0 + i < s->in_h && iw0 + j >= 0 && iw0 + j < s->in_w;
            }
        }
        float *dst = v + (t - t0) * C;
        for (ptrdiff_t c = 0; c < C; c += 16) {
            __mmask16 mask = lanes(C - c);
            __m512 cols[6][6];  // cols[j] = B^T applied down input column j
            for (int j = 0; j < 6; j++) {
                __m512 d[6];
                for (int i = 0; i < 6; i++) {
                    d[i] = inside[i][j] ? load_input(input, stored, image + ((ih0 + i) * s->in_w + iw0 + j) * C + c, mask)
                                        : _mm512_setzero_ps();
                }
                input_transform6(d, cols[j]);
            }
            for (int i = 0; i < 6; i++) {
                __m512 d[6] = {cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i]}, row[6];
                input_transform6(d, row);
                for (int j = 0; j < 6; j++) _mm512_mask_storeu_ps(dst + (i * 6 + j) * block * C + c, mask, row[j]);
            }
        }
    }
}

ZOO_AVX512 void zoo_winograd_input(const zoo_winograd_shape *s, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                                   const float *input, float *v) {
    transform_input(s, t0, t1, block, input, 0, v);
}

ZOO_AVX512 void zoo_winograd_input_stored(const zoo_winograd_shape *s, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                                          const uint16_t *input, float *v) {
    transform_input(s, t0, t1, block, input, 1, v);
}

#define ZOO_WINOGRAD_OUTPUT output_float32
#define ZOO_WINOGRAD_OUTPUT_TARGET ZOO_AVX512
#define ZOO_WINOGRAD_OUTPUT_BF16 0
#include "winograd_output.h"
#undef ZOO_WINOGRAD_OUTPUT
#undef ZOO_WINOGRAD_OUTPUT_TARGET
#undef ZOO_WINOGRAD_OUTPUT_BF16

#define ZOO_WINOGRAD_OUTPUT output_bf16
#define ZOO_WINOGRAD_OUTPUT_TARGET ZOO_BF16
#define ZOO_WINOGRAD_OUTPUT_BF16 1
#include "winograd_output.h"

void zoo_winograd_output(const zoo_winograd_shape *s, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block, const float *m,
                         void *out, const zoo_epilogue *e) {
    if (e->store_bf16) output_bf16(s, t0, t1, block, m, out, e);
    else output_float32(s, t0, t1, block, m, out, e);
}

#else  // not x86-64: Winograd is off and 3x3 convolutions go through im2col.

#include <stdlib.h>

// Unreachable: zoo_gemm_available() is 0, so no executor chooses Winograd.
void zoo_winograd_weights(ptrdiff_t channels, ptrdiff_t out_channels, const float *w, float *u) {
    (void)channels, (void)out_channels, (void)w, (void)u;
    abort();
}

void zoo_winograd_weights_packed(ptrdiff_t channels, ptrdiff_t out_channels, const float *w, float *panels) {
    (void)channels, (void)out_channels, (void)w, (void)panels;
    abort();
}

void zoo_winograd_input(const zoo_winograd_shape *shape, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                        const float *input, float *v) {
    (void)shape, (void)t0, (void)t1, (void)block, (void)input, (void)v;
    abort();
}

void zoo_winograd_input_stored(const zoo_winograd_shape *shape, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                               const uint16_t *input, float *v) {
    (void)shape, (void)t0, (void)t1, (void)block, (void)input, (void)v;
    abort();
}

void zoo_winograd_output(const zoo_winograd_shape *shape, ptrdiff_t t0, ptrdiff_t t1, ptrdiff_t block,
                         const float *m, void *out, const zoo_epilogue *epilogue) {
    (void)shape, (void)t0, (void)t1, (void)block, (void)m, (void)out, (void)epilogue;
    abort();
}

#endif
