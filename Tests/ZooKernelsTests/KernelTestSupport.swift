import ZooKernels

/// Thread counts every threaded kernel is run with: inline, the machine's two cores, and more
/// workers than cores. All must give identical bits.
let threadCounts = [1, 2, 5]

/// Every activation, with non-default parameters where it has any.
let allActivations: [Activation] = [
    .none, .relu, .relu6, .clip(min: -0.5, max: 1.5), .leakyRelu(alpha: 0.1), .sigmoid,
    .hardSigmoid(alpha: 0.2, beta: 0.5), .hardSwish,
    .kerasReLU(maxValue: 6, negativeSlope: 0.1, threshold: -0.5),
    .kerasReLU(maxValue: nil, negativeSlope: 0, threshold: 0.25),
]

/// Calls `body` with the array's base address, or nil for a nil array.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Floats in an output buffer that no kernel should write: NaN everywhere means
/// "never written", so a skipped element fails the comparison.
func unwritten(_ count: Int) -> [Float] { [Float](repeating: .nan, count: count) }

func bitsEqual(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// The kernel paths of the twin tests. Each test runs every path this CPU has against the float64
/// reference; a path the CPU lacks is a separate test, skipped by name with the reason.
extension KernelOptions {
    /// Every AVX-512 path (needs `CPUFeatures.avx512`).
    static let avx512 = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512)
    /// Winograd's transforms with the BLAS doing its 36 GEMMs (needs `CPUFeatures.avx512`).
    static let winogradWithBLAS = KernelOptions(gemm: .portable, winograd: .avx512, depthwise: .portable)
    /// The AVX512-BF16 GEMM (needs `CPUFeatures.avx512BF16`); depthwise stays float32 AVX-512.
    static let avx512BF16 = KernelOptions(gemm: .avx512, winograd: .off, depthwise: .avx512, precision: .bf16, bf16: .avx512)
    /// `avx512BF16` with Winograd on: its transforms stay float32, its activations may be bf16.
    static let avx512BF16Winograd = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512, precision: .bf16, bf16: .avx512)
    /// The AMX-BF16 GEMM (needs `CPUFeatures.amxBF16`); depthwise stays float32 AVX-512.
    static let amxBF16 = KernelOptions(gemm: .avx512, winograd: .avx512, depthwise: .avx512, precision: .bf16, bf16: .amx)
}

let noAVX512 = "this CPU has no AVX-512 (F, BW, DQ, VL): the AVX-512 paths cannot run here"
let noBF16 = "this CPU has no AVX512-BF16: the bf16 GEMM cannot run here"
let noAMX = "this CPU (or OS) has no AMX-BF16 tiles: the AMX GEMM cannot run here"

/// The float64 reference's inputs for a bf16 kernel: each value rounded to bfloat16 as the kernel
/// rounds it, so the comparison measures the kernel's float32 accumulation, not bf16's precision.
func bf16Rounded(_ values: [Float]) -> [Float] { values.map(roundedToBF16) }

/// A float32 buffer of `values.count` floats whose first half holds `values` as bf16 (each must be
/// bf16-exact), the rest NaN, so a kernel writing or reading past the bf16 values shows.
func bf16Slot(_ values: [Float]) -> [Float] {
    let bits = values.map { value in
        precondition(roundedToBF16(value).bitPattern == value.bitPattern, "\(value) is not a bf16 value")
        return UInt16(value.bitPattern >> 16)
    }
    var slot = unwritten(values.count)
    slot.withUnsafeMutableBytes { raw in bits.withUnsafeBytes { raw.copyMemory(from: $0) } }
    return slot
}

/// The first `count` bf16 values of a slot (`bf16Slot`'s layout), widened to float32.
func widenedSlot(_ slot: [Float], count: Int) -> [Float] {
    slot.withUnsafeBytes { raw in raw.bindMemory(to: UInt16.self).prefix(count).map { Float(bitPattern: UInt32($0) << 16) } }
}
