import ZooKernels
import ZooTensor

extension Graph {
    /// Why the graph runs at its declared input height and width only, or nil when a feature map
    /// of any size reaches its outputs: a Flatten or Reshape of a map whose size follows the
    /// input's, read (directly or through element-wise layers) by a Dense layer, fixes the count
    /// of features that layer was trained on. Global pooling removes the dependency.
    func fixedInputSizeReason() -> String? {
        // Values whose height and width follow the input's.
        var spatial = [Bool](repeating: false, count: values.count)
        // For values computed from a flattened feature map: the node that flattened it.
        var flattenedBy = [Int?](repeating: nil, count: values.count)
        for id in inputs where values[id].shape.rank == 4 { spatial[id] = true }
        for (i, node) in nodes.enumerated() {
            let fromSpatial = node.inputs.contains { spatial[$0] }
            let flattened = node.inputs.lazy.compactMap { flattenedBy[$0] }.first
            switch node.op {
            case .globalPool:
                continue
            case .flatten, .reshape:
                flattenedBy[node.output] = fromSpatial ? i : flattened
            case .dense:
                if let f = flattened {
                    return "its \(nodes[f].op.name) ('\(nodes[f].name)') feeds a Dense layer"
                }
                spatial[node.output] = fromSpatial
            default:
                spatial[node.output] = fromSpatial
                flattenedBy[node.output] = flattened
            }
        }
        return nil
    }

    /// The graph with its inputs declared at `inputShapes` (which differ from the declared ones
    /// in height and width only): every `same` padding recomputed for its new input
    /// (`PaddingRule`), every shape inferred again. Value and node indices stay as they are, so
    /// the result reads the very same constants. `model` and `size` name the model and the input
    /// size in errors: a layer left with an empty output means the input is too small.
    func atInputShapes(_ inputShapes: [ValueID: Shape], model: String, size: String) throws -> Graph {
        var g = self
        g.specializer = nil
        for (id, shape) in inputShapes { g.values[id].shape = shape }
        for i in g.nodes.indices {
            let node = g.nodes[i]
            let shapes = node.inputs.map { g.values[$0].shape }
            let op = node.op.paddingRecomputed(for: shapes.first ?? [])
            let out: Shape
            do {
                out = try ShapeInference.outputShape(node: node.name, op: op, inputs: shapes)
            } catch let error as GraphError {
                switch op {
                case .conv2d, .pool2d: throw InputSizeError.tooSmall(model: model, size: size, detail: error.description)
                default: throw InputSizeError.fixedSize(model: model, size: declaredInputSize, reason: error.description)
                }
            }
            guard out.dims.allSatisfy({ $0 > 0 }) else {
                throw InputSizeError.tooSmall(model: model, size: size, detail: "node '\(node.name)' (\(op.name)) would output \(out)")
            }
            g.nodes[i].op = op
            g.values[node.output].shape = out
        }
        return g
    }

    /// Whether every node reads the very same values as in `other`, and every constant is the
    /// same tensor (same bytes in memory): then weights prepared for one serve the other.
    func readsSameWeights(as other: Graph) -> Bool {
        guard values.count == other.values.count, nodes.count == other.nodes.count,
              zip(nodes, other.nodes).allSatisfy({ $0.inputs == $1.inputs }) else { return false }
        return zip(values, other.values).allSatisfy { a, b in
            switch (a.constant, b.constant) {
            case (nil, nil): true
            case let (x?, y?): x.rawPointer == y.rawPointer && x.dtype == y.dtype && x.shape == y.shape
            default: false
            }
        }
    }

    /// `HxW` of the first image input as declared (or its shape when it is no image).
    var declaredInputSize: String {
        guard let id = inputs.first else { return "its declared" }
        let s = values[id].shape
        return s.rank == 4 ? "\(s[1])x\(s[2])" : "\(s)"
    }
}

extension Op {
    /// The op with a `same` padding computed for an NHWC input of this shape; others unchanged.
    func paddingRecomputed(for input: Shape) -> Op {
        guard input.rank == 4 else { return self }
        switch self {
        case .conv2d(var p):
            guard let rule = p.paddingRule else { return self }
            p.padding = rule.padding(inH: input[1], inW: input[2], kernel: p.kernel, strides: p.strides, dilations: p.dilations)
            return .conv2d(p)
        case .pool2d(var p):
            guard let rule = p.paddingRule else { return self }
            p.padding = rule.padding(inH: input[1], inW: input[2], kernel: p.kernel, strides: p.strides, dilations: p.dilations)
            return .pool2d(p)
        default:
            return self
        }
    }
}
