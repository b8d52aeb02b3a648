// Single-precision GEMM for AVX-512 with the conv/dense epilogue fused into the final store.
//
// Why our own and not OpenBLAS: OpenBLAS repacks the whole weight matrix on every call, and a
// conv calls it once per row tile, so at batch 1 a quarter of the time went into copying
// weights. Here each 256 x 32 weight panel is copied once per call into a per-thread buffer
// (contiguous, so power-of-two row strides cannot thrash the caches) and used for every row of
// the call; the activation rows (a) are read in place. Weights streamed from memory (few rows
// per image) can instead be packed once into those panels (zoo_sgemm_pack_panels) and read in
// place, the next panel requested while this one is multiplied.
//
// Every output element is one chain of fused multiply-adds over k in order, whatever the block
// sizes, row count or column split, so results do not depend on the batch size or thread count.
#include "zoo_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "epilogue_avx512.h"

enum {
    MR = ZOO_GEMM_TILE_ROWS,  // rows per micro-tile: 28 accumulators + 2 weight vectors fit the 32 registers
    NR = 32,          // columns per micro-tile: two 16-float vectors
    KC = 256,         // depth per block: a 256 x 32 weight panel is 32 KB, inside L1
    SMALL_M = 4,      // up to this many rows, stream weight rows instead (batch-1 classifiers)
};

int zoo_gemm_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("fma");
}

// MARK: - Per-thread packing buffer

static pthread_key_t pack_key;
static pthread_once_t pack_once = PTHREAD_ONCE_INIT;

static void make_pack_key(void) { pthread_key_create(&pack_key, free); }

static float *pack_buffer(void) {
    pthread_once(&pack_once, make_pack_key);
    float *buffer = pthread_getspecific(pack_key);
    if (buffer == NULL) {
        buffer = aligned_alloc(64, sizeof(float) * KC * NR);
        if (buffer != NULL && pthread_setspecific(pack_key, buffer) != 0) {
            free(buffer);
            buffer = NULL;
        }
    }
    return buffer;
}

static inline __mmask16 lane_mask(ptrdiff_t lanes) {
    if (lanes >= 16) return 0xFFFF;
    if (lanes <= 0) return 0;
    return (__mmask16)((1u << lanes) - 1);
}

/// Copies depth [0, kc) x columns [0, cols) of `b` into a contiguous [kc][NR] panel; columns
/// past `cols` are zeros. Weights mostly come from memory, one 128-byte piece per row and a new
/// page every row or so, which hardware prefetchers do not follow: the next panel's rows are
/// requested here, to arrive while this panel is multiplied.
ZOO_AVX512 static void pack_panel(ptrdiff_t kc, ptrdiff_t cols, const float *b, ptrdiff_t ldb, float *dst) {
    __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
    for (ptrdiff_t p = 0; p < kc; p++) {
        _mm_prefetch((const char *)(b + p * ldb + NR), _MM_HINT_T1);
        _mm_prefetch((const char *)(b + p * ldb + NR + 16), _MM_HINT_T1);
        _mm512_store_ps(dst + p * NR, _mm512_maskz_loadu_ps(m0, b + p * ldb));
        _mm512_store_ps(dst + p * NR + 16, _mm512_maskz_loadu_ps(m1, b + p * ldb + 16));
    }
}

// MARK: - Micro-kernel: R rows x 32 columns

/// Adds a's R rows x kc times the packed panel `bp` ([kc][NR]) onto c's R x 32 tile, requesting the
/// panel slice `next` ([kc][NR]) into L2 meanwhile. With `accumulate` the
/// tile's current values start the sums (continuing the same multiply-add chain); with `last`
/// the epilogue is applied before the store. `row0` and `col0` place the tile for the epilogue.
ZOO_AVX512 static inline __attribute__((always_inline)) void
micro(const int R, ptrdiff_t kc, const float *a, ptrdiff_t lda, const float *bp, const float *next,
      float *c, ptrdiff_t ldc, __mmask16 m0, __mmask16 m1, int accumulate, int last,
      const zoo_epilogue *e, ptrdiff_t row0, ptrdiff_t col0) {
    __m512 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        if (accumulate) {
            acc0[r] = _mm512_maskz_loadu_ps(m0, c + r * ldc);
            acc1[r] = _mm512_maskz_loadu_ps(m1, c + r * ldc + 16);
        } else {
            acc0[r] = _mm512_setzero_ps();
            acc1[r] = _mm512_setzero_ps();
        }
    }
    if (last) zoo_prefetch_epilogue_rows(R, kc, (const char *)c, 4 * ldc, e, row0, col0);
    for (ptrdiff_t p = 0; p < kc; p++) {
        if (last && p < R) zoo_prefetch_epilogue_row((const char *)c, 4 * ldc, e, row0, col0, p);
        // `next`'s row p, into L2: the panel the next tiles read (bp itself when there is none).
        _mm_prefetch((const char *)(next + p * NR), _MM_HINT_T1);
        _mm_prefetch((const char *)(next + p * NR + 16), _MM_HINT_T1);
        __m512 b0 = _mm512_load_ps(bp + p * NR);
        __m512 b1 = _mm512_load_ps(bp + p * NR + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < R; r++) {
            __m512 av = _mm512_set1_ps(a[r * lda + p]);
            acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);
            acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        __m512 v0 = acc0[r], v1 = acc1[r];
        if (last) {
            v0 = zoo_epilogue_finish(v0, e, row0 + r, col0, m0);
            v1 = zoo_epilogue_finish(v1, e, row0 + r, col0 + 16, m1);
        }
        _mm512_mask_storeu_ps(c + r * ldc, m0, v0);
        _mm512_mask_storeu_ps(c + r * ldc + 16, m1, v1);
    }
}

#define MICRO_CASE(R) \
    case R: micro(R, kc, a, lda, bp, next, c, ldc, m0, m1, accumulate, last, e, row0, col0); break;

ZOO_AVX512 static void micro_rows(int rows, ptrdiff_t kc, const float *a, ptrdiff_t lda, const float *bp, const float *next,
                                  float *c, ptrdiff_t ldc, __mmask16 m0, __mmask16 m1, int accumulate, int last,
                                  const zoo_epilogue *e, ptrdiff_t row0, ptrdiff_t col0) {
    switch (rows) {
        MICRO_CASE(1) MICRO_CASE(2) MICRO_CASE(3) MICRO_CASE(4) MICRO_CASE(5) MICRO_CASE(6) MICRO_CASE(7)
        MICRO_CASE(8) MICRO_CASE(9) MICRO_CASE(10) MICRO_CASE(11) MICRO_CASE(12) MICRO_CASE(13) MICRO_CASE(14)
        default: break;
    }
}

// MARK: - Few rows: stream each weight row once

/// For m <= SMALL_M the weights dominate: they are read once, row after row, each row's piece
/// of the block contiguous (memory bandwidth is the limit, so the access pattern is what
/// matters), multiplied into every output row while in registers. The sums build up in `c`
/// itself, four weight rows per pass, in the same order as `blocked` adds them.
ZOO_AVX512 static void small_m(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                               const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, const zoo_epilogue *e) {
    for (ptrdiff_t r = 0; r < m; r++) {
        for (ptrdiff_t j = 0; j < n; j += 16) _mm512_mask_storeu_ps(c + r * ldc + j, lane_mask(n - j), _mm512_setzero_ps());
    }
    ptrdiff_t p = 0;
    for (; p + 4 <= k; p += 4) {
        const float *b0 = b + p * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
        for (ptrdiff_t j = 0; j < n; j += 16) {
            __mmask16 mask = lane_mask(n - j);
            __m512 w0 = _mm512_maskz_loadu_ps(mask, b0 + j), w1 = _mm512_maskz_loadu_ps(mask, b1 + j);
            __m512 w2 = _mm512_maskz_loadu_ps(mask, b2 + j), w3 = _mm512_maskz_loadu_ps(mask, b3 + j);
            for (ptrdiff_t r = 0; r < m; r++) {
                const float *ar = a + r * lda + p;
                float *cr = c + r * ldc + j;
                __m512 acc = _mm512_maskz_loadu_ps(mask, cr);
                acc = _mm512_fmadd_ps(_mm512_set1_ps(ar[0]), w0, acc);
                acc = _mm512_fmadd_ps(_mm512_set1_ps(ar[1]), w1, acc);
                acc = _mm512_fmadd_ps(_mm512_set1_ps(ar[2]), w2, acc);
                acc = _mm512_fmadd_ps(_mm512_set1_ps(ar[3]), w3, acc);
                _mm512_mask_storeu_ps(cr, mask, acc);
            }
        }
    }
    for (; p < k; p++) {
        const float *b0 = b + p * ldb;
        for (ptrdiff_t j = 0; j < n; j += 16) {
            __mmask16 mask = lane_mask(n - j);
            __m512 w0 = _mm512_maskz_loadu_ps(mask, b0 + j);
            for (ptrdiff_t r = 0; r < m; r++) {
                float *cr = c + r * ldc + j;
                __m512 acc = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + p]), w0, _mm512_maskz_loadu_ps(mask, cr));
                _mm512_mask_storeu_ps(cr, mask, acc);
            }
        }
    }
    for (ptrdiff_t r = 0; r < m; r++) {
        for (ptrdiff_t j = 0; j < n; j += 16) {
            __mmask16 mask = lane_mask(n - j);
            float *cr = c + r * ldc + j;
            _mm512_mask_storeu_ps(cr, mask, zoo_epilogue_finish(_mm512_maskz_loadu_ps(mask, cr), e, r, j, mask));
        }
    }
}

// MARK: - Driver

/// The weights either row-major (`b`, copied panel by panel into `buffer`) or packed once
/// (`panels`, read in place; `b` unused). With packed panels the first row tile of each panel
/// requests the next panel's slice (after the last, the first panel's next depth block): the
/// hardware prefetchers only fetched a panel as its first tile asked for it, and that tile waited
/// for memory while the others computed (measured 1.4x faster at 49 rows, weights from memory).
ZOO_AVX512 static void blocked(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                               const float *b, ptrdiff_t ldb, const float *panels, float *c, ptrdiff_t ldc,
                               const zoo_epilogue *e, float *buffer) {
    ptrdiff_t depth = k > 0 ? k : 1;  // k == 0 still runs one (empty) block to write the epilogue
    for (ptrdiff_t k0 = 0; k0 < depth; k0 += KC) {
        ptrdiff_t kc = k - k0 < KC ? k - k0 : KC;
        if (kc < 0) kc = 0;
        int accumulate = k0 > 0, last = k0 + KC >= depth;
        for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
            ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
            const float *bp, *next;
            if (panels) {
                bp = panels + (j0 / NR) * k * NR + k0 * NR;
                next = j0 + NR < n ? bp + k * NR : k0 + KC < k ? panels + (k0 + KC) * NR : bp;
            } else {
                pack_panel(kc, cols, b + k0 * ldb + j0, ldb, buffer);
                bp = next = buffer;
            }
            __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
            for (ptrdiff_t i0 = 0; i0 < m; i0 += MR) {
                int rows = (int)(m - i0 < MR ? m - i0 : MR);
                micro_rows(rows, kc, a + i0 * lda + k0, lda, bp, i0 == 0 ? next : bp, c + i0 * ldc + j0, ldc,
                           m0, m1, accumulate, last, e, i0, j0);
            }
        }
    }
}

int zoo_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *b,
              ptrdiff_t ldb, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return 0;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    if (m <= SMALL_M) {
        small_m(m, n, k, a, lda, b, ldb, c, ldc, e);
        return 0;
    }
    float *buffer = pack_buffer();
    if (buffer == NULL) return -1;
    blocked(m, n, k, a, lda, b, ldb, NULL, c, ldc, e, buffer);
    return 0;
}

ptrdiff_t zoo_sgemm_panels_count(ptrdiff_t k, ptrdiff_t n) { return (n + NR - 1) / NR * NR * k; }

ZOO_AVX512 void zoo_sgemm_pack_panels(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, float *panels) {
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
        ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
        __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
        float *panel = panels + (j0 / NR) * k * NR;
        for (ptrdiff_t p = 0; p < k; p++) {
            _mm512_storeu_ps(panel + p * NR, _mm512_maskz_loadu_ps(m0, b + p * ldb + j0));
            _mm512_storeu_ps(panel + p * NR + 16, _mm512_maskz_loadu_ps(m1, b + p * ldb + j0 + 16));
        }
    }
}

void zoo_sgemm_packed(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *panels,
                      float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    if (m <= SMALL_M) {
        // Few rows: stream the weights row by row as zoo_sgemm does, panel by panel ([k][32] each).
        for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
            ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
            zoo_epilogue block = *e;
            if (block.bias) block.bias += j0;
            if (block.residual) block.residual += j0;
            small_m(m, cols, k, a, lda, panels + (j0 / NR) * k * NR, NR, c + j0, ldc, &block);
        }
        return;
    }
    blocked(m, n, k, a, lda, NULL, 0, panels, c, ldc, e, NULL);
}

/// Depth blocks of at most KC that stay inside one run (a window's kernel row), the run's pointer
/// moving at each run's start; every panel of a block in turn, reused by all the pixels' tiles,
/// which stop at the end of an output row. As in `blocked`, the sums build up in c block by block.
ZOO_AVX512 void zoo_sgemm_windows(ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w, ptrdiff_t n, ptrdiff_t segments,
                                  ptrdiff_t segment_length, const float *a, ptrdiff_t lda, ptrdiff_t row_stride,
                                  ptrdiff_t segment_stride, const float *panels, float *c, ptrdiff_t ldc,
                                  const zoo_epilogue *epilogue) {
    if (count <= 0 || n <= 0) return;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    const ptrdiff_t k = segments * segment_length;
    for (ptrdiff_t k0 = 0; k0 < k;) {
        const ptrdiff_t s = k0 / segment_length, in_run = k0 - s * segment_length;
        ptrdiff_t kc = segment_length - in_run < KC ? segment_length - in_run : KC;
        const int accumulate = k0 > 0, last = k0 + kc >= k;
        for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
            ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
            const float *bp = panels + (j0 / NR) * k * NR + k0 * NR;
            const float *next = j0 + NR < n ? bp + k * NR : last ? bp : panels + (k0 + kc) * NR;
            __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
            for (ptrdiff_t i = 0, rows, window; i < count; i += rows) {
                rows = zoo_window_tile(i, count, first, out_w, MR, lda, row_stride, &window);
                micro_rows((int)rows, kc, a + window + s * segment_stride + in_run, lda, bp, i == 0 ? next : bp,
                           c + i * ldc + j0, ldc, m0, m1, accumulate, last, e, i, j0);
            }
        }
        k0 += kc;
    }
}

#else  // not x86-64: no AVX-512; the dispatch takes the portable path (BLAS) instead.

#include <stdlib.h>

int zoo_gemm_available(void) { return 0; }

ptrdiff_t zoo_sgemm_panels_count(ptrdiff_t k, ptrdiff_t n) { return (n + 31) / 32 * 32 * k; }

void zoo_sgemm_pack_panels(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, float *panels) {
    (void)k, (void)n, (void)b, (void)ldb, (void)panels;
    abort();  // unreachable: zoo_gemm_available() is 0
}

void zoo_sgemm_packed(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *panels,
                      float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)panels, (void)c, (void)ldc, (void)epilogue;
    abort();  // unreachable: zoo_gemm_available() is 0
}

void zoo_sgemm_windows(ptrdiff_t count, ptrdiff_t first, ptrdiff_t out_w, ptrdiff_t n, ptrdiff_t segments,
                       ptrdiff_t segment_length, const float *a, ptrdiff_t lda, ptrdiff_t row_stride,
                       ptrdiff_t segment_stride, const float *panels, float *c, ptrdiff_t ldc,
                       const zoo_epilogue *epilogue) {
    (void)count, (void)first, (void)out_w, (void)n, (void)segments, (void)segment_length, (void)a, (void)lda,
        (void)row_stride, (void)segment_stride, (void)panels, (void)c, (void)ldc, (void)epilogue;
    abort();  // unreachable: zoo_gemm_available() is 0
}

int zoo_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *b,
              ptrdiff_t ldb, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)c, (void)ldc, (void)epilogue;
    return -1;  // unreachable (zoo_gemm_available() is 0); -1 sends a caller to BLAS anyway
}

#endif
