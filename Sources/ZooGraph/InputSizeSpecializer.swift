import ZooTensor

/// Rebuilds a frozen graph for image inputs of another height and width, as Keras and PyTorch
/// run a network that ends in global pooling at any size: each Keras `same` padding is
/// recomputed for its new input (`PaddingRule`; explicit pads stay), and shapes are inferred
/// again. A network whose Dense layer reads a flattened feature map is refused with the reason,
/// as is an input too small for it. The graphs it builds keep a free batch dimension.
struct InputSizeSpecializer: GraphSpecializer {
    /// The graph at its declared size, without a specializer.
    let graph: Graph
    /// The model's name, for errors.
    let model: String
    /// Why the graph takes its declared size only (computed once), or nil.
    let fixedReason: String?

    var decidingInputs: Set<String> { [] }
    var keepsBatchDimension: Bool { true }

    func specialized(for inputs: [String: Tensor]) throws -> Graph {
        var shapes: [ValueID: Shape] = [:]
        var size: String?
        for id in graph.inputs {
            let declared = graph.values[id]
            guard let tensor = inputs[declared.name] else { throw GraphError.missingInput(name: declared.name) }
            guard tensor.dtype == declared.dtype else {
                throw InputSizeError.type(input: declared.name, expected: declared.dtype, found: tensor.dtype)
            }
            let s = tensor.shape, d = declared.shape
            // Only the height and width of an image input may differ (the batch is free anyway).
            guard s.rank == d.rank, s.rank > 0, s[0] >= 1,
                  (1..<s.rank).allSatisfy({ s[$0] == d[$0] || (d.rank == 4 && ($0 == 1 || $0 == 2)) }) else {
                throw InputSizeError.otherAxes(input: declared.name, expected: d, found: s)
            }
            if d.rank == 4 {
                size = size ?? "\(s[1])x\(s[2])"
                guard s[1] >= 1, s[2] >= 1 else {
                    throw InputSizeError.tooSmall(model: model, size: "\(s[1])x\(s[2])", detail: "input '\(declared.name)' is empty")
                }
            }
            var shape = s
            shape[0] = d[0]
            shapes[id] = shape
        }
        if let fixedReason {
            throw InputSizeError.fixedSize(model: model, size: graph.declaredInputSize, reason: fixedReason)
        }
        return try graph.atInputShapes(shapes, model: model, size: size ?? "")
    }
}

extension Graph {
    /// The same graph, run at any input height and width: inputs of another size than the
    /// declared one get a graph rebuilt for them (`InputSizeSpecializer`), planned and cached
    /// per size by the executor like another batch size; a network that cannot take them says
    /// why in one `InputSizeError` naming `model`. A graph that already has a specializer (an
    /// ONNX import re-reads its source instead), or has no image input, is returned unchanged.
    public func acceptingAnyInputSize(model: String) -> Graph {
        guard specializer == nil, hasBatchDimension, inputs.contains(where: { values[$0].shape.rank == 4 }) else { return self }
        var g = self
        g.specializer = InputSizeSpecializer(graph: self, model: model, fixedReason: fixedInputSizeReason())
        return g
    }
}
