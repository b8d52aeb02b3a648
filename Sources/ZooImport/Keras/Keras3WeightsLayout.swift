import Foundation
import ZooHDF5
import ZooTensor

/// The weights layout Keras 3 writes, both as `model.save_weights("m.weights.h5")` and as the
/// `model.weights.h5` inside a `.keras`: `layers/<key>/vars/0`, `1`, ... in the layer's variable
/// order, where `<key>` is the snake-cased class name made unique in `model.layers` order
/// (`conv2d`, `conv2d_1`, ...). Keras since 3.6 also records the layer's own name in the `vars`
/// group's `name` attribute; older files carry only the key, so pairing them with a model needs
/// its layers in Keras' order. The file is read once (names and shapes, no values).
struct Keras3WeightsLayout {
    /// One `layers/<key>/vars` group.
    struct Entry {
        var key: String
        /// The layer's name as Keras recorded it, when it did.
        var recordedName: String?
        var weights: [StoredWeight]
    }

    /// Entries by key.
    let entries: [String: Entry]
    let file: URL

    /// Whether `root` holds this layout rather than the legacy one (`layer_names`).
    static func matches(_ root: HDF5Group, file: URL) throws -> Bool {
        let hasLegacyNames = try KerasWeightsFile.hdf5(file) { try root.hasAttribute("layer_names") || root.hasAttribute("layer_names0") }
        return try !hasLegacyNames && KerasWeightsFile.hdf5(file) { try root.kind(of: "layers") } == .group
    }

    /// Reads every `layers/<key>/vars` group of `root` (an empty layout when there is no
    /// `layers` group, as for a model without layers).
    init(root: HDF5Group, file: URL) throws {
        self.file = file
        guard try KerasWeightsFile.hdf5(file, { try root.kind(of: "layers") }) == .group else {
            entries = [:]
            return
        }
        let layersGroup = try KerasWeightsFile.hdf5(file) { try root.group("layers") }
        let keys = try KerasWeightsFile.hdf5(file) { try layersGroup.memberNames() }
        guard keys.count <= KerasWeightsFile.maxNames else {
            throw ImportError.malformed(file: file, at: "layers", detail: "more than \(KerasWeightsFile.maxNames) layers")
        }
        var entries: [String: Entry] = [:]
        for key in keys where try KerasWeightsFile.hdf5(file, { try layersGroup.kind(of: key + "/vars") }) == .group {
            let vars = try KerasWeightsFile.hdf5(file) { try layersGroup.group(key + "/vars") }
            var recorded: String?
            if try KerasWeightsFile.hdf5(file, { try vars.hasAttribute("name") }) {
                recorded = try KerasWeightsFile.hdf5(file) { try vars.stringAttribute("name") }
            }
            let members = try KerasWeightsFile.hdf5(file) { try vars.memberNames() }
            var weights: [StoredWeight] = []
            // Variables are numbered 0..<count; anything else is not this layout.
            for index in 0..<members.count {
                let name = String(index)
                guard members.contains(name), try KerasWeightsFile.hdf5(file, { try vars.kind(of: name) }) == .dataset else {
                    throw ImportError.malformed(file: file, at: "layers/\(key)/vars", detail: "expected datasets 0..<\(members.count)")
                }
                let dims = try KerasWeightsFile.hdf5(file) { try vars.datasetShape(name) }
                weights.append(StoredWeight(name: "vars/\(name)", path: name, group: vars, shape: Shape(dims)))
            }
            entries[key] = Entry(key: key, recordedName: recorded, weights: weights)
        }
        self.entries = entries
    }

    /// The stored layers of a model whose layers, in `model.layers` order, have these class
    /// names and names. Each layer takes the entry that recorded its name, else the entry keyed
    /// by its class name and position. Entries with weights that no layer takes come last,
    /// under their recorded name or `layers/<key>`, so the matcher reports them as unused.
    func layers(for modelLayers: [(className: String, name: String)]) -> [StoredLayer] {
        var keyByRecordedName: [String: String] = [:]
        for entry in entries.values {
            if let name = entry.recordedName { keyByRecordedName[name] = entry.key }
        }
        var used: [String: Int] = [:]
        var taken = Set<String>()
        var result: [StoredLayer] = []
        for layer in modelLayers {
            let base = Self.snakeCase(layer.className)
            let positional: String
            if let n = used[base] { used[base] = n + 1; positional = "\(base)_\(n + 1)" } else { used[base] = 0; positional = base }
            let key = keyByRecordedName[layer.name] ?? positional
            // A positional key whose entry recorded another layer's name is not this layer's.
            guard let entry = entries[key], entry.recordedName == nil || entry.recordedName == layer.name,
                  !taken.contains(key) else { continue }
            taken.insert(key)
            if !entry.weights.isEmpty { result.append(StoredLayer(name: layer.name, weights: entry.weights)) }
        }
        for key in entries.keys.sorted() where !taken.contains(key) {
            let entry = entries[key]!
            if !entry.weights.isEmpty { result.append(StoredLayer(name: entry.recordedName ?? "layers/\(key)", weights: entry.weights)) }
        }
        return result
    }

    /// Keras' `to_snake_case`: `DepthwiseConv2D` -> `depthwise_conv2d`.
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                // "(.)([A-Z][a-z]+)" then "([a-z])([A-Z])", as Keras' two regular expressions.
                if (nextIsLower && previous != "_") || previous.isLowercase { out.append("_") }
            }
            out.append(c)
        }
        return out.lowercased()
    }
}
