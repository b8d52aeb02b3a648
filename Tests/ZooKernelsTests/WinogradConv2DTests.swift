import Testing
@testable import ZooKernels
import ZooTestSupport

/// Runs the Winograd kernel with exactly `scratchCount` floats of scratch and a guard band after it,
/// its weights packed in the GEMM's panels on the AVX-512 GEMM (as the executor makes them) unless told.
private func runWinograd(_ g: Conv2DGeometry, input: [Float], weights: [Float], bias: [Float], residual: [Float]?,
                         threads: Int, kernels: KernelOptions, packed: Bool? = nil,
                         activations: BF16Activations = .none) -> [Float] {
    let guardBand = 64, sentinel: Float = 12345
    var scratch = unwritten(WinogradConv2D.scratchCount(g, threads: threads)) + [Float](repeating: sentinel, count: guardBand)
    var out = unwritten(g.batch * g.outH * g.outW * g.outC)
    let transformed = weights.withUnsafeBufferPointer {
        WinogradWeights(weights: $0.baseAddress!, channels: g.inC, outChannels: g.outC, packed: packed ?? (kernels.gemm == .avx512))
    }
    input.withUnsafeBufferPointer { x in
        bias.withUnsafeBufferPointer { b in
            withOptionalPointer(residual) { r in
                out.withUnsafeMutableBufferPointer { y in
                    scratch.withUnsafeMutableBufferPointer { s in
                        WinogradConv2D.run(g, weights: transformed, input: x.baseAddress!, bias: b.baseAddress!,
                                           residual: r, output: y.baseAddress!, scratch: s.baseAddress!,
                                           activations: activations, threads: threads, kernels: kernels)
                    }
                }
            }
        }
    }
    #expect(scratch.suffix(guardBand).allSatisfy { $0 == sentinel }, "winograd wrote past its scratch: \(g)")
    return out
}

private let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)

/// Winograd on (its transforms are AVX-512, its 36 GEMMs ours or the BLAS's) and off (the same
/// cases through Conv2D's im2col, with either GEMM), each against the float64 reference.
@Suite struct WinogradConv2DTests {
    static let cases: [ConvCase] = [
        ConvCase(h: 28, w: 28, c: 16, o: 32, padding: same, activation: .relu, residual: true),
        // Edges: output sizes not a multiple of 4, channel counts not a multiple of 16, asymmetric pads.
        ConvCase(batch: 3, h: 13, w: 11, c: 20, o: 17, padding: Padding2D(top: 1, left: 0, bottom: 2, right: 1),
                 activation: .relu6),
        ConvCase(h: 7, w: 9, c: 16, o: 16, activation: .hardSwish),
        ConvCase(batch: 2, h: 9, w: 6, c: 33, o: 40, padding: same, activation: .clip(min: -0.5, max: 1.5), residual: true),
        // Several blocks of tiles (36 x tiles x (C + K) floats over 8 MB).
        ConvCase(batch: 2, h: 124, w: 120, c: 16, o: 16, padding: same, activation: .relu),
        // Transformed weights over `streamedWeightBytes` (3.3 MB): whole blocks, not streamed tiles.
        ConvCase(h: 9, w: 10, c: 160, o: 144, padding: same, activation: .relu, residual: true),
    ]

    @Test(.enabled(if: WinogradConv2D.isAvailable, "\(noAVX512)"), arguments: cases)
    func avx512MatchesReference(_ c: ConvCase) { check(c, kernels: .avx512) }

    @Test(.enabled(if: WinogradConv2D.isAvailable, "\(noAVX512)"), arguments: cases)
    func avx512WithBLASMatchesReference(_ c: ConvCase) { check(c, kernels: .winogradWithBLAS) }

    /// Winograd off: the same shapes by im2col, on every GEMM this CPU runs.
    @Test(arguments: cases)
    func offMatchesReference(_ c: ConvCase) {
        for gemm in KernelOptions.GEMMPath.allCases where KernelOptions.isAvailable(gemm) {
            checkConv(c, kernels: KernelOptions(gemm: gemm, winograd: .off, depthwise: .portable))
        }
    }

    private func check(_ c: ConvCase, kernels: KernelOptions) {
        let g = c.geometry
        var rng = SeededRandom(seed: 7)
        let input = rng.floats(g.batch * g.inH * g.inW * g.inC)
        let weights = rng.floats(9 * g.inC * g.outC)
        let bias = rng.floats(g.outC)
        let residual = c.residual ? rng.floats(g.batch * g.outH * g.outW * g.outC) : nil
        let expected = ReferenceKernels.conv2d(g, input: input, weights: weights, bias: bias, residual: residual)
        let single = runWinograd(g, input: input, weights: weights, bias: bias, residual: residual, threads: 1, kernels: kernels)
        let error = relativeL2(single, expected)
        #expect(error <= 1e-5, "\(c) [\(kernels)]: relative L2 \(error)")
        let multi = runWinograd(g, input: input, weights: weights, bias: bias, residual: residual, threads: 3, kernels: kernels)
        #expect(bitsEqual(multi, single), "\(c) [\(kernels)]: 3 threads differ from 1 thread")
    }

    /// Weights in the GEMM's panels (channel counts past a panel, 17 and 40, included): the same bits
    /// as row-major weights, which the GEMM copies into panels at each call (and which never stream:
    /// packed small weights stream, so this is also streamed tiles against whole blocks).
    @Test(.enabled(if: WinogradConv2D.isAvailable, "\(noAVX512)"), arguments: cases)
    func packedWeightsSameBitsAsRowMajor(_ c: ConvCase) {
        let g = c.geometry
        var rng = SeededRandom(seed: 8)
        let input = rng.floats(g.batch * g.inH * g.inW * g.inC), weights = rng.floats(9 * g.inC * g.outC), bias = rng.floats(g.outC)
        let residual = c.residual ? rng.floats(g.batch * g.outH * g.outW * g.outC) : nil
        let packed = runWinograd(g, input: input, weights: weights, bias: bias, residual: residual, threads: 2, kernels: .avx512,
                                 packed: true)
        let rowMajor = runWinograd(g, input: input, weights: weights, bias: bias, residual: residual, threads: 2, kernels: .avx512,
                                   packed: false)
        #expect(bitsEqual(packed, rowMajor), "\(c)")
    }

    /// An input and residual stored as bf16 by the layers before, and the output stored as bf16 for
    /// the next (`BF16Activations`): the same bits as float32 ones holding the same values, the
    /// output rounded once, streamed tiles and whole blocks.
    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: cases.filter {
        WinogradConv2D.storesBF16($0.geometry, kernels: .avx512BF16)
    })
    func bf16ActivationsSameBitsAsFloat32(_ c: ConvCase) {
        let g = c.geometry
        var rng = SeededRandom(seed: 9)
        let input = bf16Rounded(rng.floats(g.batch * g.inH * g.inW * g.inC)), weights = rng.floats(9 * g.inC * g.outC)
        let bias = rng.floats(g.outC)
        let residual = c.residual ? bf16Rounded(rng.floats(g.batch * g.outH * g.outW * g.outC)) : nil
        let float32 = runWinograd(g, input: input, weights: weights, bias: bias, residual: residual, threads: 2,
                                  kernels: .avx512BF16Winograd)
        for activations in [BF16Activations(input: true, residual: c.residual), BF16Activations(output: true),
                            BF16Activations(input: true, residual: c.residual, output: true)] {
            let out = runWinograd(g, input: activations.input ? bf16Slot(input) : input, weights: weights, bias: bias,
                                  residual: activations.residual ? residual.map(bf16Slot) : residual, threads: 2,
                                  kernels: .avx512BF16Winograd, activations: activations)
            let outCount = g.batch * g.outH * g.outW * g.outC
            let got = activations.output ? widenedSlot(out, count: outCount) : out
            #expect(bitsEqual(got, activations.output ? bf16Rounded(float32) : float32), "\(c) \(activations)")
        }
    }

    /// Which layers store bf16: at bf16 on AVX512-BF16, fused activations, even channel counts.
    @Test func storesBF16WhereTheOutputStageCan() {
        let g = ConvCase(h: 28, w: 28, c: 16, o: 32, padding: same, activation: .relu).geometry
        #expect(WinogradConv2D.storesBF16(g, kernels: .avx512BF16Winograd))
        #expect(!WinogradConv2D.storesBF16(g, kernels: .avx512), "fp32")
        #expect(!WinogradConv2D.storesBF16(ConvCase(h: 7, w: 9, c: 16, o: 16, activation: .hardSwish).geometry,
                                          kernels: .avx512BF16Winograd), "an activation after the kernel")
        #expect(!WinogradConv2D.storesBF16(ConvCase(h: 13, w: 11, c: 20, o: 17).geometry, kernels: .avx512BF16Winograd),
                "odd channels")
    }

    /// Which layers stream their tiles through the three stages (small transformed weights, packed).
    @Test func streamsOnlySmallPackedWeights() {
        #expect(WinogradConv2D.streams(ConvCase(h: 56, w: 56, c: 64, o: 64, padding: same).geometry, packed: true))
        #expect(WinogradConv2D.streams(ConvCase(h: 56, w: 56, c: 64, o: 128, padding: same).geometry, packed: true))
        #expect(!WinogradConv2D.streams(ConvCase(h: 56, w: 56, c: 128, o: 128, padding: same).geometry, packed: true))
        #expect(!WinogradConv2D.streams(ConvCase(h: 56, w: 56, c: 64, o: 64, padding: same).geometry, packed: false))
    }

    /// Only 3x3, stride 1, undilated, ungrouped convolutions with enough tiles take this path,
    /// and only when the executor's kernels have Winograd on at fp32.
    @Test(.enabled(if: WinogradConv2D.isAvailable, "\(noAVX512)"))
    func appliesOnlyWhereItPays() {
        let big = ConvCase(h: 56, w: 56, c: 64, o: 64, padding: same).geometry
        #expect(!WinogradConv2D.applies(to: big, kernels: .portable))
        #expect(!WinogradConv2D.applies(to: big, kernels: KernelOptions(gemm: .avx512, winograd: .off, depthwise: .avx512)))
        #expect(!WinogradConv2D.applies(to: big, kernels: .avx512BF16))
        #expect(!WinogradConv2D.applies(to: big, kernels: .amxBF16))  // im2col on the tiles is faster
        var vectorBF16 = KernelOptions.avx512BF16
        vectorBF16.winograd = .avx512
        #expect(WinogradConv2D.applies(to: big, kernels: vectorBF16))
        // At bf16 a 14x14 map goes to bf16 im2col, a 28x28 stays Winograd.
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 14, w: 14, c: 256, o: 256, padding: same).geometry, kernels: vectorBF16))
        #expect(WinogradConv2D.applies(to: ConvCase(h: 28, w: 28, c: 128, o: 128, padding: same).geometry, kernels: vectorBF16))
        #expect(WinogradConv2D.applies(to: ConvCase(h: 56, w: 56, c: 64, o: 64, padding: same).geometry, kernels: .avx512))
        #expect(WinogradConv2D.applies(to: ConvCase(h: 14, w: 14, c: 256, o: 256, padding: same).geometry, kernels: .avx512))
        // Counted per image, so the choice is the same at every batch size (batch-independent bits).
        for side in [4, 7, 8, 12, 13, 14, 16, 28] {
            let alone = WinogradConv2D.applies(to: ConvCase(h: side, w: side, c: 32, o: 32, padding: same).geometry, kernels: .avx512)
            for batch in [2, 3, 8, 64] {
                let batched = ConvCase(batch: batch, h: side, w: side, c: 32, o: 32, padding: same).geometry
                #expect(WinogradConv2D.applies(to: batched, kernels: .avx512) == alone, "\(side)x\(side) at batch \(batch)")
            }
        }
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 7, w: 7, c: 512, o: 512, padding: same).geometry, kernels: .avx512))
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 56, w: 56, c: 64, o: 64, strides: Size2D(2, 2), padding: same).geometry, kernels: .avx512))
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 56, w: 56, c: 64, o: 64, dilations: Size2D(2, 2), padding: same).geometry, kernels: .avx512))
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 56, w: 56, c: 64, o: 64, padding: same, groups: 2).geometry, kernels: .avx512))
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 56, w: 56, c: 64, o: 64, kernel: .one).geometry, kernels: .avx512))
        #expect(!WinogradConv2D.applies(to: ConvCase(h: 56, w: 56, c: 3, o: 64, padding: same).geometry, kernels: .avx512))
    }
}
