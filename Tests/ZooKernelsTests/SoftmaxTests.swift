import Testing
import ZooKernels
import ZooTestSupport

@Suite struct SoftmaxTests {
    @Test(arguments: [(1, 1000, 1), (3, 7, 5), (2, 1, 3), (4, 10, 1), (1, 3, 17)])
    func matchesReference(_ size: (outer: Int, axis: Int, inner: Int)) {
        var rng = SeededRandom(seed: 17)
        let input = rng.floats(size.outer * size.axis * size.inner, in: -10...10)
        var out = unwritten(input.count)
        Softmax.run(input: input, output: &out, outer: size.outer, axis: size.axis, inner: size.inner)
        let expected = ReferenceKernels.softmax(input: input, outer: size.outer, axis: size.axis, inner: size.inner)
        let error = relativeL2(out, expected)
        #expect(error <= 1e-5, "softmax \(size): relative L2 \(error)")
    }

    /// Huge logits would overflow exp without the max subtraction.
    @Test func largeLogitsStayFinite() {
        var out = unwritten(3)
        Softmax.run(input: [1000, 999, -1000], output: &out, outer: 1, axis: 3, inner: 1)
        let e: Float = 2.7182817
        #expect(out.allSatisfy { $0.isFinite })
        #expect(abs(out[0] - e / (e + 1)) < 1e-6 && abs(out[1] - 1 / (e + 1)) < 1e-6 && out[2] == 0)
    }
}

