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
}
