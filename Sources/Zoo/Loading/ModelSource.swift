import Foundation
import ZooFetch
import ZooFormat
import ZooGraph
import ZooModels
import ZooVision

/// What a user named, resolved before any weights are read: a zoo model (by name, with its
/// manifest) or a model file (with the manifest of the zoo model `--arch` names, if any).
/// Every command and `Zoo.load` go through here, so every spelling works the same everywhere.
public struct ModelSource: Sendable {
    /// The name used in messages and reports: the zoo name, or the file's name.
    public let name: String
    /// The zoo model, when the source is one or `--arch` names one; known without reading weights.
    public let manifest: ModelManifest?
    /// The model file when the source is a file path.
    public let file: URL?
    let options: LoadOptions

    /// Resolves `source`: an existing file path, else a zoo model name (see `zoo list`).
    public init(_ source: String, options: LoadOptions = LoadOptions()) throws {
        self.options = options
        let url = URL(fileURLWithPath: (source as NSString).expandingTildeInPath)
        if FileManager.default.fileExists(atPath: url.path) || ModelFile.format(of: url) != nil || source.contains("/") {
            if options.weights != nil { throw ZooError.badArgument("--weights goes with a zoo model name, not with the file \(source)") }
            name = url.lastPathComponent
            file = url
            manifest = try options.architecture.flatMap { try Self.manifest(forArch: $0, cache: options.cache) }
            return
        }
        guard let manifest = try ModelCatalog.manifest(named: source, cache: options.cache) else { throw ZooError.unknownModel(source) }
        if let weights = options.weights, !FileManager.default.fileExists(atPath: weights.path) {
            throw ZooError.badModel(file: weights, detail: "no such file (given as the weights of \(source))")
        }
        name = source
        file = nil
        self.manifest = manifest
    }

    /// How images become this model's input, from the manifest alone: needs no weights.
    /// Nil for a file whose card (a `.zoo`) or recognised architecture is only known on loading.
    public func pipeline() throws -> ImagePipeline? {
        try manifest?.pipeline(appliesEXIFOrientation: options.appliesEXIFOrientation)
    }

    /// Reads the graph and everything that describes it.
    func read() throws -> LoadedModel {
        guard let manifest, file == nil else { return try readFile(file!) }
        if case .builtin(let builtin) = manifest.architecture, options.weights == nil {
            let contents = ModelFile.Contents(graph: try builtin.graph(), isOptimized: false)
            return try LoadedModel(contents, file: nil, manifest: manifest, recognized: false, options: options)
        }
        let weights = try options.weights ?? cachedWeights(for: manifest)
        let contents = try ModelFile(weights).read(architecture: manifest.architecture.description)
        return try LoadedModel(contents, file: weights, manifest: manifest, recognized: false, options: options)
    }

    private func readFile(_ url: URL) throws -> LoadedModel {
        // A zoo model named by --arch is read as the architecture its manifest names (a team's
        // model is called what the team likes, its network is one zoo builds).
        let contents = try ModelFile(url).read(architecture: manifest?.architecture.description ?? options.architecture)
        // A weights file whose network an importer recognised gets that zoo model's preprocessing and labels.
        if manifest == nil, contents.card == nil, let built = try? ModelArchitecture(parsing: contents.graph.name),
           let recognised = try ModelCatalog.manifest(for: built, cache: options.cache) {
            return try LoadedModel(contents, file: url, manifest: recognised, recognized: true, options: options)
        }
        return try LoadedModel(contents, file: url, manifest: manifest, recognized: false, options: options)
    }

    /// Where a zoo model's weights are in the cache: the `.zoo` converted from them; when there is
    /// none yet, the source file is fetched (or, already there, verified) and converted first.
    func cachedWeights(for manifest: ModelManifest) throws -> URL {
        let converted = Zoo.convertedFile(for: manifest, in: options.cache)
        if FileManager.default.fileExists(atPath: converted.path), !isOlderConversion(converted, of: manifest) { return converted }
        guard !manifest.weights.isEmpty else {
            throw ZooError.weightsNotCached(model: manifest.name, file: "weights")
        }
        // Fetched on first use, as Keras and torchvision do: downloaded, verified, cached, and
        // converted once to .zoo so every later load is a memory map. A file already in the
        // cache (one the user put there, as the offline message suggests) is verified, not trusted.
        // The steps are told when this run fetches; a file that was already there is verified
        // and converted quietly, as a cached model is loaded (a pin made now is still told).
        let settings = try FetchSettings.fromEnvironment(offline: options.offline)
        let reporter = FetchReporter.standardError
        let wasThere = manifest.weights.contains { options.cache.cachedFile(for: $0) != nil }
        let weights = try WeightsFetcher.ensureCached(manifest.weights, in: options.cache, settings: settings, reporter: reporter)
        let source = manifest.weights.first { $0.file == weights.lastPathComponent } ?? manifest.weights[0]
        if !wasThere { reporter.line("\(source.file): verified (\(source.checksDescription))") }
        try FileManager.default.createDirectory(at: converted.deletingLastPathComponent(), withIntermediateDirectories: true)
        let report = try ModelConverter.convert(weights.path, architecture: manifest.name, to: converted, cache: options.cache)
        if !wasThere {
            reporter.line("converted to \(converted.path) (\(ByteCount.grouped(Int64(report.parameterCount))) parameters, outputs bit-identical to the source; later loads map it)")
        }
        return converted
    }

    /// Whether a cached conversion was written by an older zoo (an older `.zoo` format, e.g. one
    /// without Keras' padding rules) while its source weights are still in the cache to convert
    /// again. Without them, or when the file cannot be read, the file is used as it is.
    private func isOlderConversion(_ converted: URL, of manifest: ModelManifest) -> Bool {
        guard let version = try? ZooFile.formatVersion(of: converted), ZooFileFormat.isOlder(version) else { return false }
        return manifest.weights.contains { options.cache.cachedFile(for: $0) != nil }
    }

    /// The `.zoo` converted from a zoo model's weights, else its downloaded source file, when
    /// either is in the cache; nil when using the model needs a fetch first.
    func alreadyCachedWeights(for manifest: ModelManifest) -> URL? {
        let converted = Zoo.convertedFile(for: manifest, in: options.cache)
        if FileManager.default.fileExists(atPath: converted.path) { return converted }
        return manifest.weights.lazy.compactMap { options.cache.cachedFile(for: $0) }.first
    }

    /// The manifest `--arch` names: a zoo model name, or an architecture some zoo model is built as.
    private static func manifest(forArch arch: String, cache: WeightsCache) throws -> ModelManifest? {
        if let named = try ModelCatalog.manifest(named: arch, cache: cache) { return named }
        guard let architecture = try? ModelArchitecture(parsing: arch) else { return nil }
        return try ModelCatalog.manifest(for: architecture, cache: cache)
    }
}

/// A graph read and described: what `Model` is built from.
struct LoadedModel {
    var graph: Graph
    /// The file the graph came from (nil for a built-in architecture).
    var file: URL?
    /// The zoo model it is, by name, `--arch` or recognition.
    var manifest: ModelManifest?
    /// What a `.zoo` file said of itself.
    var card: ModelCard?
    var pipeline: ImagePipeline?
    var labels: ClassLabels?
    var outputsLogits: Bool
    var embeddingLayer: String?
    /// The zoo model an importer recognised the file as, when no `--arch` said it.
    var recognizedAs: String?

    init(_ contents: ModelFile.Contents, file: URL?, manifest: ModelManifest?, recognized: Bool, options: LoadOptions) throws {
        graph = options.optimize && !contents.isOptimized ? GraphOptimizer.optimize(contents.graph) : contents.graph
        self.file = file
        self.manifest = manifest
        card = contents.card
        let exif = options.appliesEXIFOrientation
        if let manifest {
            pipeline = try manifest.pipeline(appliesEXIFOrientation: exif)
            labels = try ModelCatalog.labels(for: manifest, cache: options.cache)
            outputsLogits = manifest.output == .logits
            embeddingLayer = manifest.embedding
            recognizedAs = recognized ? manifest.name : nil
        } else {
            // A .zoo converted from a zoo model or fine-tuned carries its card and labels.
            pipeline = try contents.card?.pipeline(appliesEXIFOrientation: exif)
            labels = contents.labels
            outputsLogits = contents.card?.output != .probabilities
            embeddingLayer = contents.card?.embedding
        }
    }
}
