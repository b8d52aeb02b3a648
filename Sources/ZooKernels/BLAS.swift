// The portable GEMM: OpenBLAS on Linux, Accelerate on macOS (where OpenBLAS is not a system
// library). Only this file knows which one is linked.
#if canImport(COpenBLAS)
import COpenBLAS
typealias BLASInt = blasint
#elseif canImport(Accelerate)
import Accelerate
typealias BLASInt = Int32
#endif

enum BLAS {
    /// Our workers do the threading; OpenBLAS threads on top would oversubscribe the cores.
    static let singleThreaded: Bool = {
        #if canImport(COpenBLAS)
        openblas_set_num_threads(1)
        #endif
        return true
    }()

    /// c[m,n] = a[m,k] x b[k,n], all row-major with the given leading dimensions.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) }
            return
        }
        if m == 1 {
            // One row is a matrix-vector product; sgemv streams the weights once.
            cblas_sgemv(CblasRowMajor, CblasTrans, BLASInt(k), BLASInt(n), 1, b, BLASInt(ldb),
                        a, 1, 0, c, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, BLASInt(m), BLASInt(n), BLASInt(k),
                        1, a, BLASInt(lda), b, BLASInt(ldb), 0, c, BLASInt(ldc))
        }
    }

    /// "OpenBLAS SkylakeX", "Accelerate".
    static var name: String {
        #if canImport(COpenBLAS)
        "OpenBLAS \(String(cString: openblas_get_corename()))"
        #else
        "Accelerate"
        #endif
    }
}

/// What the linked BLAS and the kernels are doing, for `zoo bench` and diagnostics.
public enum BLASInfo {
    /// The CPU kernel set OpenBLAS chose when it loaded, e.g. "SkylakeX" or "Haswell" (the
    /// library's name elsewhere). In VMs that hide the CPU model OpenBLAS can fall back to
    /// "Prescott" (SSE3, ~3-4x slower GEMM); setting `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`)
    /// in the environment before launch fixes that.
    public static var coreName: String {
        #if canImport(COpenBLAS)
        String(cString: openblas_get_corename())
        #else
        BLAS.name
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
