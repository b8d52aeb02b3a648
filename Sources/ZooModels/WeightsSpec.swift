import ZooTensor

/// The weights a model expects, layer by layer in Keras order (the order of `layer_names` in
/// a Keras HDF5 file), each with its Keras name and shape. Importers match files against it
/// before reading any data; tests check parameter counts against it without building a graph.
public struct WeightsSpec: Sendable, Hashable {
    /// One weight of a layer: `kernel`, `bias`, `gamma`, `moving_variance`, ...
    public struct Weight: Sendable, Hashable {
        /// The weight's name in Keras (`kernel`, `bias`, ...).
        public var name: String
        /// Its shape, in Keras' layout.
        public var shape: Shape
        /// Other names the same weight has had across Keras versions.
        public var aliases: [String]

        /// A weight called `name` (or any of `aliases`) of this shape.
        public init(name: String, shape: Shape, aliases: [String] = []) {
            self.name = name; self.shape = shape; self.aliases = aliases
        }

        /// Whether a stored weight called `shortName` (no layer prefix, no `:0`) is this one.
        public func matches(_ shortName: String) -> Bool { shortName == name || aliases.contains(shortName) }
    }

    /// A layer that holds weights, with its weights in Keras' stored order.
    public struct Layer: Sendable, Hashable {
        /// The layer's Keras name.
        public var name: String
        /// Its weights, in stored order.
        public var weights: [Weight]

        /// A layer called `name` holding `weights`.
        public init(name: String, weights: [Weight]) {
            self.name = name; self.weights = weights
        }
    }

    /// The layers that hold weights, in Keras order.
    public var layers: [Layer]

    /// A spec of these layers.
    public init(layers: [Layer]) { self.layers = layers }

    /// Total number of weights, Keras' `count_params()` (nil if it overflows `Int`).
    public var parameterCount: Int? {
        var total = 0
        for layer in layers {
            for weight in layer.weights {
                guard let n = weight.shape.checkedElementCount else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(n)
                if overflow { return nil }
                total = sum
            }
        }
        return total
    }

    /// The layer called `name`.
    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }
}
