import Testing
import ZooKernels
import ZooTestSupport

struct DenseCase: CustomStringConvertible, Sendable {
    var rows: Int, inFeatures: Int, outFeatures: Int
    var activation = Activation.none
    var bias = true, residual = false

    var description: String {
        "dense \(rows)x\(inFeatures)->\(outFeatures) \(activation) bias:\(bias) res:\(residual)"
    }

    static let all: [DenseCase] = [
        DenseCase(rows: 1, inFeatures: 7, outFeatures: 5),
        DenseCase(rows: 3, inFeatures: 64, outFeatures: 10, activation: .relu, residual: true),
        DenseCase(rows: 17, inFeatures: 300, outFeatures: 33, bias: false),
        // Batch 1 with many outputs: split into column blocks, one matrix-vector product each.
        DenseCase(rows: 1, inFeatures: 512, outFeatures: 1000, activation: .sigmoid),
        DenseCase(rows: 1, inFeatures: 1280, outFeatures: 1001, bias: false, residual: true),
        DenseCase(rows: 3, inFeatures: 512, outFeatures: 1000),
        DenseCase(rows: 300, inFeatures: 96, outFeatures: 48, activation: .hardSwish),
        // Depth in three AMX blocks (the last partial, ending mid-tile), 16-column and odd edges.
        DenseCase(rows: 45, inFeatures: 1101, outFeatures: 70, activation: .relu, residual: true),
    ] + allActivations.map { DenseCase(rows: 2, inFeatures: 9, outFeatures: 7, activation: $0, residual: true) }
}

/// With `roundOnce` (bf16 only) the kernel gets its scratch, `scratchCount` floats followed by a
/// guard band that must come back untouched, and rounds the input once for all column blocks;
/// without, each block's kernel call rounds its rows itself.
func runDense(_ c: DenseCase, input: [Float], weights: [Float], bias: [Float]?, residual: [Float]?,
              threads: Int, kernels: KernelOptions = .portable, roundOnce: Bool = true) -> [Float] {
    var out = unwritten(c.rows * c.outFeatures)
    let guardBand = 64, sentinel: Float = 12345
    let needed = roundOnce ? Dense.scratchCount(rows: c.rows, inFeatures: c.inFeatures, outFeatures: c.outFeatures,
                                                bf16: kernels.precision == .bf16) : 0
    var scratch = unwritten(needed) + [Float](repeating: sentinel, count: guardBand)
    input.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
            let packed = kernels.precision == .bf16
                ? BF16Weights(weights: w.baseAddress!, depth: c.inFeatures, groupColumns: c.outFeatures) : nil
            withOptionalPointer(bias) { b in
                withOptionalPointer(residual) { r in
                    out.withUnsafeMutableBufferPointer { y in
                        scratch.withUnsafeMutableBufferPointer { s in
                            Dense.run(rows: c.rows, inFeatures: c.inFeatures, outFeatures: c.outFeatures,
                                      input: x.baseAddress!, weights: w.baseAddress!, bf16Weights: packed, bias: b,
                                      residual: r, activation: c.activation, output: y.baseAddress!,
                                      scratch: needed > 0 ? s.baseAddress! : nil, threads: threads, kernels: kernels)
                        }
                    }
                }
            }
        }
    }
    #expect(scratch.suffix(guardBand).allSatisfy { $0 == sentinel }, "dense wrote past its scratch: \(c)")
    return out
}

/// One case on one path against the float64 reference (of bf16-rounded inputs for bf16), and
/// the same bits for every thread count.
func checkDense(_ c: DenseCase, kernels: KernelOptions) {
    var rng = SeededRandom(seed: 7)
    let input = rng.floats(c.rows * c.inFeatures), weights = rng.floats(c.inFeatures * c.outFeatures)
    let bias = c.bias ? rng.floats(c.outFeatures) : nil
    let residual = c.residual ? rng.floats(c.rows * c.outFeatures) : nil
    let inBF16 = kernels.precision == .bf16
    let expected = ReferenceKernels.dense(rows: c.rows, inFeatures: c.inFeatures, outFeatures: c.outFeatures,
                                          input: inBF16 ? bf16Rounded(input) : input,
                                          weights: inBF16 ? bf16Rounded(weights) : weights,
                                          bias: bias, residual: residual, activation: c.activation)
    let single = runDense(c, input: input, weights: weights, bias: bias, residual: residual, threads: 1, kernels: kernels)
    let error = relativeL2(single, expected)
    #expect(error <= 1e-5, "\(c) [\(kernels)]: relative L2 \(error)")
    for threads in threadCounts.dropFirst() {
        let multi = runDense(c, input: input, weights: weights, bias: bias, residual: residual, threads: threads, kernels: kernels)
        #expect(bitsEqual(multi, single), "\(c) [\(kernels)]: \(threads) threads differ from 1 thread")
    }
}

@Suite struct DenseTests {
    @Test(arguments: DenseCase.all)
    func portableMatchesReference(_ c: DenseCase) { checkDense(c, kernels: .portable) }

    @Test(.enabled(if: CPUFeatures.avx512, "\(noAVX512)"), arguments: DenseCase.all)
    func avx512MatchesReference(_ c: DenseCase) { checkDense(c, kernels: .avx512) }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: DenseCase.all)
    func bf16MatchesReference(_ c: DenseCase) { checkDense(c, kernels: .avx512BF16) }

    @Test(.enabled(if: CPUFeatures.amxBF16, "\(noAMX)"), arguments: DenseCase.all)
    func amxMatchesReference(_ c: DenseCase) { checkDense(c, kernels: .amxBF16) }

    /// Rounding the input once for all column blocks (BF16Rows) gives the bits of rounding it per
    /// block, on both bf16 units, for the cases that split columns (1 to 45 rows, odd depths).
    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: DenseCase.all)
    func roundedOnceEqualsPerBlock(_ c: DenseCase) {
        var rng = SeededRandom(seed: 11)
        let input = rng.floats(c.rows * c.inFeatures), weights = rng.floats(c.inFeatures * c.outFeatures)
        let bias = c.bias ? rng.floats(c.outFeatures) : nil
        let residual = c.residual ? rng.floats(c.rows * c.outFeatures) : nil
        let paths: [KernelOptions] = CPUFeatures.amxBF16 ? [.avx512BF16, .amxBF16] : [.avx512BF16]
        for kernels in paths {
            let once = runDense(c, input: input, weights: weights, bias: bias, residual: residual, threads: 2,
                                kernels: kernels)
            let perBlock = runDense(c, input: input, weights: weights, bias: bias, residual: residual, threads: 2,
                                    kernels: kernels, roundOnce: false)
            #expect(bitsEqual(once, perBlock), "\(c) [\(kernels)]: rounded once differs from rounded per block")
        }
    }

    @Test func handComputed() {
        // [[1,2],[3,4]] x [[1,0,1],[0,1,1]] + [0.5,0,-1]
        let c = DenseCase(rows: 2, inFeatures: 2, outFeatures: 3)
        let input: [Float] = [1, 2, 3, 4], weights: [Float] = [1, 0, 1, 0, 1, 1], bias: [Float] = [0.5, 0, -1]
        let expected: [Float] = [1.5, 2, 2, 3.5, 4, 6]
        #expect(runDense(c, input: input, weights: weights, bias: bias, residual: nil, threads: 2) == expected)
        #expect(ReferenceKernels.dense(rows: 2, inFeatures: 2, outFeatures: 3, input: input, weights: weights,
                                       bias: bias) == expected.map(Double.init))
    }
}
