import ZooKernels

/// Thread counts every threaded kernel is run with: inline, the machine's two cores, and more
/// workers than cores. All must give identical bits.
let threadCounts = [1, 2, 5]

/// Every activation, with non-default parameters where it has any.
let allActivations: [Activation] = [
    .none, .relu, .relu6, .clip(min: -0.5, max: 1.5), .leakyRelu(alpha: 0.1), .sigmoid,
    .hardSigmoid(alpha: 0.2, beta: 0.5), .hardSwish,
    .kerasReLU(maxValue: 6, negativeSlope: 0.1, threshold: -0.5),
    .kerasReLU(maxValue: nil, negativeSlope: 0, threshold: 0.25),
]

/// Calls `body` with the array's base address, or nil for a nil array.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Floats in an output buffer that no kernel should write: NaN everywhere means
/// "never written", so a skipped element fails the comparison.
func unwritten(_ count: Int) -> [Float] { [Float](repeating: .nan, count: count) }

func bitsEqual(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}
