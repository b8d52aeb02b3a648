import Foundation
import ZooVision

/// A model whose classifier was replaced (see `Model.replacingHead`): the base model's backbone,
/// frozen, up to its pooled embedding, and a new trainable head. Train it with `fit`, check it
/// with `evaluate`, use it with `classify`, and `save` it as a `.zoo` that every command loads.
public struct FineTunedModel: Sendable {
    /// The model the backbone comes from (its head is not used).
    public let base: Model
    /// The base model's value the head reads.
    public let embeddingLayer: String
    /// The new class names, in output order.
    public let classes: [String]
    /// The new classifier head and its parameters.
    public var head: TrainableHead
    /// The last `fit`'s report, recorded in the provenance `save` writes.
    public internal(set) var lastTraining: TrainingReport?

    init(base: Model, embeddingLayer: String, classes: [String], head: TrainableHead) {
        self.base = base
        self.embeddingLayer = embeddingLayer
        self.classes = classes
        self.head = head
    }

    /// Images per backbone batch. Fixed, so that embeddings never depend on how the work is cut.
    static let embeddingBatch = 16

    /// The backbone's features of every sample, labelled in this model's classes (a dataset
    /// class is matched by name; one this model lacks is an error). `progress` gets
    /// (done, total) after each batch. With an augmentation, each image is changed first, by
    /// a generator drawn from `seed` and its position, so results do not depend on batching.
    public func embeddings(of dataset: ImageFolderDataset, augmentation: Augmentation = .none, seed: UInt64 = 0,
                           progress: ((Int, Int) -> Void)? = nil) throws -> EmbeddedDataset {
        let labelMap = try dataset.classes.map { name -> Int in
            guard let i = classes.firstIndex(of: name) else {
                throw FineTuningError.badDataset("the dataset's class '\(name)' is not one of the model's classes (\(classes.joined(separator: ", ")))")
            }
            return i
        }
        guard let pipeline = base.pipeline else { throw ZooError.noPreprocessing(model: base.name) }
        var features: [Float] = []
        var dimension = head.inputWidth
        let samples = dataset.samples
        for start in stride(from: 0, to: samples.count, by: Self.embeddingBatch) {
            let batch = start..<min(start + Self.embeddingBatch, samples.count)
            let images: [ImageSource] = try batch.map { i in
                guard !augmentation.isNone else { return samples[i].image }
                var rng = SplitMix64.derived(seed: seed, 0xA06, UInt64(i))
                return .rgb(augmentation.applied(to: try samples[i].image.decoded(pipeline.decodeOptions), rng: &rng))
            }
            let out = try base.embeddings(images, layer: embeddingLayer)
            dimension = out.shape[1]
            features += out.floats
            progress?(batch.upperBound, samples.count)
        }
        guard dimension == head.inputWidth else {
            throw FineTuningError.unsuitableModel(model: base.name, detail: "embeddings have \(dimension) values, the head expects \(head.inputWidth)")
        }
        return EmbeddedDataset(classes: classes, dimension: dimension, features: features,
                               labels: samples.map { labelMap[$0.label] })
    }

    /// Accuracy, per-class precision and recall, and the confusion matrix on `data`, computed
    /// by the training head in float64.
    public func evaluate(_ data: EmbeddedDataset) throws -> Evaluation {
        try checkFits(data)
        return Evaluation(classes: classes, labels: data.labels,
                          logits: head.logits(data.doubles(), count: data.count))
    }

    /// `evaluate` on a dataset's images (embedded first).
    public func evaluate(_ dataset: ImageFolderDataset) throws -> Evaluation {
        try evaluate(try embeddings(of: dataset))
    }

    /// The top-`k` classes of an image, from the same graph `save` writes.
    public func classify(_ image: ImageSource, top k: Int = 5) throws -> [Prediction] {
        try classifier().classify(image, top: k)
    }

    func checkFits(_ data: EmbeddedDataset) throws {
        guard data.classes == classes, data.dimension == head.inputWidth else {
            throw FineTuningError.badDataset("embedded data has classes \(data.classes) and \(data.dimension) values per row; the model has \(classes) and \(head.inputWidth)")
        }
    }
}
