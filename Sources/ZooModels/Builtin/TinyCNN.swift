import ZooGraph
import ZooKernels
import ZooTensor

/// `tiny-cnn`: a small residual CNN on 32x32 RGB (conv-BN-ReLU, a residual block, pooling and
/// a 10-class classifier) with random weights from a fixed seed, the same on every machine.
enum TinyCNN {
    static func graph() throws -> Graph {
        var rng = LinearCongruential(seed: 42)
        func random(_ shape: Shape, scale: Float) -> Tensor {
            Tensor(shape: shape, floats: (0..<shape.elementCount).map { _ in rng.uniform() * scale })
        }
        func positive(_ n: Int) -> Tensor { Tensor(shape: [n], floats: (0..<n).map { _ in 0.5 + abs(rng.uniform()) }) }
        var b = GraphBuilder(name: "tiny-cnn")
        let x = try b.input("input", shape: [1, 32, 32, 3])
        var h = try b.conv2d(x, weights: random([3, 3, 3, 16], scale: 0.3), bias: nil,
                             params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1)),
                             name: "conv1")
        h = try b.batchNorm(h, scale: positive(16), bias: random([16], scale: 0.1), mean: random([16], scale: 0.1),
                            variance: positive(16), epsilon: 1e-3, name: "conv1_bn")
        h = try b.add(.activation(.relu), inputs: [h], name: "conv1_relu")
        var r = try b.conv2d(h, weights: random([3, 3, 16, 16], scale: 0.1), bias: random([16], scale: 0.1),
                             params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)),
                             name: "block1_conv")
        r = try b.add(.binary(.add), inputs: [r, h], name: "block1_add")
        r = try b.add(.activation(.relu6), inputs: [r], name: "block1_relu")
        let pooled = try b.add(.globalPool(.average, keepDims: false), inputs: [r], name: "avg_pool")
        let logits = try b.dense(pooled, weights: random([16, 10], scale: 0.3), bias: random([10], scale: 0.1), name: "predictions")
        let probs = try b.add(.softmax(axis: 1), inputs: [logits], name: "probabilities")
        b.output(probs)
        return b.build()
    }
}

/// A tiny deterministic generator so built-in weights are the same on every machine.
struct LinearCongruential {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    /// Uniform in [-1, 1).
    mutating func uniform() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 23) - 1
    }
}
