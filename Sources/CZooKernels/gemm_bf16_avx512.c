// bfloat16 GEMM for AVX512-BF16: VDPBF16PS multiplies pairs of bf16 values and adds both
// products to a float32 lane, so one instruction does 32 multiply-adds where an fp32 FMA does 16.
//
// The weights are packed once (per executor) into 32-column panels of depth pairs, the layout
// VDPBF16PS reads; the activations are rounded to bf16 per call, a block of rows x 256 depths at a
// time into a per-thread buffer, and reused for every column panel (or, by zoo_sgemm_bf16_rounded,
// rounded once by the caller for all its column blocks). As in the fp32 kernel, each
// output element is one chain of multiply-adds over the depth in order, so results do not depend
// on the row or column split, the batch size or the thread count.
#include "zoo_gemm_bf16.h"

#if defined(__x86_64__)
#include "bf16_rows.h"

enum {
    MR = ZOO_BF16_TILE_ROWS,  // rows per micro-tile: 28 accumulators + 2 weight vectors fit the 32 registers
    NR = 32,     // columns per panel: two 16-lane vectors
    KP = 128,    // depth pairs per block: a 128-pair panel slice is 16 KB, inside L1
    MC = 256,    // rows whose bf16 activations are kept at once (128 KB, inside L2)
};

int zoo_gemm_bf16_available(void) {
    __builtin_cpu_init();
    return zoo_gemm_available() && __builtin_cpu_supports("avx512bf16");
}

ZOO_BF16 void zoo_bf16_pack(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, uint16_t *packed) {
    ptrdiff_t pairs = (k + 1) / 2, stored = zoo_bf16_panel_pairs(k);
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
        ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
        uint16_t *panel = packed + (j0 / NR) * stored * 2 * NR;
        for (ptrdiff_t p = pairs; p < stored; p++) {  // the AMX kernel reads whole 16-pair tiles
            for (int i = 0; i < 2 * NR; i++) panel[p * 2 * NR + i] = 0;
        }
        for (ptrdiff_t p = 0; p < pairs; p++) {
            // Round two weight rows, then interleave them column by column.
            uint16_t even[NR], odd[NR];
            _mm512_storeu_si512(even, zoo_to_bf16(b + 2 * p * ldb + j0, cols));
            if (2 * p + 1 < k) {
                _mm512_storeu_si512(odd, zoo_to_bf16(b + (2 * p + 1) * ldb + j0, cols));
            } else {
                _mm512_storeu_si512(odd, _mm512_setzero_si512());
            }
            for (int col = 0; col < NR; col++) {
                panel[p * 2 * NR + 2 * col] = even[col];
                panel[p * 2 * NR + 2 * col + 1] = odd[col];
            }
        }
    }
}

// MARK: - Epilogue and micro-kernel

/// Adds R converted rows (`a`, `lda` words apart) times `kp` pairs of the panel slice `bp` onto c's
/// R x 32 tile; `accumulate` starts from c's values (`sums`, when set: from those float32 partial
/// sums, NR apart, instead), `last` applies the epilogue before storing,
/// as bf16 when the epilogue says `store_bf16` (`out16`: c then points at uint16 values, and the
/// block is the whole depth, so there are no float32 partial sums to keep).
/// `next` (as long as `bp`'s slice) is requested into L2 along the way: the slice the next panel's
/// tiles will read.
ZOO_BF16 static inline __attribute__((always_inline)) void
micro(const int R, const int out16, ptrdiff_t kp, const uint32_t *a, ptrdiff_t lda, const uint16_t *bp,
      const uint16_t *next, void *c, ptrdiff_t ldc, __mmask16 m0, __mmask16 m1, int accumulate, const float *sums,
      int last, const zoo_epilogue *e, ptrdiff_t row0, ptrdiff_t col0) {
    float *cf = c;
    uint16_t *ch = c;
    const ptrdiff_t row_bytes = ldc * (out16 ? 2 : 4);
    __m512 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        if (sums) {
            acc0[r] = _mm512_load_ps(sums + r * NR);
            acc1[r] = _mm512_load_ps(sums + r * NR + 16);
        } else {
            acc0[r] = accumulate && !out16 ? _mm512_maskz_loadu_ps(m0, cf + r * ldc) : _mm512_setzero_ps();
            acc1[r] = accumulate && !out16 ? _mm512_maskz_loadu_ps(m1, cf + r * ldc + 16) : _mm512_setzero_ps();
        }
    }
    if (last) zoo_prefetch_epilogue_rows(R, kp, (const char *)c, row_bytes, e, row0, col0);
    for (ptrdiff_t p = 0; p < kp; p++) {
        if (last && p < R) zoo_prefetch_epilogue_row((const char *)c, row_bytes, e, row0, col0, p);
        _mm_prefetch((const char *)(next + p * 2 * NR), _MM_HINT_T1);
        _mm_prefetch((const char *)(next + p * 2 * NR + NR), _MM_HINT_T1);
        __m512bh b0 = (__m512bh)_mm512_load_si512(bp + p * 2 * NR);
        __m512bh b1 = (__m512bh)_mm512_load_si512(bp + p * 2 * NR + NR);
#pragma clang loop unroll(full)
        for (int r = 0; r < R; r++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)a[r * lda + p]);
            acc0[r] = _mm512_dpbf16_ps(acc0[r], av, b0);
            acc1[r] = _mm512_dpbf16_ps(acc1[r], av, b1);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        __m512 v0 = acc0[r], v1 = acc1[r];
        if (last) {
            v0 = zoo_epilogue_finish(v0, e, row0 + r, col0, m0);
            v1 = zoo_epilogue_finish(v1, e, row0 + r, col0 + 16, m1);
        }
        if (out16) {
            __m512i both = (__m512i)_mm512_cvtne2ps_pbh(v1, v0);
            // A masked store to a whole line is slower than a plain one (Zen 5).
            if (m1 == 0xFFFF) _mm512_storeu_si512(ch + r * ldc, both);
            else _mm512_mask_storeu_epi16(ch + r * ldc, (__mmask32)m0 | ((__mmask32)m1 << 16), both);
        } else {
            _mm512_mask_storeu_ps(cf + r * ldc, m0, v0);
            _mm512_mask_storeu_ps(cf + r * ldc + 16, m1, v1);
        }
    }
}

#define MICRO_CASE(R) \
    case R: \
        if (out16) micro(R, 1, kp, a, lda, bp, next, c, ldc, m0, m1, 0, sums, 1, e, row0, col0); \
        else micro(R, 0, kp, a, lda, bp, next, c, ldc, m0, m1, accumulate, sums, last, e, row0, col0); \
        break;

ZOO_BF16 static void micro_rows(int rows, int out16, ptrdiff_t kp, const uint32_t *a, ptrdiff_t lda, const uint16_t *bp,
                                const uint16_t *next, void *c, ptrdiff_t ldc, __mmask16 m0, __mmask16 m1,
                                int accumulate, const float *sums, int last, const zoo_epilogue *e, ptrdiff_t row0,
                                ptrdiff_t col0) {
    switch (rows) {
        MICRO_CASE(1) MICRO_CASE(2) MICRO_CASE(3) MICRO_CASE(4) MICRO_CASE(5) MICRO_CASE(6) MICRO_CASE(7)
        MICRO_CASE(8) MICRO_CASE(9) MICRO_CASE(10) MICRO_CASE(11) MICRO_CASE(12) MICRO_CASE(13) MICRO_CASE(14)
        default: break;
    }
}

// MARK: - Driver

/// One block of rows and depths: rows `a` (bf16 pairs, `lda` apart, positioned at the block's
/// first depth pair) times every panel of the block's `kp` pairs, onto c. Weights mostly come
/// from memory (each is read once per image at batch 1), and the hardware prefetchers fetched
/// them only as the first row tile asked: that tile waits for memory while the others compute.
/// So the first row tile of each panel requests the next panel's slice (after the last panel,
/// the first panel's next depth block), a whole panel ahead.
ZOO_BF16 static void block(ptrdiff_t mc, ptrdiff_t n, ptrdiff_t kp, ptrdiff_t stored, ptrdiff_t p0, const uint32_t *a,
                           ptrdiff_t lda, const uint16_t *packed, void *c, ptrdiff_t ldc, int accumulate, int last,
                           const zoo_epilogue *e, ptrdiff_t row0) {
    const int out16 = e->store_bf16 != 0;
    const size_t size = out16 ? 2 : 4;
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
        ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
        const uint16_t *bp = packed + ((j0 / NR) * stored + p0) * 2 * NR;
        const uint16_t *next = j0 + NR < n ? bp + stored * 2 * NR
                             : p0 + 2 * kp <= stored ? packed + (p0 + kp) * 2 * NR : bp;
        __mmask16 m0 = zoo_lane_mask(cols), m1 = zoo_lane_mask(cols - 16);
        for (ptrdiff_t r0 = 0; r0 < mc; r0 += MR) {
            int r = (int)(mc - r0 < MR ? mc - r0 : MR);
            micro_rows(r, out16, kp, a + r0 * lda, lda, bp, r0 == 0 ? next : bp, (char *)c + (r0 * ldc + j0) * size, ldc,
                       m0, m1, accumulate, NULL, last, e, row0 + r0, j0);
        }
    }
}

ZOO_BF16 int zoo_sgemm_bf16(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                            const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return 0;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    if (e->store_bf16) return -1;  // only the _rounded entry stores bf16
    uint32_t *rows = zoo_bf16_rows_buffer(MC * KP);
    if (rows == NULL) return -1;
    const ptrdiff_t pairs = (k + 1) / 2, stored = zoo_bf16_panel_pairs(k);
    const ptrdiff_t blocks = pairs > 0 ? pairs : 1;  // k == 0 still runs one (empty) block for the epilogue
    for (ptrdiff_t i0 = 0; i0 < m; i0 += MC) {
        ptrdiff_t mc = m - i0 < MC ? m - i0 : MC;
        for (ptrdiff_t p0 = 0; p0 < blocks; p0 += KP) {
            ptrdiff_t kp = pairs - p0 < KP ? pairs - p0 : KP;
            if (kp < 0) kp = 0;
            zoo_bf16_rows(mc, 2 * p0, kp, k, a + i0 * lda, lda, rows, KP);
            block(mc, n, kp, stored, p0, rows, KP, packed, c + i0 * ldc, ldc, p0 > 0, p0 + KP >= blocks, e, i0);
        }
    }
    return 0;
}

ZOO_BF16 void zoo_sgemm_bf16_rounded(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const uint32_t *a, ptrdiff_t lda,
                                     const uint16_t *packed, void *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    const ptrdiff_t pairs = (k + 1) / 2, stored = zoo_bf16_panel_pairs(k);
    const ptrdiff_t blocks = pairs > 0 ? pairs : 1;
    // bf16 output has no float32 partial sums to come back to: one block of the whole depth (its
    // panel slices, up to 256 KB, are read from L2 rather than L1).
    const ptrdiff_t depth_block = e->store_bf16 ? blocks : KP;
    const size_t size = e->store_bf16 ? 2 : 4;
    for (ptrdiff_t i0 = 0; i0 < m; i0 += MC) {
        ptrdiff_t mc = m - i0 < MC ? m - i0 : MC;
        for (ptrdiff_t p0 = 0; p0 < blocks; p0 += depth_block) {
            ptrdiff_t kp = pairs - p0 < depth_block ? pairs - p0 : depth_block;
            if (kp < 0) kp = 0;
            block(mc, n, kp, stored, p0, a + i0 * lda + p0, lda, packed, (char *)c + i0 * ldc * size, ldc, p0 > 0,
                  p0 + depth_block >= blocks, e, i0);
        }
    }
}

/// One tile of zoo_sgemm_bf16_windows: R windows (`lda` apart) times the panel slice `bp`, a run
/// (kernel row) at a time. Each run but the last leaves its float32 partial sums in `sums` (in L1);
/// the next starts from them, the last applies the epilogue and stores to c. The sums go through
/// memory between runs: one loop over all the runs, the run's pointer moving at each end, made
/// clang spill accumulators to the stack on every step (0.65x the speed).
ZOO_BF16 static void windows_tile(int rows, int out16, ptrdiff_t runs, ptrdiff_t kp, ptrdiff_t run_words,
                                  const uint32_t *a, ptrdiff_t lda, const uint16_t *bp, const uint16_t *next, void *c,
                                  ptrdiff_t ldc, __mmask16 m0, __mmask16 m1, const zoo_epilogue *e, ptrdiff_t row0,
                                  ptrdiff_t col0, float *sums) {
    for (ptrdiff_t s = 0; s + 1 < runs; s++) {
        micro_rows(rows, 0, kp, a + s * run_words, lda, bp + s * kp * 2 * NR, next + s * kp * 2 * NR, sums, NR,
                   0xFFFF, 0xFFFF, 0, s > 0 ? sums : NULL, 0, e, row0, col0);
    }
    const ptrdiff_t s = runs - 1;
    micro_rows(rows, out16, kp, a + s * run_words, lda, bp + s * kp * 2 * NR, next + s * kp * 2 * NR, c, ldc, m0, m1, 0,
               runs > 1 ? sums : NULL, 1, e, row0, col0);
}

ZOO_BF16 void zoo_sgemm_bf16_windows(ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w, ptrdiff_t n, ptrdiff_t segments,
                                     ptrdiff_t segment_pairs, const uint32_t *a, ptrdiff_t lda, ptrdiff_t row_words,
                                     ptrdiff_t segment_words, const uint16_t *packed, void *c, ptrdiff_t ldc,
                                     const zoo_epilogue *epilogue) {
    if (count <= 0 || n <= 0) return;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    const int out16 = e->store_bf16 != 0;
    const size_t size = out16 ? 2 : 4;
    const ptrdiff_t stored = zoo_bf16_panel_pairs(2 * segments * segment_pairs);
    float sums[MR * NR] __attribute__((aligned(64)));
    // Each panel of the whole depth in turn, reused by every tile; tiles stop at the end of an output row.
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
        ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
        const uint16_t *bp = packed + (j0 / NR) * stored * 2 * NR;
        const uint16_t *next = j0 + NR < n ? bp + stored * 2 * NR : bp;
        __mmask16 m0 = zoo_lane_mask(cols), m1 = zoo_lane_mask(cols - 16);
        for (ptrdiff_t i = 0, rows, window; i < count; i += rows) {
            rows = zoo_window_tile(i, count, first, out_w, MR, lda, row_words, &window);
            windows_tile((int)rows, out16, segments, segment_pairs, segment_words, a + window, lda, bp, i == 0 ? next : bp,
                         (char *)c + (i * ldc + j0) * size, ldc, m0, m1, e, i, j0, sums);
        }
    }
}

ZOO_BF16 void zoo_bf16_round_rows(ptrdiff_t rows, ptrdiff_t k, const float *a, ptrdiff_t lda, uint32_t *dst,
                                  ptrdiff_t ldd) {
    zoo_bf16_rows(rows, 0, zoo_bf16_panel_pairs(k), k, a, lda, dst, ldd);
}

#else  // not x86-64: no bf16 kernel; the dispatch never calls the functions below.

#include <stdlib.h>

int zoo_gemm_bf16_available(void) { return 0; }

void zoo_bf16_pack(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, uint16_t *packed) {
    (void)k, (void)n, (void)b, (void)ldb, (void)packed;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

int zoo_sgemm_bf16(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                   const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)packed, (void)c, (void)ldc, (void)epilogue;
    return -1;
}

void zoo_sgemm_bf16_rounded(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const uint32_t *a, ptrdiff_t lda,
                            const uint16_t *packed, void *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)packed, (void)c, (void)ldc, (void)epilogue;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

void zoo_sgemm_bf16_windows(ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w, ptrdiff_t n, ptrdiff_t segments,
                            ptrdiff_t segment_pairs, const uint32_t *a, ptrdiff_t lda, ptrdiff_t row_words,
                            ptrdiff_t segment_words, const uint16_t *packed, void *c, ptrdiff_t ldc,
                            const zoo_epilogue *epilogue) {
    (void)count, (void)first, (void)out_w, (void)n, (void)segments, (void)segment_pairs, (void)a, (void)lda,
        (void)row_words, (void)segment_words, (void)packed, (void)c, (void)ldc, (void)epilogue;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

void zoo_bf16_round_rows(ptrdiff_t rows, ptrdiff_t k, const float *a, ptrdiff_t lda, uint32_t *dst, ptrdiff_t ldd) {
    (void)rows, (void)k, (void)a, (void)lda, (void)dst, (void)ldd;
    abort();  // unreachable: zoo_gemm_bf16_available() is 0
}

#endif
