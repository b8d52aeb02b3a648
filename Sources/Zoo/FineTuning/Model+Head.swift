import ZooGraph
import ZooVision

extension Model {
    /// A model for a graph at hand (built in code, or read with `Zoo.loadGraph`), with how
    /// images become its input, its labels and the value `embed` returns. The graph is
    /// optimised first unless `optimize` is false.
    public convenience init(graph: Graph, name: String? = nil, pipeline: ImagePipeline?, labels: ClassLabels? = nil,
                            outputsLogits: Bool = true, embeddingLayer: String? = nil, optimize: Bool = true,
                            threads: Int = ThreadCount.default) throws {
        try self.init(name: name ?? graph.name, graph: optimize ? GraphOptimizer.optimize(graph) : graph, pipeline: pipeline,
                      labels: labels, outputsLogits: outputsLogits, embeddingLayer: embeddingLayer, threads: threads)
    }

    /// This model's backbone, frozen, up to its embedding layer (`layer`, default the model's
    /// own), under a new head for `classes`: `hidden` Dense + ReLU layers of those widths, then
    /// Dense + softmax, initialised from `seed`. `dropout` applies to each Dense layer's input
    /// while training.
    public func replacingHead(classes: [String], hidden: [Int] = [], dropout: Double = 0, layer: String? = nil,
                              seed: UInt64 = 0) throws -> FineTunedModel {
        guard pipeline != nil else { throw ZooError.noPreprocessing(model: name) }
        guard let layer = layer ?? embeddingLayer else {
            throw FineTuningError.unsuitableModel(model: name, detail: "no embedding layer known: name the layer to put the head on")
        }
        guard let id = try graph.addingOutputs([layer]).value(named: layer) else {
            throw FineTuningError.unsuitableModel(model: name, detail: "no value '\(layer)'")
        }
        let shape = graph.values[id].shape
        guard shape.rank >= 2 else { throw FineTuningError.unsuitableModel(model: name, detail: "'\(layer)' has shape \(shape), no batch of features") }
        let width = shape.dims.dropFirst().reduce(1, *)
        guard classes.count >= 2 else { throw FineTuningError.badArgument("a head needs at least 2 classes, got \(classes)") }
        guard Set(classes).count == classes.count, !classes.contains("") else {
            throw FineTuningError.badArgument("class names must be distinct and not empty: \(classes)")
        }
        guard hidden.allSatisfy({ $0 > 0 }) else { throw FineTuningError.badArgument("hidden layer widths must be positive: \(hidden)") }
        guard (0..<1).contains(dropout) else { throw FineTuningError.badArgument("dropout \(dropout): must be in [0, 1)") }
        let head = TrainableHead(layerSizes: [width] + hidden + [classes.count], dropout: dropout, seed: seed)
        return FineTunedModel(base: self, embeddingLayer: layer, classes: classes, head: head)
    }
}
