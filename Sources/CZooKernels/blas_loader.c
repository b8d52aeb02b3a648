// The portable GEMM's OpenBLAS, opened at first use (see zoo_blas.h for why it is not linked).
#include "zoo_blas.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__linux__)
#include <dlfcn.h>
#include <pthread.h>

// The CBLAS entry points we call, declared here so building needs no OpenBLAS headers.
// Debian's and most distributions' libopenblas.so.0 use 32-bit integers (LP64).
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*sgemv_fn)(int order, int trans, int m, int n, float alpha, const float *a, int lda,
                         const float *x, int incx, float beta, float *y, int incy);
typedef void (*set_threads_fn)(int threads);
typedef char *(*core_name_fn)(void);

static struct {
    pthread_once_t once;
    sgemm_fn sgemm;
    sgemv_fn sgemv;
    core_name_fn core_name;
} blas = {.once = PTHREAD_ONCE_INIT};

static void open_blas(void) {
    // Read by OpenBLAS's constructor: with it, no thread is ever started. A user's own value
    // stays, and is overruled just below.
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !library; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library) {
        sgemm_fn sgemm = (sgemm_fn)dlsym(library, "cblas_sgemm");
        sgemv_fn sgemv = (sgemv_fn)dlsym(library, "cblas_sgemv");
        set_threads_fn set_threads = (set_threads_fn)dlsym(library, "openblas_set_num_threads");
        if (sgemm && sgemv) {
            if (set_threads) set_threads(1);  // our workers do the threading
            blas.sgemm = sgemm;
            blas.sgemv = sgemv;
            blas.core_name = (core_name_fn)dlsym(library, "openblas_get_corename");
            return;
        }
    }
    fprintf(stderr, "zoo: OpenBLAS (libopenblas.so.0) could not be opened; this CPU's GEMM runs a plain "
                    "loop, several times slower: install OpenBLAS (Debian: libopenblas0)\n");
}

static int have_blas(void) {
    pthread_once(&blas.once, open_blas);
    return blas.sgemm != NULL;
}

const char *zoo_blas_core_name(void) {
    return have_blas() && blas.core_name ? blas.core_name() : NULL;
}
#else
static int have_blas(void) { return 0; }
const char *zoo_blas_core_name(void) { return NULL; }
#endif

// Row by row, k outer so b and c stream (the compiler vectorises the inner loop).
void zoo_plain_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                        const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        for (ptrdiff_t j = 0; j < n; j++) row[j] = 0;
        for (ptrdiff_t p = 0; p < k; p++) {
            float x = a[i * lda + p];
            const float *w = b + p * ldb;
            for (ptrdiff_t j = 0; j < n; j++) row[j] += x * w[j];
        }
    }
}

void zoo_blas_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                    const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) c[i * ldc + j] = 0;
        return;
    }
#if defined(__linux__)
    if (have_blas()) {
        if (m == 1) {
            // One row is a matrix-vector product; sgemv streams the weights once.
            blas.sgemv(ROW_MAJOR, TRANS, (int)k, (int)n, 1, b, (int)ldb, a, 1, 0, c, 1);
        } else {
            blas.sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, (int)m, (int)n, (int)k, 1, a, (int)lda, b, (int)ldb, 0, c, (int)ldc);
        }
        return;
    }
#else
    (void)have_blas;
#endif
    zoo_plain_sgemm(m, n, k, a, lda, b, ldb, c, ldc);
}
