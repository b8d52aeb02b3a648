// The portable GEMM: OpenBLAS on Linux, opened at its first use (zoo_blas.h says why it is not
// linked), Accelerate on macOS (where OpenBLAS is not a system library). Only this file knows which.
#if canImport(Accelerate)
import Accelerate
#else
import CZooKernels
#endif

enum BLAS {
    /// c[m,n] = a[m,k] x b[k,n], all row-major with the given leading dimensions.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        #if canImport(Accelerate)
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) }
            return
        }
        if m == 1 {
            // One row is a matrix-vector product; sgemv streams the weights once.
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), 1, b, Int32(ldb), a, 1, 0, c, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                        1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
        }
        #else
        zoo_blas_sgemm(m, n, k, a, lda, b, ldb, c, ldc)
        #endif
    }

    /// "OpenBLAS SkylakeX", "Accelerate", or the plain loop's name where no OpenBLAS opens.
    static var name: String {
        #if canImport(Accelerate)
        "Accelerate"
        #else
        zoo_blas_core_name().map { "OpenBLAS \(String(cString: $0))" } ?? "plain loop (no OpenBLAS)"
        #endif
    }
}

/// What the portable BLAS and the kernels are doing, for `zoo bench` and diagnostics.
public enum BLASInfo {
    /// The CPU kernel set OpenBLAS chose when it loaded, e.g. "SkylakeX" or "Haswell" (the
    /// library's name elsewhere). In VMs that hide the CPU model OpenBLAS can fall back to
    /// "Prescott" (SSE3, ~3-4x slower GEMM); setting `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`)
    /// in the environment before launch fixes that.
    public static var coreName: String {
        #if canImport(Accelerate)
        BLAS.name
        #else
        zoo_blas_core_name().map { String(cString: $0) } ?? BLAS.name
        #endif
    }

    /// Which code multiplies with `kernels`, for reports: "zoo AVX-512, Winograd F(4x4,3x3)",
    /// "zoo AVX-512" (Winograd off), "zoo AMX-BF16", "zoo AVX512-BF16" or "OpenBLAS <core>".
    public static func gemmKernel(_ kernels: KernelOptions = .default) -> String {
        let kernels = kernels.runnable
        if kernels.precision == .bf16 {
            return kernels.bf16 == .amx ? "zoo AMX-BF16 (fp32 accumulate)" : "zoo AVX512-BF16 (fp32 accumulate)"
        }
        guard kernels.gemm == .avx512 else { return BLAS.name }
        return kernels.winograd == .avx512 ? "zoo AVX-512, Winograd F(4x4,3x3)" : "zoo AVX-512"
    }
}
