import Foundation
import ZooGraph
import ZooHDF5
import ZooModels
import ZooTensor

/// Imports Keras models: weights-only `.h5` (keras-applications layout or Keras 3's
/// `save_weights` layout, architecture named or recognised), full-model `.h5` (`model_config` + `model_weights`, Keras 2 or 3) and Keras 3
/// `.keras` archives. The graph takes and returns NHWC, as the Keras model does; its input is
/// named after the Keras input layer and its output after the output layer.
public enum KerasImporter {
    /// Reads `url` into a graph. `architecture` (`--arch`, e.g. `resnet50`, `mobilenetv2_0.35_96`)
    /// names the model a weights-only file is for; without it the architecture is recognised from
    /// the file's layers and shapes. Every file is checked whole before any weights are read.
    public static func importGraph(from url: URL, architecture: String? = nil) throws -> Graph {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ImportError.notAModel(file: url, detail: "no such file")
        }
        if try isArchive(url) {
            return try importArchive(url)
        }
        let file = try KerasWeightsFile.hdf5(url) { try HDF5File(path: url.path) }
        let root = file.root
        if try Keras3WeightsLayout.matches(root, file: url) {
            // `model.save_weights("m.weights.h5")` of Keras 3: weights only, no config.
            let (arch, layers) = try resolveArchitecture(architecture, file: url, stored: keras3Stored(Keras3WeightsLayout(root: root, file: url)))
            return try build(try arch.kerasModel(), stored: layers, file: url, what: arch.description)
        }
        let version = try kerasMajorVersion(root, file: url)
        let isFullModel = try KerasWeightsFile.hdf5(url) { try root.hasAttribute("model_config") }
        let hasModelWeights = try KerasWeightsFile.hdf5(url) { try root.kind(of: "model_weights") } == .group
        let weightsGroup = hasModelWeights ? try KerasWeightsFile.hdf5(url) { try root.group("model_weights") } : root
        let stored = try KerasWeightsFile.legacyLayers(in: weightsGroup, file: url)
        if isFullModel && architecture == nil {
            let json = try KerasWeightsFile.hdf5(url) { try root.stringAttribute("model_config") }
            let config = try KerasConfig(json: Data(json.utf8), kerasMajorVersion: version, file: url)
            return try build(config.model, stored: stored, file: url, what: config.model.name)
        }
        let (arch, layers) = try resolveArchitecture(architecture, file: url, stored: legacyStored(stored))
        return try build(try arch.kerasModel(), stored: layers, file: url, what: arch.description)
    }

    /// The architecture a weights-only file holds, recognised from its layers and shapes, with
    /// the input size its official keras.applications name gives (else 224).
    public static func recognizeArchitecture(at url: URL) throws -> ArchitectureConfig {
        let file = try KerasWeightsFile.hdf5(url) { try HDF5File(path: url.path) }
        if try Keras3WeightsLayout.matches(file.root, file: url) {
            return try resolveArchitecture(nil, file: url, stored: keras3Stored(Keras3WeightsLayout(root: file.root, file: url))).0
        }
        let group = try KerasWeightsFile.hdf5(url) { try file.root.kind(of: "model_weights") } == .group
            ? try KerasWeightsFile.hdf5(url) { try file.root.group("model_weights") } : file.root
        return try resolveArchitecture(nil, file: url, stored: legacyStored(KerasWeightsFile.legacyLayers(in: group, file: url))).0
    }

    /// A legacy file's layers are the same whatever the architecture; old ResNet50 layer
    /// names are translated first.
    static func legacyStored(_ stored: [StoredLayer]) -> (ArchitectureConfig) throws -> [StoredLayer] {
        let translated = LegacyResNetNames.translated(stored) ?? stored
        return { _ in translated }
    }

    /// A Keras 3 file's layers, paired with an architecture's layers in Keras' `model.layers`
    /// order (which is what the keys of files without recorded names follow).
    static func keras3Stored(_ layout: Keras3WeightsLayout) -> (ArchitectureConfig) throws -> [StoredLayer] {
        { config in
            let order = try config.kerasModel().kerasOrder()
            return layout.layers(for: order.map { ($0.layer.kerasClassName, $0.name) })
        }
    }

    /// A `.keras` archive: `config.json` plus `model.weights.h5` opened from memory.
    static func importArchive(_ url: URL) throws -> Graph {
        let archive = try KerasArchive(url: url)
        var version = 3
        if let metadata = archive.metadata, let text = (try? JSONValue.parse(metadata))?["keras_version"]?.string {
            version = majorVersion(text) ?? 3
        }
        let config = try KerasConfig(json: archive.config, kerasMajorVersion: version, file: url)
        let weightsName = url.lastPathComponent + "/model.weights.h5"
        let file = try KerasWeightsFile.hdf5(url) { try HDF5File(image: archive.weights, name: weightsName) }
        // A Sequential model's layers leave its InputLayer out, and so do the file's keys.
        let layers = config.layers.filter { !(config.isSequential && $0.className == "InputLayer") }
        let stored = try Keras3WeightsLayout(root: file.root, file: url).layers(for: layers.map { ($0.className, $0.name) })
        return try build(config.model, stored: stored, file: url, what: config.model.name)
    }

    /// Matches, reads and builds: nothing is read before every layer and shape has been checked.
    static func build(_ model: KerasModel, stored: [StoredLayer], file: URL, what: String) throws -> Graph {
        let spec: WeightsSpec
        do {
            spec = try model.weightsSpec()
        } catch {
            throw ImportError.malformed(file: file, at: error.layer, detail: error.detail)
        }
        let matched = try KerasWeightsMatcher.match(spec, stored: stored, file: file, what: what)
        var weights: [String: [Tensor]] = [:]
        for layer in spec.layers {
            weights[layer.name] = try (matched[layer.name] ?? []).map { try KerasWeightsFile.read($0, file: file) }
        }
        do {
            return try model.graph(weights: weights)
        } catch let error as KerasModelError {
            throw ImportError.malformed(file: file, at: error.layer, detail: error.detail)
        }
    }

    /// The named architecture, or the one whose layers and shapes the file fits. `stored` gives
    /// the file's layers as paired with a candidate architecture. Without a name, the file name
    /// is tried first when it is one keras.applications publishes: it alone tells the input size.
    static func resolveArchitecture(_ name: String?, file: URL,
                                    stored: (ArchitectureConfig) throws -> [StoredLayer]) throws -> (ArchitectureConfig, [StoredLayer]) {
        // A classifier's class count comes from the file (its last layer's bias), so heads
        // trained for other classes load too.
        func withClasses(_ config: ArchitectureConfig) throws -> (ArchitectureConfig, [StoredLayer]) {
            var config = config
            let layers = try stored(config)
            if config.includeTop, let classes = layers.last?.weights.last?.shape.dims.last, classes > 0 { config.classes = classes }
            return (config, layers)
        }
        if let name {
            return try withClasses(try ArchitectureConfig(parsing: name))
        }
        var candidates = ArchitectureConfig.recognitionCandidates
        if let named = KerasApplicationsFileName.architecture(fromFileName: file.lastPathComponent) { candidates.insert(named, at: 0) }
        var closest: (ArchitectureConfig, Int)?
        var storedCount = 0
        for candidate in candidates {
            guard let (config, layers) = try? withClasses(candidate), let spec = try? config.weightsSpec() else { continue }
            storedCount = layers.count
            if (try? KerasWeightsMatcher.match(spec, stored: layers, file: file, what: config.description)) != nil {
                return (config, layers)
            }
            let agreeing = Set(spec.layers.map(\.name)).intersection(layers.map(\.name)).count
            if agreeing > (closest?.1 ?? 0) { closest = (config, agreeing) }
        }
        var detail = "the \(storedCount) layers with weights fit no known architecture; pass --arch (\(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))"
        if let (candidate, agreeing) = closest {
            detail += "; closest by layer names: \(candidate) (\(agreeing) names agree)"
        }
        throw ImportError.malformed(file: file, at: "layer_names", detail: detail)
    }

    /// Keras' own rule: files without `keras_version` were written by Keras 1.
    static func kerasMajorVersion(_ root: HDF5Group, file: URL) throws -> Int {
        guard try KerasWeightsFile.hdf5(file, { try root.hasAttribute("keras_version") }),
              let text = try? root.stringAttribute("keras_version") else { return 1 }
        return majorVersion(text) ?? 2
    }

    static func majorVersion(_ text: String) -> Int? {
        text.split(separator: ".").first.flatMap { Int($0) }
    }

    /// Whether `url` is a zip archive (a `.keras`) rather than HDF5, judged by its first bytes,
    /// which also tell an empty file, a Git LFS pointer and a `.keras` that is neither.
    static func isArchive(_ url: URL) throws -> Bool {
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: 64) ?? Data()
        } catch {
            return false  // HDF5 reports what is wrong with the file
        }
        guard !head.isEmpty else { throw ImportError.truncated(file: url, detail: "the file is empty") }
        if GitLFSPointer.matches(head) { throw ImportError.gitLFSPointer(file: url) }
        // Zip archives start with a local file header, HDF5 files (without a user block) with their signature.
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return true }
        if url.pathExtension.lowercased() == "keras", !head.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) {
            throw ImportError.notAModel(file: url, detail: "not a zip archive (.keras files are zip archives)")
        }
        return false
    }
}
