import Foundation
import ZooFetch
import ZooGraph

/// zoo: a model zoo and inference runtime for image CNNs.
///
/// ```swift
/// let model = try Zoo.load("efficientnet-lite0")
/// for p in try model.classify(.file(URL(fileURLWithPath: "cat.jpg"))) {
///     print(p.label, p.score)
/// }
/// ```
public enum Zoo {
    /// zoo's version, recorded in converted files' provenance.
    public static let version = "0.2.0"

    /// Loads what `source` names: a zoo model (see `zoo list`; `tiny-cnn` is built in) or a model
    /// file (`.zoo`, `.onnx`, `.h5`, `.keras`, `.pth`). The one way every command loads a model.
    public static func load(_ source: String, options: LoadOptions = LoadOptions()) throws -> Model {
        try load(ModelSource(source, options: options))
    }

    /// Loads a model file; `options.architecture` names the zoo model it is when the file does not say.
    public static func load(file: URL, options: LoadOptions = LoadOptions()) throws -> Model {
        try load(file.path, options: options)
    }

    /// Loads a resolved source.
    public static func load(_ source: ModelSource) throws -> Model {
        let loaded = try source.read()
        return try Model(name: source.name, graph: loaded.graph, pipeline: loaded.pipeline, labels: loaded.labels,
                         outputsLogits: loaded.outputsLogits, embeddingLayer: loaded.embeddingLayer,
                         recognizedAs: loaded.recognizedAs, threads: source.options.threads,
                         kernels: source.options.kernels)
    }

    /// The `.zoo` file `zoo fetch` converts a model's weights into.
    public static func convertedFile(for manifest: ModelManifest, in cache: WeightsCache) -> URL {
        cache.root.appendingPathComponent("models").appendingPathComponent(manifest.name + ".zoo")
    }
}

extension Zoo {
    /// The graph `source` names, read and optimised as `load` does, without building a model
    /// around it: for tools that work on graphs (conversion checks, benchmarks, tests).
    public static func loadGraph(_ source: String, options: LoadOptions = LoadOptions()) throws -> Graph {
        try ModelSource(source, options: options).read().graph
    }
}
