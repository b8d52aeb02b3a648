import Foundation
import ZooGraph
import ZooONNX
import ZooTensor

/// One import in progress: the graph being built, what is known about every ONNX value,
/// and the node being imported (for error messages).
final class ONNXGraphImport {
    let file: URL
    /// The model's default-domain opset.
    let opset: Int
    let tensors: ONNXTensorDecoder
    private(set) var builder: GraphBuilder
    private var slots: [String: ONNXSlot] = [:]
    /// The node being imported; errors raised while converting layouts name it.
    var current: ONNXNodeContext?

    init(file: URL, opset: Int, graphName: String, tensors: ONNXTensorDecoder) {
        self.file = file
        self.opset = opset
        self.tensors = tensors
        builder = GraphBuilder(name: graphName)
    }

    func build() -> Graph { builder.build() }

    // MARK: Values

    func slot(_ name: String) throws -> ONNXSlot {
        guard let s = slots[name] else {
            throw malformed("reads '\(name)', which no earlier node, graph input or initializer defines")
        }
        return s
    }

    func isDefined(_ name: String) -> Bool { slots[name] != nil }

    /// Records a new ONNX value. ONNX values are assigned once (SSA).
    func define(_ name: String, _ slot: ONNXSlot) throws {
        guard slots[name] == nil else { throw malformed("the value '\(name)' is defined twice") }
        slots[name] = slot
    }

    /// Caches a graph form created for an existing value.
    func update(_ name: String, _ body: (inout ONNXSlot) -> Void) {
        if var s = slots[name] {
            body(&s)
            slots[name] = s
        }
    }

    /// Defines `name` as a value known at import time.
    func defineKnown(_ name: String, _ tensor: Tensor, batchMask: [Bool]? = nil) throws {
        try define(name, ONNXSlot(shape: tensor.shape.dims, known: tensor, batchMask: batchMask))
    }

    /// Defines `name` as the graph value `id`, which holds it in ONNX order.
    func definePlain(_ name: String, _ id: ValueID, batchLeading: Bool) throws {
        var s = ONNXSlot(shape: builder.shape(of: id).dims, batchLeading: batchLeading)
        s.plain = id
        try define(name, s)
    }

    /// Defines `name` as the rank-4 graph value `id`, which holds it as NHWC.
    func defineNHWC(_ name: String, _ id: ValueID, batchLeading: Bool) throws {
        let d = builder.shape(of: id).dims
        var s = ONNXSlot(shape: Layout.nhwcToNCHW.map { d[$0] }, batchLeading: batchLeading)
        s.nhwc = id
        try define(name, s)
    }

    /// Makes `name` another name for `source` (Identity, inference Dropout, Cast to float).
    func alias(_ name: String, to source: String) throws {
        try define(name, try slot(source))
    }

    // MARK: Graph building

    /// Appends a graph node; shape errors become errors naming the ONNX node.
    @discardableResult
    func add(_ op: Op, _ inputs: [ValueID], name: String) throws -> ValueID {
        do {
            return try builder.add(op, inputs: inputs, name: uniqueName(name))
        } catch let error as GraphError {
            throw malformed(error.description)
        }
    }

    /// Adds a float32 constant (weights are converted once, here).
    func constant(_ name: String, _ tensor: Tensor) throws -> ValueID {
        do {
            return try builder.constant(uniqueName(name), tensor.converted(to: .float32))
        } catch let error as GraphError {
            throw malformed(error.description)
        }
    }

    func input(_ name: String, shape: Shape) throws -> ValueID {
        do {
            return try builder.input(name, shape: shape)
        } catch let error as GraphError {
            throw ImportError.malformed(file: file, at: "graph input '\(name)'", detail: error.description)
        }
    }

    func output(_ id: ValueID, name: String) { builder.output(id, name: name) }

    func shape(of id: ValueID) -> [Int] { builder.shape(of: id).dims }

    /// Graph value names are unique; helper nodes get a suffix when their name is taken.
    private func uniqueName(_ base: String) -> String {
        if builder.value(named: base) == nil { return base }
        var i = 1
        while builder.value(named: "\(base)_\(i)") != nil { i += 1 }
        return "\(base)_\(i)"
    }

    // MARK: Errors

    func malformed(_ detail: String) -> ImportError {
        current?.malformed(detail) ?? .malformed(file: file, at: "graph", detail: detail)
    }

    func unsupported(_ detail: String) -> ImportError {
        current?.unsupported(detail) ?? .malformed(file: file, at: "graph", detail: detail)
    }
}
