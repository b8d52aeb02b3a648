import Testing
import ZooKernels
import ZooTestSupport

/// Convolutions reading and writing activations stored as bfloat16 (`BF16Activations`): the same
/// bits as the float32 run on the values those bf16 ones stand for, the output rounded once.
@Suite struct BF16ActivationsTests {
    /// The cases of Conv2DTests the bf16 GEMM may store for (ungrouped, not the direct kernels, a
    /// fused activation, an even channel count): 1x1 and im2col'd, strided, padded, dilated, odd
    /// shapes, residuals, few rows in column blocks.
    static let cases = ConvCase.all.filter { Conv2D.storesBF16($0.geometry, kernels: .avx512BF16) } + [
        // resnet50's shapes in small: a 1x1 with a residual, a 1x1 reading a block output, the
        // stride-2 1x1 downsample (an im2col gather), and a depth over one 256-deep block.
        ConvCase(batch: 2, h: 9, w: 9, c: 16, o: 64, kernel: .one, residual: true),
        ConvCase(batch: 2, h: 9, w: 9, c: 64, o: 16, kernel: .one, activation: .relu),
        ConvCase(batch: 2, h: 9, w: 9, c: 64, o: 96, kernel: .one, strides: Size2D(2, 2)),
        ConvCase(h: 7, w: 7, c: 600, o: 70, kernel: .one, activation: .relu, residual: true),
        // Windows read in place (`Conv2D.runWindows`): a padded 3x3 on two images whose row
        // tiles cross from one to the next; odd sizes at stride 2, row tiles starting mid-row; a
        // 1x1 at stride 2 read from the input itself; and 7-pixel rows, which are gathered.
        ConvCase(batch: 2, h: 14, w: 14, c: 64, o: 96, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 activation: .relu, residual: true),
        ConvCase(batch: 3, h: 31, w: 29, c: 32, o: 40, strides: Size2D(2, 2),
                 padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .relu),
        ConvCase(batch: 2, h: 29, w: 28, c: 64, o: 48, kernel: .one, strides: Size2D(2, 2), activation: .relu),
        ConvCase(h: 7, w: 7, c: 256, o: 512, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .relu),
    ]

    @Test func someCasesOfEveryKind() {
        #expect(Self.cases.contains { $0.kernel == .one && $0.strides == .one && $0.residual })
        #expect(Self.cases.contains { $0.kernel != .one })
        #expect(!Conv2D.storesBF16(ConvCase.directCases[0].geometry, kernels: .avx512BF16), "the direct kernel writes float32")
        #expect(!Conv2D.storesBF16(Self.cases[0].geometry, kernels: .amxBF16), "the AMX kernel writes float32")
        #expect(!Conv2D.storesBF16(Self.cases[0].geometry, kernels: .avx512), "fp32 writes float32")
        #expect(!Conv2D.readsBF16(ConvCase(c: 5, kernel: .one).geometry), "odd depth: no whole pairs")
        let windows = Self.cases.filter { Conv2D.readsWindows($0.geometry, of: .bf16) }
        #expect(windows.contains { $0.kernel != .one && $0.padding != .zero && $0.batch > 1 })
        #expect(windows.contains { $0.kernel != .one && $0.strides != .one })
        #expect(windows.contains { $0.kernel == .one && $0.strides != .one }, "a 1x1 read from the input itself")
        #expect(!Conv2D.readsWindows(ConvCase(h: 7, w: 7, c: 8, o: 8).geometry, of: .bf16), "7-pixel rows are gathered")
        #expect(!Conv2D.readsWindows(ConvCase(h: 16, w: 16, c: 5, o: 8).geometry, of: .bf16), "odd depth: no whole pairs")
    }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: cases)
    func sameBitsAsFloat32(_ c: ConvCase) {
        let g = c.geometry
        var rng = SeededRandom(seed: 31)
        // Values bf16 holds exactly: what an earlier layer's bf16 store leaves.
        let input = bf16Rounded(rng.floats(g.batch * g.inH * g.inW * g.inC))
        let weights = rng.floats(c.kernel.h * c.kernel.w * g.inC * g.outC)
        let bias = c.bias ? rng.floats(g.outC) : nil
        let residual = c.residual ? bf16Rounded(rng.floats(g.batch * g.outH * g.outW * g.outC)) : nil
        let float32 = runConv(g, input: input, weights: weights, bias: bias, residual: residual, threads: 2,
                              kernels: .avx512BF16)
        let all = BF16Activations(input: Conv2D.readsBF16(g), residual: c.residual, output: true)
        for activations in [all, BF16Activations(output: true), BF16Activations(input: all.input),
                            BF16Activations(residual: all.residual)] where !activations.isNone {
            for threads in threadCounts {
                let out = runConvStoringBF16(g, input: input, weights: weights, bias: bias, residual: residual,
                                             activations: activations, threads: threads)
                let expected = activations.output ? bf16Rounded(float32) : float32
                #expect(bitsEqual(out, expected), "\(c) \(activations), \(threads) threads")
            }
        }
    }
}

/// `runConv` with the activations `activations` names stored as bf16 (input and residual hold
/// bf16-exact values), within exactly the scratch `scratchCount` asks for (a pointer to the guard
/// band when that is none, so a path that wrongly uses it is caught); the output widened.
private func runConvStoringBF16(_ g: Conv2DGeometry, input: [Float], weights: [Float], bias: [Float]?, residual: [Float]?,
                                activations: BF16Activations, threads: Int) -> [Float] {
    let guardBand = 64, sentinel: Float = 12345
    let needed = Conv2D.scratchCount(g, threads: threads, bf16: true, activations: activations)
    var scratch = unwritten(needed) + [Float](repeating: sentinel, count: guardBand)
    let outCount = g.batch * g.outH * g.outW * g.outC
    // Float32 buffers big enough for either layout, as an arena slot is.
    var x = input, r = residual, out = unwritten(outCount)
    if activations.input { x = bf16Slot(input) }
    if activations.residual, let residual { r = bf16Slot(residual) }
    x.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
            let packed = BF16Weights(weights: w.baseAddress!, depth: g.params.kernel.h * g.params.kernel.w * g.inC,
                                     groupColumns: g.outC, groups: 1)
            withOptionalPointer(bias) { b in
                withOptionalPointer(r) { r in
                    out.withUnsafeMutableBufferPointer { y in
                        scratch.withUnsafeMutableBufferPointer { s in
                            Conv2D.run(g, input: x.baseAddress!, weights: w.baseAddress!, bf16Weights: packed, bias: b,
                                       residual: r, output: y.baseAddress!, scratch: s.baseAddress!,
                                       activations: activations, threads: threads, kernels: .avx512BF16)
                        }
                    }
                }
            }
        }
    }
    #expect(scratch.suffix(guardBand).allSatisfy { $0 == sentinel }, "conv wrote past its scratch: \(g)")
    guard activations.output else { return out }
    // The second half of the slot is not the output's: a bf16 store writes only the first.
    let untouched = out[((outCount + 1) / 2)...].allSatisfy { $0.isNaN }
    #expect(untouched, "bf16 output written past its half: \(g)")
    return widenedSlot(out, count: outCount)
}
