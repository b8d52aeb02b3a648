import ZooGraph
import ZooKernels
import ZooTensor

/// The machine's sgemm speed through zoo's own GEMM path: a one-layer graph (a dense layer
/// without bias, so the epilogue does nothing) run by the executor, which tiles the product
/// and spreads the tiles over the threads as it does for every convolution and dense layer.
/// The best rate over a few shapes is the "peak" a model's FLOP count is divided by.
public struct GEMMPeak: Sendable {
    /// One shape's rate.
    public struct Measurement: Sendable {
        /// The product's sizes: `[m, k] x [k, n]`.
        public var m, n, k: Int
        /// Billions of floating-point operations per second (two per multiply-add).
        public var gflopsPerSecond: Double
    }

    /// Each shape measured, in the order of `shapes`.
    public var shapes: [Measurement]
    /// The best rate over the shapes: the peak.
    public var gflopsPerSecond: Double { shapes.map(\.gflopsPerSecond).max() ?? 0 }

    /// Square, and the im2col shapes of a ResNet 3x3 (56x56x64) and 1x1 (56x56, 64 -> 256) layer.
    public static let defaultShapes: [(m: Int, n: Int, k: Int)] = [
        (1024, 1024, 1024), (3136, 64, 576), (3136, 256, 64), (196, 256, 2304),
    ]

    /// Runs each shape `runs` times after one warm-up and keeps the median rate, with `kernels`
    /// (at bf16, the rate of the bf16 unit the model runs on).
    public static func measure(threads: Int, runs: Int = 5, kernels: KernelOptions = .default,
                               shapes: [(m: Int, n: Int, k: Int)] = defaultShapes) throws -> GEMMPeak {
        var measured: [Measurement] = []
        for (m, n, k) in shapes {
            var b = GraphBuilder(name: "gemm-\(m)x\(n)x\(k)")
            let x = try b.input("a", shape: [m, k])
            let weights = Tensor(shape: [k, n], floats: (0..<(k * n)).map { Float($0 % 7) * 0.01 - 0.03 })
            b.output(try b.dense(x, weights: weights, bias: nil, name: "product"))
            let graph = b.build()
            let executor = Executor(graph: graph, threads: threads, kernels: kernels)
            let inputs = try SyntheticInputs.make(for: graph, batch: m)
            _ = try executor.run(inputs)
            let seconds = try (0..<max(1, runs)).map { _ in try Stopwatch.seconds { _ = try executor.run(inputs) } }
            let median = LatencyStatistics(samples: seconds).median
            measured.append(Measurement(m: m, n: n, k: k, gflopsPerSecond: Double(2 * m * n * k) / median / 1e9))
        }
        return GEMMPeak(shapes: measured)
    }
}
