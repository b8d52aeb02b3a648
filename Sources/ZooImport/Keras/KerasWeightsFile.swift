import Foundation
import ZooHDF5
import ZooModels
import ZooTensor

/// One weight as a file stores it.
struct StoredWeight {
    /// The name as written (`block1_conv1/kernel:0`, `block1_conv1_W_1:0`, `vars/0`).
    var name: String
    /// Dataset path relative to `group`.
    var path: String
    var group: HDF5Group
    var shape: Shape

    /// The name without layer prefix or `:0` suffix: `kernel`.
    var shortName: String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return last.split(separator: ":").first.map(String.init) ?? last
    }
}

/// One layer's weights as a file stores them, in stored order.
struct StoredLayer {
    var name: String
    var weights: [StoredWeight]
}

/// Reads the weight layouts Keras writes into HDF5, without reading any weight values.
enum KerasWeightsFile {
    /// Layer and weight names are short; a list longer than this is not a Keras file.
    static let maxNames = 1 << 20

    /// The legacy layout (weights-only `.h5`, `model_weights` of a full-model `.h5`):
    /// attribute `layer_names` (or `layer_names0`, `layer_names1`, ... when Keras split it),
    /// a group per layer with attribute `weight_names`, and a dataset per weight name.
    /// Returns the layers that hold weights, in file order.
    static func legacyLayers(in group: HDF5Group, file: URL) throws -> [StoredLayer] {
        let layerNames = try chunkedStrings(group, "layer_names", file: file)
        var seen = Set<String>()
        var result: [StoredLayer] = []
        var problems: [ImportError] = []
        for name in layerNames {
            guard seen.insert(name).inserted else {
                throw ImportError.malformed(file: file, at: name, detail: "layer listed twice in layer_names")
            }
            guard try hdf5(file, { try group.kind(of: name) }) == .group else {
                problems.append(.malformed(file: file, at: name, detail: "listed in layer_names but has no group"))
                continue
            }
            let layerGroup = try hdf5(file) { try group.group(name) }
            let weightNames = try chunkedStrings(layerGroup, "weight_names", file: file)
            var weights: [StoredWeight] = []
            for weightName in weightNames {
                guard try hdf5(file, { try layerGroup.kind(of: weightName) }) == .dataset else {
                    problems.append(.missingTensor(name: "\(name)/\(weightName)", file: file))
                    continue
                }
                let dims = try hdf5(file) { try layerGroup.datasetShape(weightName) }
                weights.append(StoredWeight(name: weightName, path: weightName, group: layerGroup, shape: Shape(dims)))
            }
            if !weightNames.isEmpty { result.append(StoredLayer(name: name, weights: weights)) }
        }
        try throwAll(problems)
        return result
    }

    /// A string list attribute, or its chunks `name0`, `name1`, ... when Keras split it.
    static func chunkedStrings(_ group: HDF5Group, _ name: String, file: URL) throws -> [String] {
        if try hdf5(file, { try group.hasAttribute(name) }) {
            return try hdf5(file) { try group.stringsAttribute(name) }
        }
        var result: [String] = []
        var chunk = 0
        while try hdf5(file, { try group.hasAttribute("\(name)\(chunk)") }) {
            result += try hdf5(file) { try group.stringsAttribute("\(name)\(chunk)") }
            guard result.count <= maxNames else {
                throw ImportError.malformed(file: file, at: "\(group.path)@\(name)", detail: "more than \(maxNames) names")
            }
            chunk += 1
        }
        if chunk == 0 {
            throw ImportError.malformed(file: file, at: group.path, detail: "no '\(name)' attribute (not a Keras weights group)")
        }
        return result
    }

    /// Reads a stored weight into a float32 tensor of its stored shape.
    static func read(_ weight: StoredWeight, file: URL) throws -> Tensor {
        var tensor = Tensor(zeros: weight.shape)
        try tensor.withUnsafeMutableFloats { buffer in
            try hdf5(file) { try weight.group.readFloats(weight.path, into: buffer) }
        }
        return tensor
    }

    /// Runs an HDF5 call, turning its error into an `ImportError` about `file`.
    static func hdf5<R>(_ file: URL, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as HDF5Error {
            switch error.kind {
            case .notHDF5: throw ImportError.notAModel(file: file, detail: "not an HDF5 file")
            case .truncated: throw ImportError.truncated(file: file, detail: error.message)
            default: throw ImportError.library(call: error.call, message: error.message, file: file)
            }
        }
    }

    static func throwAll(_ problems: [ImportError]) throws {
        if problems.count == 1 { throw problems[0] }
        if problems.count > 1 { throw ImportError.many(problems) }
    }
}
