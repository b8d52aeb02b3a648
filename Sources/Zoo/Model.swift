import Foundation
import Synchronization
import ZooGraph
import ZooTensor
import ZooVision

/// A loaded model, ready to classify, embed or run raw tensors. Immutable and `Sendable`:
/// one instance may serve many tasks at once (each run gets its own scratch memory).
public final class Model: Sendable {
    public let name: String
    /// The optimised inference graph.
    public let graph: Graph
    /// How images become its input; nil for a bare model file that does not say.
    public let pipeline: ImagePipeline?
    public let labels: ClassLabels?
    /// Whether the graph's first output is logits (softmax applied when classifying).
    public let outputsLogits: Bool
    /// The graph value `embed` returns by default (the pooled features).
    public let embeddingLayer: String?
    private let executor: Executor
    /// Executors for `embed(layer:)` on layers other than the default, built once per layer
    /// (building one widens fp16 weights and plans memory).
    private let layerExecutors = Mutex<[String: Executor]>([:])

    init(name: String, graph: Graph, pipeline: ImagePipeline?, labels: ClassLabels?, outputsLogits: Bool,
         embeddingLayer: String?, threads: Int) throws {
        self.name = name
        self.pipeline = pipeline
        self.labels = labels
        self.outputsLogits = outputsLogits
        // The embedding rides along as a second output, so one plan serves classify and embed.
        let runnable = try embeddingLayer.map { try graph.addingOutputs([$0]) } ?? graph
        self.graph = runnable
        self.embeddingLayer = embeddingLayer
        executor = Executor(graph: runnable, threads: threads)
    }

    /// Runs the graph on raw tensors, in the source framework's layout; returns every output.
    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] { try executor.run(inputs) }

    /// The exact input tensor the model sees for these images (one batch).
    public func preprocess(_ images: [ImageSource]) throws -> Tensor {
        guard let pipeline else { throw ZooError.noPreprocessing(model: name) }
        return try pipeline.tensor(from: images.map { try $0.decoded(pipeline.decodeOptions) })
    }

    /// The top-`k` classes of one image, best first, ties in index order.
    public func classify(_ image: ImageSource, top k: Int = 5) throws -> [Prediction] {
        try classify([image], top: k)[0]
    }

    /// The top-`k` classes of each image, computed as one batch.
    public func classify(_ images: [ImageSource], top k: Int = 5) throws -> [[Prediction]] {
        guard let labels else { throw ZooError.noPreprocessing(model: name) }
        let scores = try outputRows(images, output: graph.outputs[0].name)
        if let width = scores.first?.count, width != labels.count {
            throw ZooError.badArgument("\(name) outputs \(width) scores but has \(labels.count) class labels")
        }
        return scores.map { row in labels.top(k, of: outputsLogits ? softmax(row) : row) }
    }

    /// The pooled features of one image (VGG: fc2; most others: the global-average-pooled map).
    public func embed(_ image: ImageSource) throws -> [Float] {
        try embed([image]).floats
    }

    /// Features of each image as a `[N, D]` tensor, from `layer` (default: the model's embedding layer).
    public func embed(_ images: [ImageSource], layer: String? = nil) throws -> Tensor {
        guard let name = layer ?? embeddingLayer else {
            throw ZooError.badArgument("\(self.name) has no default embedding layer: name one with --layer")
        }
        let input = try preprocess(images)
        let out: Tensor
        if graph.outputs.contains(where: { $0.name == name }) {
            out = try executor.run([graph.values[graph.inputs[0]].name: input])[name]!
        } else {
            let inner = try layerExecutor(name)
            out = try inner.run([graph.values[graph.inputs[0]].name: input])[name]!
        }
        let rows = out.shape[0]
        return out.reshaped([rows, out.elementCount / max(rows, 1)])
    }

    private func layerExecutor(_ name: String) throws -> Executor {
        if let cached = layerExecutors.withLock({ $0[name] }) { return cached }
        let built = Executor(graph: try graph.addingOutputs([name]), threads: executor.threads)
        layerExecutors.withLock { $0[name] = built }
        return built
    }

    private func outputRows(_ images: [ImageSource], output: String) throws -> [[Float]] {
        let input = try preprocess(images)
        let out = try executor.run([graph.values[graph.inputs[0]].name: input])[output]!
        let values = out.floats
        let width = values.count / max(images.count, 1)
        return (0..<images.count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }
}

/// Softmax in double precision (as the frameworks' float64 references are computed).
func softmax(_ logits: [Float]) -> [Float] {
    let top = Double(logits.max() ?? 0)
    let exps = logits.map { Foundation.exp(Double($0) - top) }
    let sum = exps.reduce(0, +)
    return exps.map { Float($0 / sum) }
}
