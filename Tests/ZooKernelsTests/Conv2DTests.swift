import Testing
import ZooKernels
import ZooTestSupport

/// One convolution to check against the float64 reference; the description is what a failure prints.
struct ConvCase: CustomStringConvertible, Sendable {
    var batch = 1, h = 7, w = 5, c = 4, o = 6
    var kernel = Size2D(3, 3), strides = Size2D.one, dilations = Size2D.one
    var padding = Padding2D.zero
    var groups = 1
    var activation = Activation.none
    var bias = true, residual = false

    var geometry: Conv2DGeometry {
        Conv2DGeometry(batch: batch, inH: h, inW: w, inC: c, outC: o,
                       params: Conv2DParams(kernel: kernel, strides: strides, dilations: dilations,
                                            padding: padding, groups: groups, activation: activation))
    }

    var description: String {
        "conv n\(batch) \(h)x\(w)x\(c)->\(o) k\(kernel) s\(strides) d\(dilations) pad\(padding) "
            + "g\(groups) \(activation) bias:\(bias) res:\(residual)"
    }

    static let all: [ConvCase] = [
        // 1x1 fast path (no im2col), plain and grouped.
        ConvCase(h: 7, w: 5, c: 8, o: 16, kernel: .one, activation: .relu),
        ConvCase(batch: 3, h: 7, w: 5, c: 8, o: 12, kernel: .one, groups: 2, bias: false, residual: true),
        ConvCase(batch: 3, h: 14, w: 14, c: 64, o: 128, kernel: .one, activation: .relu6, residual: true),
        // 1x1 strided and padded go through im2col.
        ConvCase(h: 15, w: 7, c: 6, o: 10, kernel: .one, strides: Size2D(2, 2)),
        ConvCase(h: 5, w: 5, c: 3, o: 4, kernel: .one, padding: Padding2D(top: 1, left: 0, bottom: 0, right: 1)),
        // General convs: odd shapes, strides, asymmetric pads, dilation, non-square kernels.
        ConvCase(h: 15, w: 7, c: 5, o: 7, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 activation: .relu6, residual: true),
        ConvCase(batch: 3, h: 7, w: 5, c: 4, o: 9, strides: Size2D(2, 2),
                 padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1), activation: .hardSwish),
        ConvCase(h: 15, w: 7, c: 3, o: 8, dilations: Size2D(2, 2),
                 padding: Padding2D(top: 2, left: 2, bottom: 2, right: 2), activation: .leakyRelu(alpha: 0.1)),
        ConvCase(h: 15, w: 7, c: 4, o: 5, kernel: Size2D(5, 3), strides: Size2D(2, 1),
                 padding: Padding2D(top: 2, left: 1, bottom: 1, right: 0), activation: .sigmoid, bias: false),
        ConvCase(h: 15, w: 15, c: 3, o: 8, kernel: Size2D(7, 7), strides: Size2D(2, 2),
                 padding: Padding2D(top: 3, left: 3, bottom: 3, right: 3), activation: .relu),
        ConvCase(h: 9, w: 6, c: 2, o: 3, kernel: Size2D(2, 3), dilations: Size2D(1, 2),
                 padding: Padding2D(top: 0, left: 2, bottom: 1, right: 0)),
        // Grouped: 2, 3 and 4 groups.
        ConvCase(batch: 3, h: 7, w: 5, c: 6, o: 10, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 groups: 2, activation: .hardSigmoid(alpha: 0.2, beta: 0.5)),
        ConvCase(h: 15, w: 7, c: 9, o: 6, strides: Size2D(2, 2), dilations: Size2D(2, 2),
                 padding: Padding2D(top: 1, left: 2, bottom: 2, right: 1), groups: 3, residual: true),
        ConvCase(h: 14, w: 14, c: 32, o: 64, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 groups: 4, activation: .relu),
        // Depthwise, multiplier 1 and 2.
        ConvCase(batch: 3, h: 7, w: 5, c: 8, o: 8, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 groups: 8, activation: .relu6),
        ConvCase(h: 15, w: 7, c: 5, o: 5, strides: Size2D(2, 2), padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1),
                 groups: 5, activation: .clip(min: -0.5, max: 1.5), residual: true),
        ConvCase(h: 15, w: 7, c: 5, o: 10, dilations: Size2D(2, 2),
                 padding: Padding2D(top: 2, left: 2, bottom: 2, right: 2), groups: 5, residual: true),
        ConvCase(batch: 3, h: 7, w: 7, c: 3, o: 6, kernel: Size2D(5, 5), strides: Size2D(2, 2),
                 padding: Padding2D(top: 2, left: 2, bottom: 2, right: 2), groups: 3, bias: false),
        // Big enough to split into row tiles, and few rows split into column blocks.
        ConvCase(h: 28, w: 28, c: 32, o: 64, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .relu),
        ConvCase(h: 7, w: 7, c: 64, o: 256, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), residual: true),
        ConvCase(batch: 3, h: 28, w: 28, c: 32, o: 32, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), groups: 32),
        // Depthwise 3x3 rows whose interiors take every pixel group (stride 1: 15 = 8 + 4 + 2 + 1;
        // stride 2: 7 = 4 + 2 + 1), with a channel tail, both strides, clipped kernel rows on the
        // top and bottom rows, and no padding at all.
        ConvCase(batch: 2, h: 9, w: 13, c: 19, o: 19, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 groups: 19, activation: .relu6, residual: true),
        ConvCase(h: 11, w: 21, c: 35, o: 35, strides: Size2D(2, 2), padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1),
                 groups: 35, activation: .relu6),
        ConvCase(batch: 2, h: 6, w: 17, c: 37, o: 37, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 groups: 37, activation: .relu6, residual: true),
        ConvCase(h: 9, w: 16, c: 40, o: 40, strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 groups: 40, residual: true),
        ConvCase(h: 5, w: 12, c: 16, o: 16, groups: 16, activation: .relu),
        // Few rows in column blocks, odd depths and edges: at bf16 the rows are rounded once for
        // all blocks (BF16Rows), 1x1 and im2col'd.
        ConvCase(h: 5, w: 9, c: 33, o: 100, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 activation: .relu, residual: true),
        ConvCase(batch: 2, h: 7, w: 7, c: 40, o: 200, kernel: .one, activation: .relu6),
        ConvCase(h: 14, w: 13, c: 24, o: 130, strides: Size2D(2, 2),
                 padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .hardSwish, bias: false),
        // ResNet's 7x7 stride-2 stem: direct at fp32, the bf16 GEMM at bf16.
        ConvCase(h: 30, w: 29, c: 3, o: 64, kernel: Size2D(7, 7), strides: Size2D(2, 2),
                 padding: Padding2D(top: 3, left: 3, bottom: 3, right: 3), activation: .relu),
    ] + directCases + allActivations.map { ConvCase(h: 7, w: 5, c: 3, o: 4, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                                      activation: $0, residual: true) }
}

extension ConvCase {
    /// First layers on 1 to 4 channels, which the direct kernel takes on the AVX-512 path: rows
    /// longer and shorter than a pixel group (6 pixels x 64 channels, 12 x 32) with remainders,
    /// windows over the border, channel counts that leave partial and empty vectors, a 64-channel
    /// block then a 32-channel one, batches, dilation, a residual.
    static let directCases: [ConvCase] = [
        ConvCase(h: 9, w: 31, c: 3, o: 100, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .relu6),
        ConvCase(batch: 2, h: 23, w: 29, c: 3, o: 48, strides: Size2D(2, 2),
                 padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .relu6, residual: true),
        ConvCase(h: 30, w: 30, c: 1, o: 64, kernel: Size2D(5, 5), strides: Size2D(2, 2),
                 padding: Padding2D(top: 2, left: 2, bottom: 2, right: 2), activation: .relu),
        ConvCase(h: 16, w: 40, c: 1, o: 37, bias: false),
        ConvCase(batch: 3, h: 13, w: 11, c: 4, o: 20, kernel: Size2D(2, 3), dilations: Size2D(2, 2),
                 padding: Padding2D(top: 2, left: 1, bottom: 0, right: 2), activation: .clip(min: -0.5, max: 1.5)),
    ]
}

/// Runs the kernel with exactly `scratchCount` floats of scratch (a pointer to the guard band when
/// that is none, as an executor passes its scratch to every step), followed by a guard band
/// that must come back untouched. `bf16Panels: false` runs at bf16 as an executor that made no
/// bf16 panels for the layer does (float32 weights, the scratch counted for float32).
func runConv(_ g: Conv2DGeometry, input: [Float], weights: [Float], bias: [Float]?, residual: [Float]?,
             threads: Int, kernels: KernelOptions = .portable, fp32Panels: Bool = false, bf16Panels: Bool = true) -> [Float] {
    let guardBand = 64, sentinel: Float = 12345
    let bf16 = kernels.precision == .bf16 && !g.isDepthwise && bf16Panels
    let needed = Conv2D.scratchCount(g, threads: threads, bf16: bf16)
    var scratch = unwritten(needed) + [Float](repeating: sentinel, count: guardBand)
    var out = unwritten(g.batch * g.outH * g.outW * g.outC)
    input.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
            // The packed weights an executor would prepare for this path.
            let packed = bf16
                ? BF16Weights(weights: w.baseAddress!, depth: g.params.kernel.h * g.params.kernel.w * (g.inC / g.params.groups),
                              groupColumns: g.outC / g.params.groups, groups: g.params.groups)
                : nil
            let panels = fp32Panels
                ? FP32Panels(weights: w.baseAddress!, depth: g.params.kernel.h * g.params.kernel.w * g.inC, columns: g.outC)
                : nil
            withOptionalPointer(bias) { b in
                withOptionalPointer(residual) { r in
                    out.withUnsafeMutableBufferPointer { y in
                        scratch.withUnsafeMutableBufferPointer { s in
                            Conv2D.run(g, input: x.baseAddress!, weights: w.baseAddress!, bf16Weights: packed, fp32Panels: panels,
                                       bias: b, residual: r, output: y.baseAddress!,
                                       scratch: s.baseAddress!, threads: threads, kernels: kernels)
                        }
                    }
                }
            }
        }
    }
    #expect(scratch.suffix(guardBand).allSatisfy { $0 == sentinel }, "conv wrote past its scratch: \(g)")
    return out
}

/// Checks one case on one kernel path against the float64 reference (of bf16-rounded inputs when
/// the path multiplies in bf16), and that every thread count gives the same bits.
func checkConv(_ c: ConvCase, kernels: KernelOptions) {
    let g = c.geometry
    var rng = SeededRandom(seed: 42)
    let input = rng.floats(g.batch * g.inH * g.inW * g.inC)
    let weights = rng.floats(g.params.kernel.h * g.params.kernel.w * (g.inC / g.params.groups) * g.outC)
    let bias = c.bias ? rng.floats(g.outC) : nil
    let residual = c.residual ? rng.floats(g.batch * g.outH * g.outW * g.outC) : nil
    let inBF16 = kernels.precision == .bf16 && !g.isDepthwise  // depthwise stays float32
    // The float32 direct kernel at bf16 rounds the weights only.
    let roundsInput = inBF16 && Conv2D.directPath(g, kernels: kernels) != .float32
    let expected = ReferenceKernels.conv2d(g, input: roundsInput ? bf16Rounded(input) : input,
                                           weights: inBF16 ? bf16Rounded(weights) : weights, bias: bias, residual: residual)
    let single = runConv(g, input: input, weights: weights, bias: bias, residual: residual, threads: 1, kernels: kernels)
    let error = relativeL2(single, expected)
    #expect(error <= 1e-5, "\(c) [\(kernels)]: relative L2 \(error)")
    for threads in threadCounts.dropFirst() {
        let multi = runConv(g, input: input, weights: weights, bias: bias, residual: residual, threads: threads, kernels: kernels)
        #expect(bitsEqual(multi, single), "\(c) [\(kernels)]: \(threads) threads differ from 1 thread")
    }
}

@Suite struct Conv2DTests {
    /// BLAS GEMM, Swift depthwise loop: runs everywhere.
    @Test(arguments: ConvCase.all)
    func portableMatchesReference(_ c: ConvCase) { checkConv(c, kernels: .portable) }

    /// Our AVX-512 GEMM and depthwise kernels, on the same cases.
    @Test(.enabled(if: CPUFeatures.avx512, "\(noAVX512)"), arguments: ConvCase.all)
    func avx512MatchesReference(_ c: ConvCase) { checkConv(c, kernels: .avx512) }

    /// Cases whose windows the AVX-512 GEMM reads in place from fp32 panels (`Conv2D.runWindows`):
    /// a padded 3x3 on two images whose row tiles cross from one to the next; odd sizes at stride 2
    /// with kernel rows deeper than a depth block (3 x 96 floats); a 1x1 at stride 2 read from the
    /// input itself.
    static let windowCases = [
        ConvCase(batch: 2, h: 16, w: 15, c: 24, o: 40, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 activation: .relu, residual: true),
        ConvCase(batch: 3, h: 31, w: 29, c: 96, o: 48, strides: Size2D(2, 2),
                 padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .hardSwish),
        ConvCase(batch: 2, h: 29, w: 28, c: 40, o: 24, kernel: .one, strides: Size2D(2, 2)),
    ]

    @Test func windowCasesReadWindows() {
        #expect(Self.windowCases.allSatisfy { Conv2D.readsWindows($0.geometry, of: .float32) })
        #expect(!Conv2D.readsWindows(ConvCase(h: 7, w: 7, c: 8, o: 8).geometry, of: .float32), "7-pixel rows are gathered")
        #expect(!Conv2D.readsWindows(ConvCase(h: 16, w: 16, c: 8, o: 8, kernel: .one).geometry, of: .float32),
                "a plain 1x1 reads its input as it stands")
    }

    /// The AVX-512 GEMM reading weights packed once (FP32Panels, as the executor does for small
    /// maps): the very bits of packing per call, on every ungrouped case, plus four rows (the
    /// few-rows path) with a partial panel, and the cases whose windows are read in place.
    @Test(.enabled(if: CPUFeatures.avx512, "\(noAVX512)"),
          arguments: ConvCase.all + [ConvCase(h: 2, w: 2, c: 40, o: 70, kernel: .one, residual: true)] + windowCases)
    func avx512PanelsGiveTheBitsOfPackingPerCall(_ c: ConvCase) {
        let g = c.geometry
        guard g.params.groups == 1 else { return }
        var rng = SeededRandom(seed: 7)
        let input = rng.floats(g.batch * g.inH * g.inW * g.inC)
        let weights = rng.floats(g.params.kernel.h * g.params.kernel.w * g.inC * g.outC)
        let bias = c.bias ? rng.floats(g.outC) : nil
        let residual = c.residual ? rng.floats(g.batch * g.outH * g.outW * g.outC) : nil
        let perCall = runConv(g, input: input, weights: weights, bias: bias, residual: residual, threads: 2, kernels: .avx512)
        for threads in threadCounts {
            let packed = runConv(g, input: input, weights: weights, bias: bias, residual: residual, threads: threads,
                                 kernels: .avx512, fp32Panels: true)
            #expect(bitsEqual(packed, perCall), "\(c), \(threads) threads")
        }
        let expected = ReferenceKernels.conv2d(g, input: input, weights: weights, bias: bias, residual: residual)
        #expect(relativeL2(perCall, expected) <= 1e-5, "\(c)")
    }

    /// Panels are packed where weights come from memory at every run or are small: small maps or
    /// up to 1 MB of weights on the AVX-512 GEMM at fp32, not for depthwise, grouped, Winograd or
    /// direct layers, nor at bf16.
    @Test func fp32PanelsOnlyForSmallMapsOrWeights() {
        let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
        let layer4 = ConvCase(h: 7, w: 7, c: 512, o: 512, padding: same).geometry
        #expect(FP32Panels.pays(for: layer4, kernels: .avx512) == CPUFeatures.avx512)
        #expect(FP32Panels.pays(for: ConvCase(batch: 8, h: 7, w: 7, c: 64, o: 256, kernel: .one).geometry, kernels: .avx512)
                == CPUFeatures.avx512, "counted per image")
        #expect(FP32Panels.pays(for: ConvCase(h: 14, w: 14, c: 64, o: 256, kernel: .one).geometry, kernels: .avx512)
                == CPUFeatures.avx512)
        #expect(FP32Panels.pays(for: ConvCase(h: 28, w: 28, c: 64, o: 256, kernel: .one).geometry, kernels: .avx512)
                == CPUFeatures.avx512, "64 KB of weights")
        #expect(!FP32Panels.pays(for: ConvCase(h: 28, w: 28, c: 512, o: 1024, kernel: .one).geometry, kernels: .avx512),
                "2 MB of weights on a large map")
        #expect(!FP32Panels.pays(for: layer4, kernels: .portable))
        #expect(!FP32Panels.pays(for: layer4, kernels: .avx512BF16))
        #expect(!FP32Panels.pays(for: ConvCase(h: 7, w: 7, c: 32, o: 32, groups: 32).geometry, kernels: .avx512))
        #expect(!FP32Panels.pays(for: ConvCase(h: 7, w: 7, c: 32, o: 64, groups: 2).geometry, kernels: .avx512))
        #expect(!FP32Panels.pays(for: ConvCase(h: 14, w: 14, c: 3, o: 32, padding: same, activation: .relu).geometry,
                                 kernels: .avx512), "the direct kernel's")
    }

    /// The cases above that the direct kernel runs are the few-channel ones, on AVX-512 (fp32 or bf16).
    @Test func directKernelTakesFirstLayersOnly() {
        for c in ConvCase.directCases {
            #expect(Conv2D.runsDirect(c.geometry, kernels: .avx512), "\(c)")
            #expect(Conv2D.runsDirect(c.geometry, kernels: .avx512BF16), "\(c)")
            #expect(!Conv2D.runsDirect(c.geometry, kernels: .portable), "\(c)")
        }
        let wide = ConvCase(h: 15, w: 7, c: 5, o: 7)
        #expect(!Conv2D.runsDirect(wide.geometry, kernels: .avx512))
        let swish = ConvCase(c: 3, activation: .hardSwish)
        #expect(!Conv2D.runsDirect(swish.geometry, kernels: .avx512))
        let resnetStem = ConvCase(h: 30, w: 30, c: 3, o: 64, kernel: Size2D(7, 7), strides: Size2D(2, 2),
                                  padding: Padding2D(top: 3, left: 3, bottom: 3, right: 3), activation: .relu)
        #expect(Conv2D.directPath(resnetStem.geometry, kernels: .avx512) == .float32)
        #expect(Conv2D.directPath(resnetStem.geometry, kernels: .avx512BF16) == .bf16)
        #expect(Conv2D.directPath(resnetStem.geometry, kernels: .amxBF16) == nil, "147 taps on the tiles: AMX im2col")
        #expect(Conv2D.directPath(ConvCase.directCases[1].geometry, kernels: .amxBF16) == .float32, "3x3 on the tiles")
    }

    /// The AVX512-BF16 GEMM (1x1 and im2col'd convolutions), on the same cases.
    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: ConvCase.all)
    func bf16MatchesReference(_ c: ConvCase) { checkConv(c, kernels: .avx512BF16) }

    /// A first layer run at bf16 without bf16 panels (its weights float32, its scratch counted as
    /// for float32) takes the same bf16 direct kernel to the same bits, within that scratch.
    @Test(.enabled(if: CPUFeatures.avx512BF16, "\(noBF16)"), arguments: ConvCase.directCases)
    func bf16DirectWithoutPanels(_ c: ConvCase) {
        let g = c.geometry
        var rng = SeededRandom(seed: 7)
        let input = rng.floats(g.batch * g.inH * g.inW * g.inC)
        let weights = rng.floats(g.params.kernel.h * g.params.kernel.w * g.inC * g.outC)
        let bias = rng.floats(g.outC)
        let withPanels = runConv(g, input: input, weights: weights, bias: bias, residual: nil, threads: 2, kernels: .avx512BF16)
        let without = runConv(g, input: input, weights: weights, bias: bias, residual: nil, threads: 2, kernels: .avx512BF16,
                              bf16Panels: false)
        #expect(without.map(\.bitPattern) == withPanels.map(\.bitPattern), "\(c)")
    }

    /// The AMX-BF16 GEMM (1x1 and im2col'd convolutions; 3x3 leave Winograd for it), on the same cases.
    @Test(.enabled(if: CPUFeatures.amxBF16, "\(noAMX)"), arguments: ConvCase.all)
    func amxMatchesReference(_ c: ConvCase) { checkConv(c, kernels: .amxBF16) }

    /// A 3x3 all-ones kernel over an all-ones image counts the taps inside the image.
    @Test func onesKernelCountsTaps() {
        let g = ConvCase(h: 4, w: 4, c: 2, o: 1, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)).geometry
        let input = [Float](repeating: 1, count: 32), weights = [Float](repeating: 1, count: 18)
        let expected: [Float] = [8, 12, 12, 8, 12, 18, 18, 12, 12, 18, 18, 12, 8, 12, 12, 8]
        #expect(runConv(g, input: input, weights: weights, bias: nil, residual: nil, threads: 2) == expected)
        #expect(ReferenceKernels.conv2d(g, input: input, weights: weights) == expected.map(Double.init))
    }

    /// Depthwise multiplier 2: output channel c*2+m reads input channel c with weight column c*2+m.
    @Test func depthwiseMultiplierChannelOrder() {
        let g = ConvCase(h: 1, w: 1, c: 2, o: 4, kernel: .one, groups: 2).geometry
        let input: [Float] = [10, 100], weights: [Float] = [1, 2, 3, 4], bias: [Float] = [0.5, 0, 0, -1]
        let expected: [Float] = [10.5, 20, 300, 399]
        #expect(runConv(g, input: input, weights: weights, bias: bias, residual: nil, threads: 1) == expected)
        #expect(ReferenceKernels.conv2d(g, input: input, weights: weights, bias: bias) == expected.map(Double.init))
    }

    @Test func scratchOnlyForIm2col() {
        let pointwise = ConvCase(c: 8, o: 16, kernel: .one).geometry
        let depthwise = ConvCase(c: 8, o: 8, groups: 8).geometry
        let general = ConvCase(c: 8, o: 16).geometry
        #expect(Conv2D.scratchCount(pointwise, threads: 4) == 0)
        #expect(Conv2D.scratchCount(depthwise, threads: 4) == 0)
        #expect(Conv2D.scratchCount(general, threads: 1) > 0)
        #expect(Conv2D.scratchCount(general, threads: 2) >= Conv2D.scratchCount(general, threads: 1))
    }
}
