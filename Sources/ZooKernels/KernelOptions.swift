#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZooKernels
import ZooTensor

/// Which implementation each kernel uses. An executor is built with one value and hands it to
/// every kernel call, so two executors in one process can run different paths (the tests run
/// every path this CPU has against the float64 references in one `swift test`).
///
/// A value may ask for a path the CPU lacks; `runnable` replaces each such path with the one
/// that runs here, and kernels only ever see runnable values.
public struct KernelOptions: Sendable, Hashable, CustomStringConvertible {
    /// Who multiplies matrices: our AVX-512 kernel with its fused epilogue, or the portable BLAS
    /// (OpenBLAS on Linux, Accelerate on macOS) followed by a Swift epilogue.
    public enum GEMMPath: String, Sendable, CaseIterable { case avx512, portable }
    /// 3x3 stride-1 convolutions by Winograd F(4x4, 3x3) (AVX-512 transforms), or by im2col.
    public enum WinogradPath: String, Sendable, CaseIterable { case avx512, off }
    /// Depthwise convolutions (channel multiplier 1) by the AVX-512 kernel, or the SIMD Swift loop.
    public enum DepthwisePath: String, Sendable, CaseIterable { case avx512, portable }
    /// The arithmetic of convolutions and dense layers: float32 throughout, or bfloat16 weights and
    /// activations multiplied with float32 accumulation (`bf16` says on which unit).
    public enum Precision: String, Sendable, CaseIterable { case fp32, bf16 }
    /// Which unit multiplies at bf16 precision: the AMX tiles (`TDPBF16PS`, Sapphire Rapids and
    /// later) or the AVX512-BF16 vector instruction (`VDPBF16PS`, also Zen 4 and Cooper Lake).
    /// Both read the same packed weights.
    public enum BF16Path: String, Sendable, CaseIterable { case amx, avx512 }

    /// Which GEMM convolutions and dense layers use.
    public var gemm: GEMMPath
    /// Whether 3x3 stride-1 convolutions go through Winograd.
    public var winograd: WinogradPath
    /// Which depthwise kernel runs.
    public var depthwise: DepthwisePath
    /// float32 or bfloat16 arithmetic for convolutions and dense layers.
    public var precision: Precision
    /// The bf16 unit; only read when `precision` is bf16.
    public var bf16: BF16Path

    /// A selection of paths; see `runnable` for what runs where one is missing.
    public init(gemm: GEMMPath, winograd: WinogradPath, depthwise: DepthwisePath, precision: Precision = .fp32,
                bf16: BF16Path = .amx) {
        self.gemm = gemm
        self.winograd = winograd
        self.depthwise = depthwise
        self.precision = precision
        self.bf16 = bf16
    }

    /// The fastest float32 paths this CPU runs.
    public static let best: KernelOptions = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512).runnable

    /// The paths that run on any CPU: BLAS, im2col, the Swift depthwise loop, float32 (and, should
    /// bf16 be asked of it, the bf16 unit every bf16 CPU has).
    public static let portable = KernelOptions(gemm: .portable, winograd: .off, depthwise: .portable, bf16: .avx512)

    /// What an executor uses unless told otherwise: `best`, except where the environment asks
    /// for a slower path to compare (`ZOO_GEMM=openblas`: every kernel portable, as before the
    /// paths were per executor; `ZOO_WINOGRAD=0`: 3x3 convolutions by im2col) or for
    /// `ZOO_PRECISION=bf16`.
    public static let `default`: KernelOptions = {
        var options = best
        if environmentVariable("ZOO_GEMM") == "openblas" { options = portable }
        if environmentVariable("ZOO_WINOGRAD") == "0" { options.winograd = .off }
        if environmentVariable("ZOO_PRECISION") == "bf16" { options.precision = .bf16 }
        return options.runnable
    }()

    /// This value with every path the CPU lacks replaced by one that runs: AVX-512 paths by the
    /// portable ones, Winograd (whose transforms are AVX-512) off, AMX by AVX512-BF16, bf16 by fp32.
    public var runnable: KernelOptions {
        var options = self
        if !Self.isAvailable(gemm) { options.gemm = .portable }
        if !Self.isAvailable(winograd) { options.winograd = .off }
        if !Self.isAvailable(depthwise) { options.depthwise = .portable }
        if !Self.isAvailable(precision) { options.precision = .fp32 }
        if !Self.isAvailable(bf16) { options.bf16 = .avx512 }
        return options
    }

    /// Whether this CPU (and OS) runs the path.
    public static func isAvailable(_ path: GEMMPath) -> Bool { path == .portable || CPUFeatures.avx512 }
    /// Whether this CPU (and OS) runs the path.
    public static func isAvailable(_ path: WinogradPath) -> Bool { path == .off || CPUFeatures.avx512 }
    /// Whether this CPU (and OS) runs the path.
    public static func isAvailable(_ path: DepthwisePath) -> Bool { path == .portable || CPUFeatures.avx512 }
    /// Whether this CPU (and OS) runs the precision.
    public static func isAvailable(_ precision: Precision) -> Bool { precision == .fp32 || CPUFeatures.avx512BF16 }
    /// Whether this CPU (and OS) runs the bf16 unit.
    public static func isAvailable(_ path: BF16Path) -> Bool {
        path == .amx ? CPUFeatures.amxBF16 : CPUFeatures.avx512BF16
    }

    /// Whether convolutions and dense layers multiply on the AMX tiles.
    var usesAMX: Bool { precision == .bf16 && bf16 == .amx }

    /// The line to print when `requested` asks for bf16 and this CPU has no bf16 unit; nil otherwise.
    public static func unavailableNote(requested: KernelOptions) -> String? {
        guard requested.precision == .bf16, !isAvailable(Precision.bf16) else { return nil }
        return "bf16 was asked for, but this CPU has neither AMX-BF16 nor AVX512-BF16: running fp32"
    }

    /// "gemm avx512, winograd off, depthwise avx512, fp32", or "..., bf16 amx"
    public var description: String {
        let arithmetic = precision == .bf16 ? "bf16 \(bf16.rawValue)" : precision.rawValue
        return "gemm \(gemm.rawValue), winograd \(winograd.rawValue), depthwise \(depthwise.rawValue), \(arithmetic)"
    }
}

/// The instruction sets the kernels choose between, asked once of the CPU and OS.
public enum CPUFeatures {
    /// AVX-512 F, BW, DQ, VL and FMA, with the OS saving the registers: our fp32 kernels.
    public static let avx512: Bool = zoo_gemm_available() != 0
    /// AVX512-BF16 (`VDPBF16PS`, Zen 4, Cooper Lake, Sapphire Rapids) on top of `avx512`.
    public static let avx512BF16: Bool = zoo_gemm_bf16_available() != 0
    /// AMX-TILE and AMX-BF16 with the tile state granted to this process (asked of Linux on first
    /// use), on top of `avx512BF16`.
    public static let amxBF16: Bool = zoo_gemm_bf16_amx_available() != 0
}
