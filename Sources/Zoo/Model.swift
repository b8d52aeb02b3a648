import Foundation
import Synchronization
import ZooGraph
import ZooKernels
import ZooTensor
import ZooVision

/// A loaded model, ready to classify, embed or run raw tensors. Immutable and `Sendable`:
/// one instance may serve many tasks at once (each run gets its own scratch memory).
public final class Model: Sendable {
    /// The zoo name, or the file's name.
    public let name: String
    /// The optimised inference graph as it runs: NHWC input (see `takesChannelsFirstInput`).
    public let graph: Graph
    /// How images become its input; nil for a bare model file that does not say.
    public let pipeline: ImagePipeline?
    /// The classes of its first output, when known.
    public let labels: ClassLabels?
    /// Whether the graph's first output is logits (softmax applied when classifying).
    public let outputsLogits: Bool
    /// The graph value `embed` returns by default (the pooled features).
    public let embeddingLayer: String?
    /// The zoo model a weights file was recognised as, when nothing named it.
    public let recognizedAs: String?
    /// Whether `run` takes its input NCHW, as the source framework does, while `graph` takes NHWC.
    public let takesChannelsFirstInput: Bool
    let executor: Executor
    /// Executors for `embed(layer:)` on layers other than the default, built once per layer
    /// (building one widens fp16 weights and plans memory).
    private let layerExecutors = Mutex<[String: Executor]>([:])

    init(name: String, graph: Graph, pipeline: ImagePipeline?, labels: ClassLabels?, outputsLogits: Bool,
         embeddingLayer: String?, recognizedAs: String? = nil, threads: Int, kernels: KernelOptions = .default) throws {
        self.name = name
        self.pipeline = pipeline
        self.labels = labels
        self.outputsLogits = outputsLogits
        self.recognizedAs = recognizedAs
        // The embedding rides along as a second output, so one plan serves classify and embed.
        let runnable = try embeddingLayer.map { try graph.addingOutputs([$0]) } ?? graph
        // A graph that rebuilds itself for other input shapes (ONNX) must keep its NCHW input:
        // its specializer re-reads the source at the shapes it is fed.
        let channelsLast = runnable.specializer == nil ? runnable.takingChannelsLastInput() : nil
        // Inputs of another height and width get a graph rebuilt for them (global pooling at the end
        // makes any size work; other networks refuse with the reason), as Keras and PyTorch run them.
        self.graph = (channelsLast ?? runnable).acceptingAnyInputSize(model: name)
        takesChannelsFirstInput = channelsLast != nil
        self.embeddingLayer = embeddingLayer
        executor = Executor(graph: self.graph, threads: threads, kernels: kernels)
    }

    /// The kernel paths and precision every run uses (`LoadOptions.precision`).
    public var kernels: KernelOptions { executor.kernels }

    /// Whether the model's conv and dense weights are stored as bf16 (`zoo convert --bf16`) but
    /// runs compute fp32 (asked for, or no bf16 unit): they widen those weights once, the results
    /// carry the weights' bf16 rounding.
    public var computesFloat32FromBF16Weights: Bool { kernels.precision == .fp32 && graph.holdsBF16Weights }

    /// The name of the (first) graph input.
    public var inputName: String { graph.values[graph.inputs[0]].name }

    /// The execution plan at a batch size: shapes, memory, kernels (what `zoo info` shows).
    public func plan(batch: Int) throws -> ExecutionPlan { try executor.plan(batch: batch) }

    /// Runs the graph on raw tensors, in the source framework's layout; returns every output.
    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        try runGraph(graphLayout(inputs))
    }

    /// Runs the graph on inputs already in its own layout (`graphLayout(_:)`, `graphInput(_:)`):
    /// no transpose, so a server can do that work before its batch reaches the model.
    public func runGraph(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        try executor.run(inputs)
    }

    /// Inputs in the source framework's layout brought to the graph's: an NCHW first input
    /// becomes NHWC when `takesChannelsFirstInput`; anything else is returned as it is.
    public func graphLayout(_ inputs: [String: Tensor]) -> [String: Tensor] {
        guard takesChannelsFirstInput, let x = inputs[inputName], x.shape.rank == 4 else { return inputs }
        var channelsLast = inputs
        channelsLast[inputName] = x.transposed(Layout.nchwToNHWC)
        return channelsLast
    }

    /// The exact input tensor the model sees for these images (one batch), in the source
    /// framework's layout: what `zoo preprocess` writes.
    public func preprocess(_ images: [ImageSource]) throws -> Tensor {
        guard let pipeline else { throw ZooError.noPreprocessing(model: name) }
        return try tensor(images, pipeline)
    }

    /// The same values as `preprocess` in the graph's own layout (`graphPipeline`), written
    /// there directly: what `runGraph` takes as `inputName`.
    public func graphInput(_ images: [ImageSource]) throws -> Tensor {
        try tensor(images, requirePipeline())
    }

    private func tensor(_ images: [ImageSource], _ pipeline: ImagePipeline) throws -> Tensor {
        try pipeline.tensor(from: images.map { try $0.decoded(pipeline.decodeOptions) })
    }

    /// The top-`k` classes of one image, best first, ties in index order.
    public func classify(_ image: ImageSource, top k: Int = 5) throws -> [Prediction] {
        try classify([image], top: k)[0].get()
    }

    /// The top-`k` classes of each image: one result per image, its predictions or its own
    /// error (a bad image does not stop the others). Images are decoded one at a time and
    /// reduced to the model's input size at once, then run `batchSize` at a time; `onResult`
    /// sees each result, in input order, as soon as its batch is done.
    public func classify(_ images: [ImageSource], top k: Int = 5, batchSize: Int = 8,
                         onResult: ((Int, ImageResult<[Prediction]>) -> Void)? = nil) -> [ImageResult<[Prediction]>] {
        forEachBatch(images, batchSize: batchSize, onResult: onResult) { try classifications(of: $0, top: k) }
    }

    /// The pooled features of one image (VGG: fc2; most others: the global-average-pooled map).
    public func embed(_ image: ImageSource) throws -> [Float] {
        try embed([image])[0].get()
    }

    /// Features of each image from `layer` (default: the model's embedding layer), flattened:
    /// one result per image, as `classify(_:top:batchSize:onResult:)`.
    public func embed(_ images: [ImageSource], layer: String? = nil, batchSize: Int = 8,
                      onResult: ((Int, ImageResult<[Float]>) -> Void)? = nil) -> [ImageResult<[Float]>] {
        forEachBatch(images, batchSize: batchSize, onResult: onResult) { batch in
            try rows(try features(of: batch, layer: layer))
        }
    }

    /// Features of every image as one `[N, D]` tensor; the first bad image is the error.
    public func embeddings(_ images: [ImageSource], layer: String? = nil) throws -> Tensor {
        let rows = try embed(images, layer: layer).map { try $0.get() }
        let width = rows.first?.count ?? 0
        return Tensor(shape: [rows.count, width], floats: rows.flatMap { $0 })
    }

    /// The output of `layer` (default: the embedding layer) for an input batch in the graph's layout.
    func features(of batch: Tensor, layer: String?) throws -> Tensor {
        guard let name = layer ?? embeddingLayer else {
            throw ZooError.badArgument("\(self.name) has no default embedding layer: name one with --layer")
        }
        let runner = graph.outputs.contains(where: { $0.name == name }) ? executor : try layerExecutor(name)
        return try runner.run([inputName: batch])[name]!
    }

    private func layerExecutor(_ name: String) throws -> Executor {
        if let cached = layerExecutors.withLock({ $0[name] }) { return cached }
        let built = Executor(graph: try graph.addingOutputs([name]), threads: executor.threads, kernels: executor.kernels)
        layerExecutors.withLock { $0[name] = built }
        return built
    }

    /// The pipeline writing `graph`'s own layout (NHWC where `run` takes NCHW): what batches of
    /// images are fed, and what a model built on this graph (a fine-tuned head) records.
    public var graphPipeline: ImagePipeline? {
        guard var pipeline else { return nil }
        if takesChannelsFirstInput { pipeline.layout = .nhwc }
        return pipeline
    }

    func requirePipeline() throws -> ImagePipeline {
        guard let graphPipeline else { throw ZooError.noPreprocessing(model: name) }
        return graphPipeline
    }
}

/// What one image gave: its result, or the error that image alone met.
public typealias ImageResult<Success> = Result<Success, any Error>

/// Softmax in double precision (as the frameworks' float64 references are computed).
func softmax(_ logits: [Float]) -> [Float] {
    let top = Double(logits.max() ?? 0)
    let exps = logits.map { Foundation.exp(Double($0) - top) }
    let sum = exps.reduce(0, +)
    return exps.map { Float($0 / sum) }
}

/// The rows of a `[N, ...]` tensor, each flattened.
func rows(_ tensor: Tensor) throws -> [[Float]] {
    let n = tensor.shape.rank > 0 ? tensor.shape[0] : 1
    let values = tensor.floats
    let width = values.count / max(n, 1)
    return (0..<n).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
}
