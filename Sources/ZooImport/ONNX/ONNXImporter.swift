import Foundation
import ZooGraph
import ZooONNX
import ZooTensor

/// Imports an ONNX model (`ModelProto`) into a frozen NHWC graph.
///
/// The graph's inputs and outputs keep the model's own names and layouts: an image input is
/// declared NCHW exactly as the file says and transposed to NHWC inside the graph; 4-D outputs
/// are transposed back. A symbolic first dimension (`batch_size`) is declared as 1 and, like
/// every graph input's first dimension, is free at run time. Shape arithmetic that exporters
/// write (Shape, Gather, Slice, Unsqueeze, Concat, Cast, ConstantOfShape, Range, Reshape, the
/// pads of a Pad) is evaluated here, so the graph holds no shape ops. Inputs that do not fit
/// the graph as declared (other shapes, or values an op needs such as a Reshape's target) go
/// to a graph imported again for them (`ONNXGraphSpecializer`), cached by the executor.
public enum ONNXImporter {
    /// Reads and imports the model at `url`. External data is read relative to its folder.
    public static func importGraph(from url: URL) throws -> Graph {
        try importGraph(from: url, constantInputs: [:])
    }

    /// Like `importGraph(from:)`, with some graph inputs fixed to known values: they become
    /// constants (as if they were initializers) instead of run-time inputs.
    public static func importGraph(from url: URL, constantInputs: [String: Tensor]) throws -> Graph {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ImportError.notAModel(file: url, detail: "cannot be read: \(error.localizedDescription)")
        }
        return try importGraph(data: data, file: url, externalDataFolder: url.deletingLastPathComponent(),
                               constantInputs: constantInputs)
    }

    /// Imports a serialized model held in memory. `file` names it in errors;
    /// `externalDataFolder` is where external tensor data is looked up (nil: none allowed).
    /// The graph carries a specializer that imports the model again for inputs that do not fit
    /// it as declared (other shapes; graph inputs an op needs as values, such as a Reshape's
    /// shape). A model that cannot be imported before such inputs are known gets a graph that
    /// only declares its inputs and outputs (`Graph.needsSpecialization`).
    public static func importGraph(data: Data, file: URL, externalDataFolder: URL?,
                                   constantInputs: [String: Tensor] = [:]) throws -> Graph {
        let source = ONNXSource(data: data, file: file, externalDataFolder: externalDataFolder, constantInputs: constantInputs)
        let model = try source.parse()
        var graph: Graph
        do {
            graph = try importModel(model, source: source, inputShapes: [:])
        } catch is ONNXNeedsKnownInput {
            graph = try declarationGraph(model, source: source)
        }
        graph.specializer = ONNXGraphSpecializer(source: source)
        return graph
    }

    /// Imports `model` with the source's constant inputs, graph inputs declared at
    /// `inputShapes` where given. Throws `ONNXNeedsKnownInput` when an op needs a graph input's value.
    static func importModel(_ model: ONNXModel, source: ONNXSource, inputShapes: [String: Shape],
                            extraConstants: [String: Tensor] = [:]) throws -> Graph {
        let externalData = ONNXExternalData(modelFile: source.file, folder: source.externalDataFolder)
        return try importModel(model, file: source.file, tensors: ONNXTensorDecoder(file: source.file, externalData: externalData),
                               constantInputs: source.constantInputs.merging(extraConstants) { $1 }, inputShapes: inputShapes)
    }

    static func importModel(_ model: ONNXModel, file: URL, tensors: ONNXTensorDecoder,
                            constantInputs: [String: Tensor], inputShapes: [String: Shape]) throws -> Graph {
        guard let graph = model.graph else { throw ImportError.notAModel(file: file, detail: "not an ONNX model: no graph") }
        guard let declared = model.defaultOpset else {
            throw ImportError.malformed(file: file, at: "opset_import", detail: "no opset for the default (ai.onnx) domain (is the file truncated?)")
        }
        guard declared >= 1, declared <= Int64(ONNXOp.newestOpset) else {
            throw ImportError.malformed(file: file, at: "opset_import",
                                        detail: "ai.onnx opset \(declared) is not supported (1 to \(ONNXOp.newestOpset))")
        }
        guard !graph.hasSparseInitializers else {
            throw ImportError.unsupportedDType(tensor: "sparse_initializer", dtype: "sparse tensor", file: file)
        }
        try ONNXGraphOrder.check(graph, file: file)
        let name = graph.name.isEmpty ? file.deletingPathExtension().lastPathComponent : graph.name
        let state = ONNXGraphImport(file: file, opset: Int(declared), graphName: name, tensors: tensors)
        try state.defineInitializers(graph.initializers)
        try state.defineInputs(graph.inputs, constantInputs: constantInputs, shapes: inputShapes)
        for node in graph.nodes {
            let n = try state.context(for: node)
            state.current = n
            try state.importNode(n)
            for name in node.outputs where !name.isEmpty && !state.isDefined(name) {
                throw n.unsupported("output '\(name)' is not computed")
            }
        }
        state.current = nil
        try state.defineOutputs(graph.outputs)
        return state.build()
    }
}

extension ONNXGraphImport {
    /// Initializers are values known at import time.
    func defineInitializers(_ initializers: [ONNXTensorProto]) throws {
        for proto in initializers {
            guard !proto.name.isEmpty else { throw ImportError.malformed(file: file, at: "initializer", detail: "an initializer has no name") }
            let tensor = try tensors.decode(proto, what: "initializer '\(proto.name)'")
            guard !isDefined(proto.name) else {
                throw ImportError.malformed(file: file, at: "initializer '\(proto.name)'", detail: "defined twice")
            }
            try defineKnown(proto.name, tensor)
        }
    }

    /// Declares the graph inputs. Inputs that are also initializers (as exporters for IR
    /// version < 4 write every weight) are constants, and so are `constantInputs`. `shapes`
    /// replaces declared shapes (of the same rank) with the ones fed at run time.
    func defineInputs(_ inputs: [ONNXValueInfo], constantInputs: [String: Tensor], shapes: [String: Shape] = [:]) throws {
        for info in inputs where !isDefined(info.name) {
            if let tensor = constantInputs[info.name] {
                try defineKnown(info.name, tensor)
                continue
            }
            let at = "graph input '\(info.name)'"
            guard let type = info.elementType else {
                throw ImportError.malformed(file: file, at: at, detail: "not a tensor, or no element type")
            }
            guard type == .float else {
                // The graph computes float32: other inputs are shapes, axes, indices, needed as values.
                throw ONNXNeedsKnownInput(input: info.name, error: .unsupportedDType(tensor: at, dtype: type.description, file: file))
            }
            if let fed = shapes[info.name] {
                guard fed.rank == (info.dims?.count ?? fed.rank) else {
                    throw ImportError.malformed(file: file, at: at, detail: "declared with rank \(info.dims?.count ?? 0), fed \(fed)")
                }
                try definePlain(info.name, try input(info.name, shape: fed), batchLeading: fed.rank > 0)
                update(info.name) { $0.graphInput = info.name }
                continue
            }
            guard let dims = info.dims else { throw ImportError.malformed(file: file, at: at, detail: "no shape declared") }
            var shape: [Int] = []
            for (axis, d) in dims.enumerated() {
                switch d {
                case .value(let v) where v > 0 && v <= Int64(Int32.max): shape.append(Int(v))
                case .param where axis == 0, .unknown where axis == 0: shape.append(1)  // the batch, bound at run time
                case .value(let v):
                    throw ImportError.malformed(file: file, at: at, detail: "dimension \(axis) is \(v); a dimension must be 1 to \(Int32.max)")
                default:
                    throw ImportError.malformed(file: file, at: at, detail: "dimension \(axis) is '\(d)'; only the first (batch) dimension may be symbolic")
                }
            }
            guard Shape(shape).checkedElementCount != nil else {
                throw ImportError.malformed(file: file, at: at, detail: "shape \(Shape(shape)) overflows")
            }
            let id = try input(info.name, shape: Shape(shape))
            try definePlain(info.name, id, batchLeading: !shape.isEmpty)
            update(info.name) { $0.graphInput = info.name }
        }
    }

    /// Marks the graph outputs, in ONNX order (4-D outputs go back to NCHW).
    func defineOutputs(_ outputs: [ONNXValueInfo]) throws {
        for info in outputs {
            let id = try plain(info.name)
            output(id, name: info.name)
        }
    }

    /// Checks a node's domain and op type and resolves the operator version in force.
    func context(for node: ONNXNode) throws -> ONNXNodeContext {
        let name = node.displayName
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw ImportError.unsupportedOp(type: "\(node.domain).\(node.opType) (opset \(opset))", node: name,
                                            detail: "operators outside the default ai.onnx domain are not supported", file: file)
        }
        guard let op = ONNXOp(rawValue: node.opType) else {
            throw ImportError.unsupportedOp(type: "\(node.opType) (opset \(opset))", node: name, detail: "", file: file)
        }
        guard let version = op.versions.last(where: { $0 <= opset }) else {
            throw ImportError.unsupportedOp(type: "\(node.opType) (opset \(opset))", node: name,
                                            detail: "the operator does not exist at this opset", file: file)
        }
        guard version >= op.oldestSupported else {
            throw ImportError.unsupportedOp(type: "\(node.opType) (opset \(opset))", node: name,
                                            detail: "version \(version) of the operator is not supported (opset \(op.oldestSupported) or later)",
                                            file: file)
        }
        return ONNXNodeContext(node: node, op: op, opset: opset, version: version, file: file)
    }
}
