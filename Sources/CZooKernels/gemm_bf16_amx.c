// bfloat16 GEMM on the AMX tiles. TDPBF16PS multiplies a 16 x 32 bf16 tile of activations by a
// 32 x 16 bf16 tile of weights (16 depth pairs, each pair side by side) into a 16 x 16 float32
// tile: 8,192 multiply-adds per instruction, where VDPBF16PS does 32.
//
// It streams the same packed weights as the AVX512-BF16 kernel: a panel's 16-pair slice for 16
// columns is a tile whose rows are 128 bytes apart. The activations are rounded to bf16 a block of
// rows x 512 depths at a time into a per-thread buffer (rows as tile rows) and reused for every
// panel, or, by zoo_sgemm_bf16_amx_rounded, read from rows the caller rounded once for all its
// column blocks. Each 32 x 32 output block keeps four float32 tiles (2 x 2) across a depth block; the
// epilogue goes through a small float32 buffer on the way to the output. Each output element is
// one chain over the depth in a fixed order, so results do not depend on the row or column
// split, the batch size or the thread count.
#include "zoo_gemm_bf16.h"

#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bf16_rows.h"

#define ZOO_AMX __attribute__((target("amx-tile,amx-bf16,avx512f,avx512vl,avx512bw,avx512dq,fma,prfchw,avx512bf16")))

enum {
    TM = 16,   // rows of a tile
    TP = 16,   // depth pairs of an activation tile row (64 bytes)
    NR = 32,   // columns of a packed panel: two 16-column weight tiles
    KP = 256,  // depth pairs per block: a panel's slice is 32 KB, inside L1
    MC = 256,  // rows whose bf16 activations are kept at once (256 KB, inside L2)
};

// Linux's request for a dynamically enabled XSAVE feature (asm/prctl.h), and the feature number
// of the tile data: without the grant, the first tile instruction kills the process.
#define ZOO_ARCH_REQ_XCOMP_PERM 0x1023
#define ZOO_XFEATURE_XTILEDATA 18

static int tiles_granted;
static pthread_once_t tiles_once = PTHREAD_ONCE_INIT;

static void ask_for_tiles(void) {
    unsigned eax, ebx, ecx, edx;
    if (!zoo_gemm_bf16_available()) return;  // the activations are rounded with AVX512-BF16
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return;
    if (!((edx >> 22) & 1) || !((edx >> 24) & 1)) return;  // AMX-BF16, AMX-TILE
    // The OS must save the tile configuration and data (XCR0 bits 17 and 18).
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !((ecx >> 27) & 1)) return;  // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if (((lo >> 17) & 3) != 3) return;
    if (syscall(SYS_arch_prctl, ZOO_ARCH_REQ_XCOMP_PERM, ZOO_XFEATURE_XTILEDATA) != 0) return;
    tiles_granted = 1;
}

int zoo_gemm_bf16_amx_available(void) {
    pthread_once(&tiles_once, ask_for_tiles);
    return tiles_granted;
}

// MARK: - Tiles

/// LDTILECFG's 64-byte operand (palette 1).
typedef struct __attribute__((aligned(64))) {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tile_config;

// Tiles 0-3: the 2 x 2 float32 output tiles; 4, 5: activation tiles (rows 0-15, 16-31);
// 6, 7: weight tiles (columns 0-15, 16-31). Every tile is 16 rows of 64 bytes.
ZOO_AMX static void configure_tiles(void) {
    tile_config config = {0};
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.colsb[t] = 64;
        config.rows[t] = TM;
    }
    _tile_loadconfig(&config);
}

/// The `rows` x `cols` corner of c (rows ldc floats apart) into a 16 x 16 buffer, zeros elsewhere.
ZOO_AMX static void gather(float *buffer, const float *c, ptrdiff_t ldc, int rows, int cols) {
    __mmask16 mask = zoo_lane_mask(cols);
    for (int r = 0; r < TM; r++) {
        __m512 v = r < rows ? _mm512_maskz_loadu_ps(mask, c + r * ldc) : _mm512_setzero_ps();
        _mm512_store_ps(buffer + r * 16, v);
    }
}

/// The buffer's `rows` x `cols` corner into c, through the epilogue when `e` is given.
ZOO_AMX static void scatter(const float *buffer, float *c, ptrdiff_t ldc, int rows, int cols,
                            const zoo_epilogue *e, ptrdiff_t row0, ptrdiff_t col0) {
    __mmask16 mask = zoo_lane_mask(cols);
    for (int r = 0; r < rows && r < TM; r++) {
        __m512 v = _mm512_load_ps(buffer + r * 16);
        if (e) v = zoo_epilogue_finish(v, e, row0 + r, col0, mask);
        _mm512_mask_storeu_ps(c + r * ldc, mask, v);
    }
}

// Tile numbers are immediates, so each output tile's load and store is spelled out per tile.
#define LOAD_C(T, I, J)                                                                  \
    do {                                                                                 \
        if (!accumulate) {                                                               \
            _tile_zero(T);                                                               \
        } else if (rows - (I) * TM >= TM && cols - (J) * 16 >= 16) {                     \
            _tile_loadd(T, c + (I) * TM * ldc + (J) * 16, ldc * 4);                      \
        } else {                                                                         \
            gather(buffer, c + (I) * TM * ldc + (J) * 16, ldc, rows - (I) * TM, cols - (J) * 16); \
            _tile_loadd(T, buffer, 64);                                                  \
        }                                                                                \
    } while (0)

#define STORE_C(T, I, J)                                                                 \
    do {                                                                                 \
        float *out = c + (I) * TM * ldc + (J) * 16;                                      \
        if (!last && rows - (I) * TM >= TM && cols - (J) * 16 >= 16) {                   \
            _tile_stored(T, out, ldc * 4);                                               \
        } else {                                                                         \
            _tile_stored(T, buffer, 64);                                                 \
            scatter(buffer, out, ldc, rows - (I) * TM, cols - (J) * 16, last ? e : NULL, \
                    row0 + (I) * TM, col0 + (J) * 16);                                   \
        }                                                                                \
    } while (0)

/// Adds the converted rows `a` (`lda` words apart) times `steps` 16-pair slices of the panel `bp`
/// onto c's `rows` x `cols` block (RT row tiles, CT column tiles: at most 32 x 32);
/// `accumulate` starts from c's values, `last` applies the epilogue on the way out.
ZOO_AMX static inline __attribute__((always_inline)) void
micro(const int RT, const int CT, ptrdiff_t steps, const uint32_t *a, ptrdiff_t lda, const uint16_t *bp, float *c, ptrdiff_t ldc,
      int rows, int cols, int accumulate, int last, const zoo_epilogue *e, ptrdiff_t row0, ptrdiff_t col0) {
    float buffer[TM * 16] __attribute__((aligned(64)));
    LOAD_C(0, 0, 0);
    if (CT == 2) LOAD_C(1, 0, 1);
    if (RT == 2) LOAD_C(2, 1, 0);
    if (RT == 2 && CT == 2) LOAD_C(3, 1, 1);
    for (ptrdiff_t s = 0; s < steps; s++) {
        const uint16_t *slice = bp + s * TP * 2 * NR;
        _tile_loadd(4, a + s * TP, lda * 4);
        _tile_loadd(6, slice, 2 * NR * 2);
        if (CT == 2) _tile_loadd(7, slice + NR, 2 * NR * 2);
        if (RT == 2) _tile_loadd(5, a + TM * lda + s * TP, lda * 4);
        _tile_dpbf16ps(0, 4, 6);
        if (CT == 2) _tile_dpbf16ps(1, 4, 7);
        if (RT == 2) _tile_dpbf16ps(2, 5, 6);
        if (RT == 2 && CT == 2) _tile_dpbf16ps(3, 5, 7);
    }
    STORE_C(0, 0, 0);
    if (CT == 2) STORE_C(1, 0, 1);
    if (RT == 2) STORE_C(2, 1, 0);
    if (RT == 2 && CT == 2) STORE_C(3, 1, 1);
}

ZOO_AMX static void micro_block(ptrdiff_t steps, const uint32_t *a, ptrdiff_t lda, const uint16_t *bp, float *c, ptrdiff_t ldc,
                                int rows, int cols, int accumulate, int last, const zoo_epilogue *e,
                                ptrdiff_t row0, ptrdiff_t col0) {
    if (rows > TM) {
        if (cols > 16) micro(2, 2, steps, a, lda, bp, c, ldc, rows, cols, accumulate, last, e, row0, col0);
        else micro(2, 1, steps, a, lda, bp, c, ldc, rows, cols, accumulate, last, e, row0, col0);
    } else {
        if (cols > 16) micro(1, 2, steps, a, lda, bp, c, ldc, rows, cols, accumulate, last, e, row0, col0);
        else micro(1, 1, steps, a, lda, bp, c, ldc, rows, cols, accumulate, last, e, row0, col0);
    }
}

// MARK: - Driver

/// One block of rows and depths: rows `a` (bf16 pairs, `lda` apart, positioned at the block's
/// first depth pair) times every panel of the block's `kp` pairs, onto c.
ZOO_AMX static void block(ptrdiff_t mc, ptrdiff_t n, ptrdiff_t kp, ptrdiff_t stored, ptrdiff_t p0, const uint32_t *a,
                          ptrdiff_t lda, const uint16_t *packed, float *c, ptrdiff_t ldc, int accumulate, int last,
                          const zoo_epilogue *e, ptrdiff_t row0) {
    ptrdiff_t steps = (kp + TP - 1) / TP;
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
        int cols = (int)(n - j0 < NR ? n - j0 : NR);
        const uint16_t *bp = packed + ((j0 / NR) * stored + p0) * 2 * NR;
        for (ptrdiff_t r0 = 0; r0 < mc; r0 += 2 * TM) {
            int r = (int)(mc - r0 < 2 * TM ? mc - r0 : 2 * TM);
            micro_block(steps, a + r0 * lda, lda, bp, c + r0 * ldc + j0, ldc, r, cols, accumulate, last, e,
                        row0 + r0, j0);
        }
    }
}

ZOO_AMX int zoo_sgemm_bf16_amx(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                               const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return 0;
    if (!zoo_gemm_bf16_amx_available()) return -1;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    // Rows are read 32 at a time (rows past m are stale and their products dropped), so the
    // buffer holds MC rows of KP pairs in whole 16-pair tiles.
    uint32_t *rows = zoo_bf16_rows_buffer(MC * KP);
    if (rows == NULL) return -1;
    configure_tiles();
    const ptrdiff_t pairs = (k + 1) / 2, stored = zoo_bf16_panel_pairs(k);
    const ptrdiff_t blocks = pairs > 0 ? pairs : 1;  // k == 0 still runs one (empty) block for the epilogue
    for (ptrdiff_t i0 = 0; i0 < m; i0 += MC) {
        ptrdiff_t mc = m - i0 < MC ? m - i0 : MC;
        for (ptrdiff_t p0 = 0; p0 < blocks; p0 += KP) {
            ptrdiff_t kp = pairs - p0 < KP ? pairs - p0 : KP;
            if (kp < 0) kp = 0;
            // Pairs past k in the last 16-pair tile are zeros in both operands.
            zoo_bf16_rows(mc, 2 * p0, kp, k, a + i0 * lda, lda, rows, KP);
            block(mc, n, kp, stored, p0, rows, KP, packed, c + i0 * ldc, ldc, p0 > 0, p0 + KP >= blocks, e, i0);
        }
    }
    _tile_release();  // no tile state left for the OS to save at the next context switch
    return 0;
}

ZOO_AMX void zoo_sgemm_bf16_amx_rounded(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const uint32_t *a, ptrdiff_t lda,
                                        const uint16_t *packed, float *c, ptrdiff_t ldc,
                                        const zoo_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return;
    zoo_epilogue none = {NULL, NULL, 0, -INFINITY, INFINITY, NULL, 0};
    const zoo_epilogue *e = epilogue ? epilogue : &none;
    configure_tiles();
    const ptrdiff_t pairs = (k + 1) / 2, stored = zoo_bf16_panel_pairs(k);
    const ptrdiff_t blocks = pairs > 0 ? pairs : 1;
    // Row blocks of MC keep a block's output tiles and its weights' slice apart from the next.
    for (ptrdiff_t i0 = 0; i0 < m; i0 += MC) {
        ptrdiff_t mc = m - i0 < MC ? m - i0 : MC;
        for (ptrdiff_t p0 = 0; p0 < blocks; p0 += KP) {
            ptrdiff_t kp = pairs - p0 < KP ? pairs - p0 : KP;
            if (kp < 0) kp = 0;
            block(mc, n, kp, stored, p0, a + i0 * lda + p0, lda, packed, c + i0 * ldc, ldc, p0 > 0,
                  p0 + KP >= blocks, e, i0);
        }
    }
    _tile_release();
}

#else  // not x86-64 Linux: no AMX kernel; the dispatch never calls the ones below.

#include <stdlib.h>

int zoo_gemm_bf16_amx_available(void) { return 0; }

int zoo_sgemm_bf16_amx(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                       const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)packed, (void)c, (void)ldc, (void)epilogue;
    return -1;
}

void zoo_sgemm_bf16_amx_rounded(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const uint32_t *a, ptrdiff_t lda,
                                const uint16_t *packed, float *c, ptrdiff_t ldc, const zoo_epilogue *epilogue) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)packed, (void)c, (void)ldc, (void)epilogue;
    abort();  // unreachable: zoo_gemm_bf16_amx_available() is 0
}

#endif
