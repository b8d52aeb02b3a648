public enum Dense {
    /// output[rows,out] = act(input[rows,in] x weights[in,out] + bias[out] + residual[rows,out])
    /// `output` must not overlap `input` or `residual`.
    public static func run(rows: Int, inFeatures: Int, outFeatures: Int, input: UnsafePointer<Float>,
                           weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                           activation: Activation, output: UnsafeMutablePointer<Float>, threads: Int) {
        // Few rows (batch-1 classifiers) are split by column blocks inside GEMM.run.
        GEMM.run(m: rows, n: outFeatures, k: inFeatures, a: input, lda: inFeatures,
                 b: weights, ldb: outFeatures, c: output, ldc: outFeatures,
                 epilogue: Epilogue(bias: bias, residual: residual, ldr: outFeatures, activation: activation),
                 threads: threads)
    }
}
