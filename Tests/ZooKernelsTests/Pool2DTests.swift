import Testing
import ZooKernels
import ZooTestSupport

struct PoolCase: CustomStringConvertible, Sendable {
    var kind: PoolKind
    var batch = 1, h = 7, w = 5, c = 3
    var kernel = Size2D(3, 3), strides = Size2D(2, 2), dilations = Size2D.one
    var padding = Padding2D.zero
    var countIncludePad = false, ceilMode = false

    var params: Pool2DParams {
        Pool2DParams(kind: kind, kernel: kernel, strides: strides, dilations: dilations, padding: padding,
                     countIncludePad: countIncludePad, ceilMode: ceilMode)
    }

    var description: String {
        "\(kind) pool n\(batch) \(h)x\(w)x\(c) k\(kernel) s\(strides) d\(dilations) pad\(padding) "
            + "includePad:\(countIncludePad) ceil:\(ceilMode)"
    }

    static let shapes: [PoolCase] = [
        PoolCase(kind: .max),
        PoolCase(kind: .max, batch: 3, h: 15, w: 7, kernel: Size2D(2, 2)),
        PoolCase(kind: .max, h: 15, w: 7, strides: .one, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)),
        PoolCase(kind: .max, h: 8, w: 8, padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1), ceilMode: true),
        PoolCase(kind: .max, h: 15, w: 7, dilations: Size2D(2, 2), padding: Padding2D(top: 1, left: 2, bottom: 1, right: 0),
                 ceilMode: true),
        PoolCase(kind: .average, kernel: Size2D(3, 2), strides: Size2D(1, 2)),
        PoolCase(kind: .average, batch: 3, h: 15, w: 7, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)),
        PoolCase(kind: .average, batch: 3, h: 15, w: 7, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 countIncludePad: true),
        PoolCase(kind: .average, h: 4, w: 4, ceilMode: true),
        PoolCase(kind: .average, h: 4, w: 4, countIncludePad: true, ceilMode: true),
        PoolCase(kind: .average, h: 4, w: 4, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                 countIncludePad: true, ceilMode: true),
        PoolCase(kind: .average, h: 6, w: 7, padding: Padding2D(top: 0, left: 1, bottom: 2, right: 0),
                 countIncludePad: true, ceilMode: true),
        PoolCase(kind: .average, h: 15, w: 7, dilations: Size2D(2, 2), padding: Padding2D(top: 2, left: 1, bottom: 1, right: 2),
                 countIncludePad: true, ceilMode: true),
        PoolCase(kind: .average, h: 15, w: 7, dilations: Size2D(2, 1), padding: Padding2D(top: 2, left: 1, bottom: 1, right: 2),
                 ceilMode: true),
        PoolCase(kind: .average, batch: 1, h: 56, w: 56, c: 64, kernel: Size2D(3, 3),
                 padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)),
    ]
}

func runPool(_ c: PoolCase, input: [Float], threads: Int) -> [Float] {
    let (oh, ow) = c.params.outputSize(inH: c.h, inW: c.w)
    var out = unwritten(c.batch * oh * ow * c.c)
    input.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
            Pool2D.run(c.params, batch: c.batch, inH: c.h, inW: c.w, channels: c.c,
                       input: x.baseAddress!, output: y.baseAddress!, threads: threads)
        }
    }
    return out
}

@Suite struct Pool2DTests {
    @Test(arguments: PoolCase.shapes)
    func matchesReference(_ c: PoolCase) {
        var rng = SeededRandom(seed: 3)
        let input = rng.floats(c.batch * c.h * c.w * c.c)
        let expected = ReferenceKernels.pool2d(c.params, batch: c.batch, inH: c.h, inW: c.w, channels: c.c, input: input)
        let single = runPool(c, input: input, threads: 1)
        let error = relativeL2(single, expected)
        #expect(error <= 1e-5, "\(c): relative L2 \(error)")
        for threads in threadCounts.dropFirst() {
            #expect(bitsEqual(runPool(c, input: input, threads: threads), single),
                    "\(c): \(threads) threads differ from 1 thread")
        }
    }

    static let oneToSixteen = (1...16).map(Float.init)

    /// ONNX backend test test_averagepool_2d_ceil: the last column/row window hangs over the edge.
    @Test func onnxAveragePoolCeil() {
        let c = PoolCase(kind: .average, h: 4, w: 4, c: 1, ceilMode: true)
        let expected: [Float] = [6, 7.5, 12, 13.5]
        #expect(runPool(c, input: Self.oneToSixteen, threads: 1) == expected)
        #expect(ReferenceKernels.pool2d(c.params, batch: 1, inH: 4, inW: 4, channels: 1, input: Self.oneToSixteen)
                == expected.map(Double.init))
    }

    /// ONNX backend test test_maxpool_2d_ceil.
    @Test func onnxMaxPoolCeil() {
        let c = PoolCase(kind: .max, h: 4, w: 4, c: 1, ceilMode: true)
        #expect(runPool(c, input: Self.oneToSixteen, threads: 1) == [11, 12, 15, 16])
    }

    /// PyTorch AvgPool2d(3, stride 2, padding 1, ceil_mode, count_include_pad) on ones(4x4): explicit
    /// padding counts in the divisor, the ceil-mode overhang past the padded edge does not.
    @Test func includePadExcludesCeilOverhang() {
        let c = PoolCase(kind: .average, h: 4, w: 4, c: 1, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                         countIncludePad: true, ceilMode: true)
        #expect(c.params.outputSize(inH: 4, inW: 4) == (3, 3))
        let ones = [Float](repeating: 1, count: 16)
        let expected: [Double] = [4.0 / 9, 6.0 / 9, 2.0 / 6, 6.0 / 9, 1, 3.0 / 6, 2.0 / 6, 3.0 / 6, 1.0 / 4]
        let reference = ReferenceKernels.pool2d(c.params, batch: 1, inH: 4, inW: 4, channels: 1, input: ones)
        #expect(relativeL2(reference.map(Float.init), expected) <= 1e-7, "reference \(reference)")
        #expect(relativeL2(runPool(c, input: ones, threads: 1), expected) <= 1e-7)
    }

    /// Max pooling ignores padding, so all-negative inputs never produce a padded 0.
    @Test func maxIgnoresPadding() {
        let c = PoolCase(kind: .max, h: 2, w: 2, c: 1, kernel: Size2D(2, 2), strides: .one,
                         padding: Padding2D(top: 1, left: 1, bottom: 0, right: 0))
        #expect(runPool(c, input: [-1, -2, -3, -4], threads: 1) == [-1, -1, -1, -1])
    }
}
