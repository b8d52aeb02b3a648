import Testing
@testable import ZooKernels
import ZooTestSupport

/// A first layer and the max pool after it in one step (`Conv2D.runMaxPooled`): the same bits as
/// the convolution then the pool, whatever the thread count, across chunk boundaries and images.
@Suite struct Conv2DMaxPoolTests {
    static let stemPool = Pool2DParams(kind: .max, kernel: Size2D(3, 3), strides: Size2D(2, 2),
                                       padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1))

    /// ResNet's stem and pool, on an image whose pooled rows take several chunks (held rows carried
    /// from one chunk to the next), a batch of two, a small odd-sized case, and ceil mode.
    static let cases: [(ConvCase, Pool2DParams)] = [
        (ConvCase(batch: 2, h: 80, w: 120, c: 3, o: 64, kernel: Size2D(7, 7), strides: Size2D(2, 2),
                  padding: Padding2D(top: 3, left: 3, bottom: 3, right: 3), activation: .relu), stemPool),
        (ConvCase(h: 13, w: 9, c: 3, o: 40, strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                  activation: .relu6), Pool2DParams(kind: .max, kernel: Size2D(2, 2), strides: Size2D(2, 2))),
        // Ceil mode: the last window of each row and column hangs over the edge.
        (ConvCase(batch: 2, h: 14, w: 10, c: 3, o: 24, strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                  activation: .relu), Pool2DParams(kind: .max, kernel: Size2D(3, 3), strides: Size2D(2, 2), ceilMode: true)),
    ]

    @Test(.enabled(if: CPUFeatures.avx512, "\(noAVX512)"))
    func float32SameBitsAsConvolutionThenPool() { check(.avx512) }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"))
    func bf16SameBitsAsConvolutionThenPool() { check(.avx512BF16) }

    /// The pooled output stored as bf16 for the GEMM after it (`BF16Activations.output`): the float32
    /// result rounded, value for value.
    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"))
    func bf16OutputIsTheRoundedFloat32() { check(.avx512BF16, storingBF16: true) }

    func check(_ kernels: KernelOptions, storingBF16: Bool = false) {
        for (c, pool) in Self.cases {
            let g = c.geometry
            #expect(Conv2D.poolsAfterDirect(g, pool: pool, kernels: kernels))
            var rng = SeededRandom(seed: 3)
            let input = rng.floats(g.batch * g.inH * g.inW * g.inC)
            let weights = rng.floats(g.params.kernel.h * g.params.kernel.w * g.inC * g.outC)
            let bias = rng.floats(g.outC)
            let conv = runConv(g, input: input, weights: weights, bias: bias, residual: nil, threads: 2, kernels: kernels,
                               bf16Panels: false)
            let (ph, pw) = pool.outputSize(inH: g.outH, inW: g.outW)
            var expected = [Float](repeating: 0, count: g.batch * ph * pw * g.outC)
            Pool2D.run(pool, batch: g.batch, inH: g.outH, inW: g.outW, channels: g.outC, input: conv, output: &expected, threads: 1)
            for threads in [1, 2, 3] {
                let needed = Conv2D.maxPooledScratchCount(g, pool: pool, threads: threads)
                var scratch = [Float](repeating: .nan, count: needed + 64)
                var got = [Float](repeating: .nan, count: expected.count)
                Conv2D.runMaxPooled(g, pool: pool, input: input, weights: weights, bf16Weights: nil, bias: bias, output: &got,
                                    scratch: &scratch, activations: BF16Activations(output: storingBF16), threads: threads,
                                    kernels: kernels)
                if storingBF16 {
                    #expect(Conv2D.maxPooledStoresBF16(g, kernels: kernels))
                    let untouched = got[((got.count + 1) / 2)...].allSatisfy { $0.isNaN }
                    #expect(untouched, "bf16 output written past its half")
                    got = widenedSlot(got, count: expected.count)
                }
                let want = storingBF16 ? bf16Rounded(expected) : expected
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(c) \(threads) threads [\(kernels)]")
                #expect(scratch.suffix(64).allSatisfy { $0.isNaN }, "wrote past its scratch")
            }
        }
    }
}
