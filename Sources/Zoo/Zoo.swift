import Foundation
import ZooFetch
import ZooFormat
import ZooGraph
import ZooVision

/// zoo: a model zoo and inference runtime for image CNNs.
///
/// ```swift
/// let model = try Zoo.load("efficientnet-lite0")
/// for p in try model.classify(.file(URL(fileURLWithPath: "cat.jpg"))) {
///     print(p.label, p.score)
/// }
/// ```
public enum Zoo {
    public static let version = "0.1.0"

    /// Loads a zoo model by name (see `zoo list`) from the weights cache, or from `weights`
    /// (a file you downloaded yourself: the source weights or a converted `.zoo`).
    public static func load(_ name: String, weights: URL? = nil, cache: WeightsCache = .default,
                            appliesEXIFOrientation: Bool = true, threads: Int = ThreadCount.default) throws -> Model {
        guard let manifest = try ModelCatalog.manifest(named: name) else { throw ZooError.unknownModel(name) }
        if let weights, !FileManager.default.fileExists(atPath: weights.path) {
            throw ZooError.badModel(file: weights, detail: "no such file (given as the weights of \(name))")
        }
        let file = try weights ?? cachedWeights(for: manifest, in: cache)
        let graph: Graph
        if file.pathExtension == "zoo" {
            graph = try ZooFile.load(file).graph
        } else {
            graph = try ModelLoader.loadGraph(file.path, architecture: manifest.architecture)
        }
        return try Model(name: name, graph: graph, pipeline: try manifest.pipeline(appliesEXIFOrientation: appliesEXIFOrientation),
                         labels: try ModelCatalog.labels(for: manifest),
                         outputsLogits: manifest.output == "logits", embeddingLayer: manifest.embedding, threads: threads)
    }

    /// Loads a model file (.zoo, .onnx, .h5, .keras, .pth). A `.zoo` converted from a zoo model
    /// knows its preprocessing and labels; for other files, `arch` naming a zoo model supplies
    /// them (and the architecture of a weights-only file).
    public static func load(file: URL, arch: String? = nil, appliesEXIFOrientation: Bool = true,
                            threads: Int = ThreadCount.default) throws -> Model {
        let name = file.lastPathComponent
        if file.pathExtension == "zoo" {
            let zooFile = try ZooFile.load(file)
            let (card, labels) = ModelCard.read(zooFile.metadata)
            let graph = zooFile.graph  // written optimised by convert
            return try Model(name: name, graph: graph, pipeline: try card?.manifest().pipeline(appliesEXIFOrientation: appliesEXIFOrientation),
                             labels: labels,
                             outputsLogits: card?.output != "probabilities", embeddingLayer: card?.embedding, threads: threads)
        }
        let manifest = try arch.flatMap { try ModelCatalog.manifest(named: $0) }
        let graph = try ModelLoader.loadGraph(file.path, architecture: manifest?.architecture ?? arch)
        return try Model(name: name, graph: graph, pipeline: try manifest?.pipeline(appliesEXIFOrientation: appliesEXIFOrientation),
                         labels: try manifest.map { try ModelCatalog.labels(for: $0) },
                         outputsLogits: manifest?.output != "probabilities", embeddingLayer: manifest?.embedding, threads: threads)
    }

    /// Loads what a command line names: a zoo model or a file.
    public static func load(_ spec: String, arch: String?, weights: URL?, appliesEXIFOrientation: Bool = true,
                            threads: Int = ThreadCount.default) throws -> Model {
        if FileManager.default.fileExists(atPath: spec) {
            return try load(file: URL(fileURLWithPath: spec), arch: arch, appliesEXIFOrientation: appliesEXIFOrientation, threads: threads)
        }
        return try load(spec, weights: weights, appliesEXIFOrientation: appliesEXIFOrientation, threads: threads)
    }

    /// Where a zoo model's weights are in the cache: its converted `.zoo` if `zoo fetch` made
    /// one, else the downloaded source file.
    static func cachedWeights(for manifest: ModelManifest, in cache: WeightsCache) throws -> URL {
        let converted = convertedFile(for: manifest, in: cache)
        if FileManager.default.fileExists(atPath: converted.path) { return converted }
        for source in manifest.weights {
            if let file = cache.cachedFile(for: source) { return file }
        }
        throw ZooError.weightsNotCached(model: manifest.name, file: manifest.weights.first?.file ?? "weights")
    }

    /// The `.zoo` file `zoo fetch` converts a model's weights into.
    public static func convertedFile(for manifest: ModelManifest, in cache: WeightsCache) -> URL {
        cache.root.appendingPathComponent("models").appendingPathComponent(manifest.name + ".zoo")
    }
}
