import Foundation
import ZooModels

/// A model config (`model_config` of a full-model `.h5`, `config.json` of a `.keras`) read into
/// a `KerasModel`. Handles Sequential and Functional models as Keras 2 and Keras 3 write them.
struct KerasConfig {
    /// One entry of the config's `layers` list, in the config's order.
    struct Layer {
        var name: String
        var className: String
    }

    var model: KerasModel
    var layers: [Layer]
    /// Whether the model is Sequential (its saved layer list leaves the InputLayer out).
    var isSequential: Bool

    init(json data: Data, kerasMajorVersion: Int, file: URL) throws {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch {
            throw ImportError.malformed(file: file, at: "model config", detail: "not valid JSON")
        }
        guard let className = root["class_name"]?.string else {
            throw ImportError.malformed(file: file, at: "model config", detail: "no class_name")
        }
        let config = root["config"] ?? .null
        var reader = Reader(file: file, kerasMajorVersion: kerasMajorVersion)
        switch className {
        case "Sequential":
            // Keras 2.0-2.2 wrote the layer list itself as the config.
            guard let list = config.array ?? config["layers"]?.array else {
                throw ImportError.malformed(file: file, at: "model config", detail: "Sequential model without layers")
            }
            try reader.sequential(list, name: config["name"]?.string ?? "sequential")
            isSequential = true
        case "Functional", "Model":
            guard let list = config["layers"]?.array else {
                throw ImportError.malformed(file: file, at: "model config", detail: "model without layers")
            }
            try reader.functional(list, config: config, name: config["name"]?.string ?? "model")
            isSequential = false
        default:
            throw ImportError.unsupportedOp(type: className, node: "model", detail: "only Sequential and Functional models", file: file)
        }
        model = reader.model
        layers = reader.layers
        let shapes: [String: [Int]]
        do {
            try model.validate()
            shapes = try model.shapes()
        } catch {
            throw ImportError.malformed(file: file, at: error.layer, detail: error.detail)
        }
        // BatchNormalization runs over the channel axis only, the last one in channels-last.
        for (layer, axis) in reader.normalizationAxes {
            let rank = (shapes[layer]?.count ?? 0) + 1
            guard axis == -1 || axis == rank - 1 else {
                throw ImportError.malformed(file: file, at: layer, detail: "BatchNormalization over axis \(axis) is not supported (last axis only)")
            }
        }
    }

    /// Builds the model layer by layer from the config's JSON.
    private struct Reader {
        let file: URL
        let kerasMajorVersion: Int
        var model = KerasModel(name: "model")
        var layers: [Layer] = []
        /// BatchNormalization axes, checked once shapes are known.
        var normalizationAxes: [(String, Int)] = []

        init(file: URL, kerasMajorVersion: Int) {
            self.file = file
            self.kerasMajorVersion = kerasMajorVersion
        }

        /// Name, class and typed layer of one `layers` entry.
        mutating func parse(_ entry: JSONValue, index: Int) throws -> (String, KerasLayer, JSONValue) {
            guard let className = entry["class_name"]?.string, let config = entry["config"]?.object else {
                throw ImportError.malformed(file: file, at: "layer #\(index)", detail: "no class_name or config")
            }
            guard let name = entry["name"]?.string ?? config["name"]?.string, !name.isEmpty else {
                throw ImportError.malformed(file: file, at: "layer #\(index)", detail: "layer without a name")
            }
            let layer = try KerasLayerTable.layer(className: className, config: KerasLayerConfig(values: config, layer: name, file: file),
                                                  kerasMajorVersion: kerasMajorVersion)
            layers.append(Layer(name: name, className: className))
            if case .batchNormalization = layer {
                let axis = config["axis"]?.int ?? config["axis"]?.array?.first?.int ?? -1
                if config["axis"]?.array.map({ $0.count != 1 }) ?? false {
                    throw ImportError.malformed(file: file, at: name, detail: "BatchNormalization over several axes is not supported")
                }
                normalizationAxes.append((name, axis))
            }
            return (name, layer, .object(config))
        }

        mutating func sequential(_ list: [JSONValue], name: String) throws {
            model = KerasModel(name: name)
            var previous: String?
            for (index, entry) in list.enumerated() {
                let (layerName, layer, config) = try parse(entry, index: index)
                if case .input = layer {
                    guard previous == nil else { throw ImportError.malformed(file: file, at: layerName, detail: "InputLayer after other layers") }
                    previous = try add(layer, name: layerName, inputs: [])
                    continue
                }
                if previous == nil {
                    // Keras 2 puts the input shape on the first layer instead of an InputLayer.
                    let c = KerasLayerConfig(values: config.object ?? [:], layer: layerName, file: file)
                    guard c.has("batch_input_shape") || c.has("batch_shape") else {
                        throw ImportError.malformed(file: file, at: layerName, detail: "Sequential model without an input shape")
                    }
                    let input = try KerasLayerTable.layer(className: "InputLayer", config: c, kerasMajorVersion: kerasMajorVersion)
                    previous = try add(input, name: layerName + "_input", inputs: [])
                }
                previous = try add(layer, name: layerName, inputs: [previous].compactMap { $0 })
            }
            guard let last = previous else { throw ImportError.malformed(file: file, at: "model config", detail: "no layers") }
            model.outputs = [last]
        }

        mutating func functional(_ list: [JSONValue], config: JSONValue, name: String) throws {
            model = KerasModel(name: name)
            for (index, entry) in list.enumerated() {
                let (layerName, layer, _) = try parse(entry, index: index)
                let inputs = try inboundLayers(entry["inbound_nodes"] ?? .array([]), layer: layerName)
                do {
                    try model.addUnchecked(KerasModel.Node(name: layerName, layer: layer, inputs: inputs))
                } catch {
                    throw ImportError.malformed(file: file, at: error.layer, detail: error.detail)
                }
            }
            model.outputs = try tensorList(config["output_layers"], what: "output_layers")
            let declaredInputs = try tensorList(config["input_layers"], what: "input_layers")
            for input in declaredInputs where !model.inputs.contains(input) {
                throw ImportError.malformed(file: file, at: input, detail: "listed in input_layers but not an InputLayer")
            }
        }

        /// The layers feeding a functional layer. Keras 2: `[[["name", 0, 0, {}], ...]]`;
        /// Keras 3: `[{"args": [tensor or [tensors]], "kwargs": {}}]` with `keras_history`.
        func inboundLayers(_ nodes: JSONValue, layer: String) throws -> [String] {
            guard let list = nodes.array else { throw ImportError.malformed(file: file, at: layer, detail: "inbound_nodes must be a list") }
            if list.isEmpty { return [] }
            guard list.count == 1 else {
                throw ImportError.unsupportedOp(type: "shared layer", node: layer, detail: "a layer applied \(list.count) times", file: file)
            }
            let node = list[0]
            var names: [String] = []
            if let tensors = node.array {
                for tensor in tensors {
                    guard let name = tensor.array?.first?.string else {
                        throw ImportError.malformed(file: file, at: layer, detail: "unreadable inbound node")
                    }
                    try checkIndices(tensor.array?.dropFirst().prefix(2).map { $0 } ?? [], layer: layer)
                    names.append(name)
                }
            } else if let args = node["args"]?.array {
                func collect(_ value: JSONValue) throws {
                    if let history = value["config"]?["keras_history"]?.array, let name = history.first?.string {
                        try checkIndices(Array(history.dropFirst()), layer: layer)
                        names.append(name)
                    } else if let items = value.array {
                        for item in items { try collect(item) }
                    }
                }
                for arg in args { try collect(arg) }
            } else {
                throw ImportError.malformed(file: file, at: layer, detail: "unreadable inbound node")
            }
            return names
        }

        /// Node and tensor indices other than 0 mean shared layers or multi-output layers.
        func checkIndices(_ indices: [JSONValue], layer: String) throws {
            for index in indices.prefix(2) where index.int != 0 {
                throw ImportError.unsupportedOp(type: "shared or multi-output layer", node: layer, detail: "inbound node index \(index)", file: file)
            }
        }

        /// `["name", 0, 0]` (one tensor, Keras 3) or `[["name", 0, 0], ...]`.
        func tensorList(_ value: JSONValue?, what: String) throws -> [String] {
            guard let list = value?.array, !list.isEmpty else {
                throw ImportError.malformed(file: file, at: "model config", detail: "missing \(what)")
            }
            if let name = list[0].string { return [name] }
            return try list.map { item in
                guard let name = item.array?.first?.string else {
                    throw ImportError.malformed(file: file, at: "model config", detail: "unreadable \(what)")
                }
                return name
            }
        }

        mutating func add(_ layer: KerasLayer, name: String, inputs: [String]) throws -> String {
            do {
                return try model.add(layer, name: name, inputs: inputs)
            } catch {
                throw ImportError.malformed(file: file, at: error.layer, detail: error.detail)
            }
        }
    }
}
