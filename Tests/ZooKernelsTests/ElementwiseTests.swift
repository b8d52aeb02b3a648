import Testing
import ZooKernels
import ZooTensor
import ZooTestSupport

struct BroadcastCase: CustomStringConvertible, Sendable {
    var a: Shape, b: Shape, out: Shape
    var description: String { "\(a) with \(b) -> \(out)" }

    static let all: [BroadcastCase] = [
        BroadcastCase(a: [2, 3, 4, 5], b: [2, 3, 4, 5], out: [2, 3, 4, 5]),  // same shape
        BroadcastCase(a: [3, 7, 5, 6], b: [], out: [3, 7, 5, 6]),  // scalar b
        BroadcastCase(a: [1], b: [3, 7, 5, 6], out: [3, 7, 5, 6]),  // scalar a
        BroadcastCase(a: [3, 5, 7, 8], b: [8], out: [3, 5, 7, 8]),  // per-channel
        BroadcastCase(a: [3, 5, 7, 8], b: [1, 1, 1, 8], out: [3, 5, 7, 8]),
        BroadcastCase(a: [8], b: [2, 3, 8], out: [2, 3, 8]),  // per-channel on the left
        BroadcastCase(a: [3, 1, 7, 1], b: [1, 5, 1, 4], out: [3, 5, 7, 4]),  // both broadcast
        BroadcastCase(a: [2, 3, 4], b: [3, 1], out: [2, 3, 4]),  // ranks differ
        BroadcastCase(a: [4, 1], b: [1, 6], out: [4, 6]),
        BroadcastCase(a: [2, 5, 5, 3], b: [2, 1, 1, 3], out: [2, 5, 5, 3]),  // squeeze-excite scale
        BroadcastCase(a: [1, 1, 1, 1], b: [1], out: [1, 1, 1, 1]),
        BroadcastCase(a: [2, 64, 64, 16], b: [16], out: [2, 64, 64, 16]),  // big enough to thread
        BroadcastCase(a: [2, 64, 64, 16], b: [2, 64, 64, 16], out: [2, 64, 64, 16]),
        BroadcastCase(a: [2, 64, 1, 16], b: [1, 64, 33, 1], out: [2, 64, 33, 16]),
    ]
}

@Suite struct ElementwiseTests {
    @Test(arguments: allActivations)
    func activationMatchesReference(_ act: Activation) {
        var rng = SeededRandom(seed: 5)
        let input = rng.floats(100_003, in: -8...8)
        let expected = ReferenceKernels.activation(act, input)
        var single = [Float]()
        for threads in threadCounts {
            var out = unwritten(input.count)
            Elementwise.activation(act, input: input, output: &out, count: input.count, threads: threads)
            if threads == 1 {
                single = out
                let error = relativeL2(out, expected)
                #expect(error <= 1e-5, "\(act): relative L2 \(error)")
            } else {
                #expect(bitsEqual(out, single), "\(act): \(threads) threads differ from 1 thread")
            }
        }
    }

    @Test func activationFormulas() {
        let x: [Float] = [-4, -1, 0, 1, 7]
        func run(_ act: Activation) -> [Float] {
            var out = unwritten(x.count)
            Elementwise.activation(act, input: x, output: &out, count: x.count, threads: 1)
            return out
        }
        #expect(run(.relu) == [0, 0, 0, 1, 7])
        #expect(run(.relu6) == [0, 0, 0, 1, 6])
        #expect(run(.clip(min: -1, max: 2)) == [-1, -1, 0, 1, 2])
        #expect(run(.leakyRelu(alpha: 0.5)) == [-2, -0.5, 0, 1, 7])
        #expect(run(.hardSigmoid(alpha: 0.2, beta: 0.5)) == [0, 0.3, 0.5, 0.7, 1])
        #expect(run(.hardSwish) == [0, -1.0 / 3, 0, 4.0 / 6, 7])
        #expect(run(.sigmoid)[2] == 0.5)
        #expect(ReferenceKernels.activation(.hardSwish, x) == [0, -1.0 / 3, 0, 4.0 / 6, 7])
        #expect(ReferenceKernels.activation(.sigmoid, 0) == 0.5)
    }

    @Test(arguments: BroadcastCase.all, [BinaryOp.add, .sub, .mul, .div])
    func binaryMatchesReference(_ c: BroadcastCase, _ op: BinaryOp) {
        var rng = SeededRandom(seed: 9)
        let a = rng.floats(c.a.elementCount)
        // Divisors kept away from zero so the relative error means something.
        let b = rng.floats(c.b.elementCount, in: 0.5...2).map { Bool.random(using: &rng) ? $0 : -$0 }
        let expected = ReferenceKernels.binary(op, a: a, aShape: c.a, b: b, bShape: c.b, outShape: c.out)
        var single = [Float]()
        for threads in threadCounts {
            var out = unwritten(c.out.elementCount)
            Elementwise.binary(op, a: a, aShape: c.a, b: b, bShape: c.b, output: &out, outShape: c.out, threads: threads)
            if threads == 1 {
                single = out
                let error = relativeL2(out, expected)
                #expect(error <= 1e-6, "\(op) \(c): relative L2 \(error)")
            } else {
                #expect(bitsEqual(out, single), "\(op) \(c): \(threads) threads differ from 1 thread")
            }
        }
    }

    @Test func binaryHandComputed() {
        var out = unwritten(6)
        // [2,3] / [3]: true division, broadcast per column.
        Elementwise.binary(.div, a: [1, 2, 3, 4, 5, 6], aShape: [2, 3], b: [2, 4, 8], bShape: [3],
                           output: &out, outShape: [2, 3], threads: 1)
        #expect(out == [0.5, 0.5, 0.375, 2, 1.25, 0.75])
        // [2,1] - [1,3]
        Elementwise.binary(.sub, a: [10, 20], aShape: [2, 1], b: [1, 2, 3], bShape: [1, 3],
                           output: &out, outShape: [2, 3], threads: 1)
        #expect(out == [9, 8, 7, 19, 18, 17])
    }

    /// The executor may reuse an operand's buffer for the result.
    @Test func binaryInPlace() {
        var x: [Float] = [1, 2, 3, 4, 5, 6]
        x.withUnsafeMutableBufferPointer { p in
            Elementwise.binary(.mul, a: p.baseAddress!, aShape: [2, 3], b: [2, 3, 4], bShape: [3],
                               output: p.baseAddress!, outShape: [2, 3], threads: 1)
        }
        #expect(x == [2, 6, 12, 8, 15, 24])
    }

    @Test(arguments: [(1, 7), (15 * 7, 5), (3 * 56 * 56, 64)])
    func channelAffineMatchesReference(_ size: (rows: Int, channels: Int)) {
        var rng = SeededRandom(seed: 13)
        let count = size.rows * size.channels
        let input = rng.floats(count), scale = rng.floats(size.channels), shift = rng.floats(size.channels)
        let expected = ReferenceKernels.channelAffine(input: input, scale: scale, shift: shift, channels: size.channels)
        var single = [Float]()
        for threads in threadCounts {
            var out = unwritten(count)
            Elementwise.channelAffine(input: input, scale: scale, shift: shift, channels: size.channels,
                                      count: count, output: &out, threads: threads)
            if threads == 1 {
                single = out
                let error = relativeL2(out, expected)
                #expect(error <= 1e-6, "channelAffine \(size): relative L2 \(error)")
            } else {
                #expect(bitsEqual(out, single), "channelAffine \(size): \(threads) threads differ")
            }
        }
    }
}
