/// Which of a bf16 GEMM convolution's activations are stored as bfloat16 rather than float32: the
/// input it multiplies, the residual its epilogue adds, the output it writes. Between two such
/// layers a value then moves half the bytes, and the next GEMM reads its operand as it stands
/// instead of rounding it again (the same bits it would have rounded to: the store rounds to
/// nearest even, as the GEMM's own rounding does). Only a residual read as bf16 changes results:
/// it was float32. The plan decides which values qualify (`ExecutionPlan`); the layout of a bf16
/// value is its float32 layout with 2-byte elements, in an arena slot of that size.
package struct BF16Activations: Sendable, Hashable {
    /// Input 0 holds bf16 (a 1x1 stride-1 convolution of an even channel count: its rows are the
    /// GEMM's rounded operand).
    package var input = false
    /// The residual holds bf16.
    package var residual = false
    /// The output is written as bf16.
    package var output = false

    package init(input: Bool = false, residual: Bool = false, output: Bool = false) {
        self.input = input
        self.residual = residual
        self.output = output
    }

    /// All float32.
    package static let none = BF16Activations()

    package var isNone: Bool { self == .none }

    /// What every layer that stores bf16 needs: bf16 precision on AVX512-BF16 (the AMX kernel writes
    /// float32 only), an activation its kernel applies before the store (a clamp, or none), and an
    /// even channel count, so the next GEMM reads whole depth pairs. Each kernel adds its own rules.
    package static func storable(outChannels: Int, activation: Activation, kernels: KernelOptions) -> Bool {
        kernels.precision == .bf16 && kernels.bf16 == .avx512 && outChannels % 2 == 0 && fusesActivation(activation)
    }

    /// Whether the kernels apply `activation` before the store (the bf16 store leaves no float32
    /// output for `applyActivation` to finish).
    static func fusesActivation(_ activation: Activation) -> Bool {
        activation == .none || activation.clampBounds != nil
    }
}
