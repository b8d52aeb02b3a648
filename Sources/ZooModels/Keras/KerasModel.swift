/// A model as Keras describes it: named layers wired by name. It is what the zoo's Swift
/// architectures produce and what a Keras config (`model_config`, `config.json`) parses into,
/// so both share one shape inference, one weights spec and one lowering to `ZooGraph`.
public struct KerasModel: Sendable {
    /// One layer applied once: its name (the key of its weights), settings and input layers.
    public struct Node: Sendable, Hashable {
        /// The layer's name.
        public var name: String
        /// What the layer computes.
        public var layer: KerasLayer
        /// Names of the layers it reads, in order.
        public var inputs: [String]

        /// A node applying `layer` to `inputs`.
        public init(name: String, layer: KerasLayer, inputs: [String]) {
            self.name = name; self.layer = layer; self.inputs = inputs
        }
    }

    /// The model's name.
    public var name: String
    /// Nodes in the order they were added; inputs always precede their consumers.
    public private(set) var nodes: [Node] = []
    /// Names of the input layers and output layers, in the model's order.
    public private(set) var inputs: [String] = []
    /// Names of the output layers, in order.
    public var outputs: [String] = []
    private var index: [String: Int] = [:]

    /// An empty model called `name`.
    public init(name: String) { self.name = name }

    /// The node called `name`.
    public func node(named name: String) -> Node? { index[name].map { nodes[$0] } }

    /// Declares an input layer with a per-example shape (`[H, W, C]`) and returns its name.
    @discardableResult
    public mutating func input(_ name: String, shape: [Int]) throws(KerasModelError) -> String {
        try add(.input(shape: shape), name: name, inputs: [])
    }

    /// Adds a layer reading the named layers' outputs and returns its name, so calls chain:
    /// `x = try m.add(.flatten, name: "flatten", inputs: [x])`.
    @discardableResult
    public mutating func add(_ layer: KerasLayer, name: String, inputs: [String]) throws(KerasModelError) -> String {
        guard index[name] == nil else { throw .duplicateLayer(name) }
        for input in inputs where index[input] == nil { throw .unknownInput(layer: name, input: input) }
        switch layer {
        case .input:
            guard inputs.isEmpty else { throw .wrongInputCount(layer: name, expected: "no", found: inputs.count) }
            self.inputs.append(name)
        case .add, .multiply, .concatenate:
            guard inputs.count >= 2 else { throw .wrongInputCount(layer: name, expected: "at least 2", found: inputs.count) }
        default:
            guard inputs.count == 1 else { throw .wrongInputCount(layer: name, expected: "1", found: inputs.count) }
        }
        index[name] = nodes.count
        nodes.append(Node(name: name, layer: layer, inputs: inputs))
        return name
    }

    /// Adds a node whose inputs may be defined later (configs list layers in any order).
    /// Call `validate()` once every node is in.
    public mutating func addUnchecked(_ node: Node) throws(KerasModelError) {
        guard index[node.name] == nil else { throw .duplicateLayer(node.name) }
        if case .input = node.layer { inputs.append(node.name) }
        index[node.name] = nodes.count
        nodes.append(node)
    }

    /// Checks every input reference and input count (for models built with `addUnchecked`).
    public func validate() throws(KerasModelError) {
        for node in nodes {
            for input in node.inputs where index[input] == nil { throw .unknownInput(layer: node.name, input: input) }
            switch node.layer {
            case .input where !node.inputs.isEmpty:
                throw .wrongInputCount(layer: node.name, expected: "no", found: node.inputs.count)
            case .add, .multiply, .concatenate:
                if node.inputs.count < 2 { throw .wrongInputCount(layer: node.name, expected: "at least 2", found: node.inputs.count) }
            case .input: break
            default:
                if node.inputs.count != 1 { throw .wrongInputCount(layer: node.name, expected: "1", found: node.inputs.count) }
            }
        }
        for output in outputs where index[output] == nil { throw .unknownInput(layer: "outputs", input: output) }
    }
}
