package enum Dense {
    /// output[rows,out] = act(input[rows,in] x weights[in,out] + bias[out] + residual[rows,out])
    /// `output` must not overlap `input` or `residual`. `kernels` must be runnable; with
    /// `bf16Weights` (packed from `weights`) and bf16 precision, the product is taken in bfloat16;
    /// `scratch` holds `scratchCount(..., bf16: true)` floats then.
    package static func run(rows: Int, inFeatures: Int, outFeatures: Int, input: UnsafePointer<Float>,
                           weights: UnsafePointer<Float>, bf16Weights: BF16Weights? = nil,
                           bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                           activation: Activation, output: UnsafeMutablePointer<Float>,
                           scratch: UnsafeMutablePointer<Float>? = nil, threads: Int, kernels: KernelOptions) {
        // Few rows (batch-1 classifiers) are split by column blocks inside GEMM.run.
        GEMM.run(m: rows, n: outFeatures, k: inFeatures, a: input, lda: inFeatures,
                 b: weights, ldb: outFeatures, packed: bf16Weights, c: output, ldc: outFeatures,
                 epilogue: Epilogue(bias: bias, residual: residual, ldr: outFeatures, activation: activation),
                 scratch: scratch, threads: threads, kernels: kernels)
    }

    /// Floats of scratch `run` needs (the input rounded once to bf16 when the product is split
    /// into column blocks); 0 at fp32.
    package static func scratchCount(rows: Int, inFeatures: Int, outFeatures: Int, bf16: Bool) -> Int {
        bf16 ? GEMM.bf16ScratchCount(m: rows, n: outFeatures, k: inFeatures) : 0
    }
}
