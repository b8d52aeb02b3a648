import Testing
import ZooKernels
import ZooTensor
import ZooTestSupport

@Suite struct ConstantPadTests {
    static let cases: [(shape: Shape, before: [Int], after: [Int])] = [
        ([1, 7, 5, 3], [0, 0, 1, 0], [0, 1, 1, 0]),  // Keras ZeroPadding2D ((0,1),(1,1))
        ([3, 15, 7, 2], [0, 2, 3, 0], [0, 1, 0, 0]),
        ([2, 3, 4], [1, 0, 2], [2, 1, 0]),  // every axis, including the outermost
        ([5], [3], [2]),
        ([2, 3], [0, 0], [0, 0]),
    ]

    @Test(arguments: cases)
    func matchesReference(_ shape: Shape, _ before: [Int], _ after: [Int]) {
        var rng = SeededRandom(seed: 23)
        let input = rng.floats(shape.elementCount)
        let outCount = (0..<shape.rank).reduce(1) { $0 * (shape[$1] + before[$1] + after[$1]) }
        var out = unwritten(outCount)
        ConstantPad.run(input: input, inShape: shape, before: before, after: after, value: -0.5, output: &out)
        let expected = ReferenceKernels.constantPad(input: input, inShape: shape, before: before, after: after,
                                                    value: Float(-0.5))
        #expect(out == expected, "pad \(shape) before \(before) after \(after)")
    }

    @Test func handComputed() {
        // [1,2] padded one before and two after with 0.
        var out = unwritten(5)
        ConstantPad.run(input: [7, 8], inShape: [2], before: [1], after: [2], value: 0, output: &out)
        #expect(out == [0, 7, 8, 0, 0])
    }
}
