#ifndef ZOO_BLAS_H
#define ZOO_BLAS_H
#include <stddef.h>

/// c[m,n] = a[m,k] x b[k,n], row-major with leading dimensions lda, ldb, ldc: the portable GEMM.
/// OpenBLAS does it, opened (not linked) on the first call, with its own threads off: linked, its
/// constructor starts a thread per CPU that spins in every zoo process, used or not, against our
/// workers. Where no OpenBLAS can be opened, a plain loop does it (slowly) after one line on stderr.
void zoo_blas_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                    const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

/// The fallback zoo_blas_sgemm uses without OpenBLAS: the same product by a plain loop (k > 0).
void zoo_plain_sgemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                     const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

/// The kernel set OpenBLAS chose ("SkylakeX", "Haswell"), opening it if needed; NULL without OpenBLAS.
const char *zoo_blas_core_name(void);

#endif
