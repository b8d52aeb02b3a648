import Foundation
import ZooFormat
import ZooGraph
import ZooTensor
import ZooVision

extension FineTunedModel {
    /// The name the saved model's output goes by.
    public static let outputName = "probabilities"

    /// The whole classifier as one graph: the base graph cut at the embedding, then the head as
    /// ordinary nodes (Dense + ReLU ..., Dense, Softmax) with float32 weights. This is what
    /// `save` writes and `classifier()` runs, so both give the same numbers.
    public func graph() throws -> Graph {
        let backbone = try base.graph.truncated(at: embeddingLayer)
        let suffix = "-finetuned"
        var builder = try backbone.extendingBuilder(name: backbone.name.hasSuffix(suffix) ? backbone.name : backbone.name + suffix)
        guard var x = builder.value(named: embeddingLayer) else {
            throw FineTuningError.unsuitableModel(model: base.name, detail: "no value '\(embeddingLayer)' after truncation")
        }
        // A prefix no backbone value uses, so head names never collide.
        var prefix = "head"
        var n = 1
        while builder.value(named: prefix + "/logits") != nil || builder.value(named: prefix + "/flatten") != nil {
            n += 1
            prefix = "head_\(n)"
        }
        if builder.shape(of: x).rank != 2 { x = try builder.add(.flatten(axis: 1), inputs: [x], name: prefix + "/flatten") }
        for l in 0..<head.layerCount {
            let (kr, br) = head.ranges(ofLayer: l)
            let kernel = Tensor(shape: [head.layerSizes[l], head.layerSizes[l + 1]], floats: head.parameters[kr].map(Float.init))
            let bias = Tensor(shape: [head.layerSizes[l + 1]], floats: head.parameters[br].map(Float.init))
            let isLast = l == head.layerCount - 1
            x = try builder.dense(x, weights: kernel, bias: bias, activation: isLast ? .none : .relu,
                                  name: isLast ? prefix + "/logits" : "\(prefix)/dense_\(l + 1)")
        }
        let probabilities = try builder.add(.softmax(axis: 1), inputs: [x], name: prefix + "/probabilities")
        builder.output(probabilities, name: Self.outputName)
        return builder.build()
    }

    /// The fine-tuned classifier as a plain `Model` (what loading the saved file gives):
    /// `classify` names the new classes, `embed` still gives the backbone's features.
    public func classifier(threads: Int = ThreadCount.default) throws -> Model {
        try Model(name: base.name.hasSuffix("-finetuned") ? base.name : base.name + "-finetuned", graph: GraphOptimizer.optimize(try graph()), pipeline: base.graphPipeline,
                  labels: ClassLabels(names: classes), outputsLogits: false, embeddingLayer: embeddingLayer, threads: threads)
    }

    /// Writes the classifier as a `.zoo` file (atomically): the graph, the base model's
    /// preprocessing, output "probabilities", the class names as labels, and provenance JSON
    /// (base model, head, the last training's dataset counts, settings and final metrics).
    public func save(to url: URL) throws {
        guard let pipeline = base.graphPipeline else { throw ZooError.noPreprocessing(model: base.name) }
        let composed = try graph()
        let card = try ModelCard(for: pipeline, name: url.deletingPathExtension().lastPathComponent, architecture: base.name,
                                 inputName: composed.values[composed.inputs[0]].name, output: .probabilities, embedding: embeddingLayer)
        let metadata = try card.metadata(labels: ClassLabels(names: classes), provenance: try provenance())
        try ZooFileWriter.write(composed, metadata: metadata, to: url)
    }

    /// Provenance JSON: where the model came from and how well it did.
    func provenance() throws -> String {
        struct Provenance: Encodable {
            var trainer: String
            var date: String
            var baseModel: String
            var embeddingLayer: String
            var head: Head
            var dataset: Dataset?
            var training: TrainingReport.Settings?
            var bestEpoch: Int?
            var stoppedEarly: Bool?
            var metrics: Metrics?
        }
        struct Head: Encodable { var layerSizes: [Int]; var dropout: Double }
        struct Dataset: Encodable { var classes: [String: Int]; var train: [String: Int]; var validation: [String: Int] }
        struct Metrics: Encodable {
            var evaluatedOn: String
            var samples: Int
            var accuracy: Double
            var loss: Double
            var precision: [String: Double]
            var recall: [String: Double]
            var confusion: [[Int]]
        }
        func byClass<T>(_ values: [T]) -> [String: T] { Dictionary(uniqueKeysWithValues: zip(classes, values)) }
        let t = lastTraining
        let value = Provenance(
            trainer: "zoo \(Zoo.version) finetune", date: ISO8601DateFormatter().string(from: Date()), baseModel: base.name,
            embeddingLayer: embeddingLayer, head: Head(layerSizes: head.layerSizes, dropout: head.dropout),
            dataset: t.map { Dataset(classes: byClass(zip($0.trainCounts, $0.validationCounts).map(+)), train: byClass($0.trainCounts),
                                     validation: byClass($0.validationCounts)) },
            training: t?.settings, bestEpoch: t?.bestEpoch, stoppedEarly: t?.stoppedEarly,
            metrics: t.map { Metrics(evaluatedOn: $0.evaluatedOn, samples: $0.final.count, accuracy: $0.final.accuracy, loss: $0.final.loss,
                                     precision: byClass($0.final.precision), recall: byClass($0.final.recall), confusion: $0.final.confusion) })
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
