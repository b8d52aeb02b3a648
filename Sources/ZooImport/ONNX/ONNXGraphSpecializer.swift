import Foundation
import Synchronization
import ZooGraph
import ZooONNX
import ZooTensor

/// An ONNX model's bytes (memory-mapped) and how to read them, kept so that the model can be
/// imported again for other inputs.
struct ONNXSource: Sendable {
    let data: Data
    let file: URL
    let externalDataFolder: URL?
    /// Graph inputs the caller fixed to values (`importGraph(from:constantInputs:)`).
    let constantInputs: [String: Tensor]

    func parse() throws -> ONNXModel {
        let parsed = data.withUnsafeBytes { bytes in Result { () throws(ONNXParseError) in try ONNXModel.parse(bytes) } }
        switch parsed {
        case .success(let m): return m
        case .failure(.notONNX) where GitLFSPointer.matches(data.prefix(64)): throw ImportError.gitLFSPointer(file: file)
        case .failure(.notONNX(let detail)): throw ImportError.notAModel(file: file, detail: "not an ONNX model: \(detail)")
        case .failure(let error): throw ImportError.truncated(file: file, detail: error.description)
        }
    }
}

/// Imports an ONNX model again for the inputs actually fed, the way onnxruntime accepts them:
/// every input at its fed shape, and the inputs some op needs as values (a Reshape's shape,
/// pads, axes, Clip bounds, convolution weights) folded in as constants. Which inputs those
/// are is found by importing: non-float inputs always, float ones when an op asks for them.
final class ONNXGraphSpecializer: GraphSpecializer {
    let source: ONNXSource
    private let deciding = Mutex<Set<String>>([])

    init(source: ONNXSource) { self.source = source }

    var decidingInputs: Set<String> { deciding.withLock { $0 } }

    func specialized(for inputs: [String: Tensor]) throws -> Graph {
        let model = try source.parse()
        var known = decidingInputs.union(inputs.filter { $0.value.dtype != .float32 }.keys)
        // Each retry adds one input, so this ends after at most one import per input.
        while true {
            do {
                let constants = inputs.filter { known.contains($0.key) }
                let shapes = inputs.filter { !known.contains($0.key) }.mapValues(\.shape)
                var graph = try ONNXImporter.importModel(model, source: source, inputShapes: shapes, extraConstants: constants)
                graph.hasBatchDimension = false
                deciding.withLock { $0.formUnion(known) }
                return graph
            } catch let needed as ONNXNeedsKnownInput {
                guard inputs[needed.input] != nil, !known.contains(needed.input) else { throw needed.error }
                known.insert(needed.input)
            }
        }
    }
}

extension ONNXImporter {
    /// A graph that declares the model's inputs and outputs and computes nothing: the model
    /// needs some input's value before it can be imported (`Graph.needsSpecialization`).
    static func declarationGraph(_ model: ONNXModel, source: ONNXSource) throws -> Graph {
        guard let proto = model.graph else { throw ImportError.notAModel(file: source.file, detail: "not an ONNX model: no graph") }
        var builder = GraphBuilder(name: proto.name.isEmpty ? source.file.deletingPathExtension().lastPathComponent : proto.name)
        let initialized = Set(proto.initializers.map(\.name))
        func declared(_ info: ONNXValueInfo) -> Shape {
            Shape((info.dims ?? []).map { d in
                if case .value(let v) = d, v > 0, v <= Int64(Int32.max) { return Int(v) }
                return 1
            })
        }
        do {
            for info in proto.inputs where !initialized.contains(info.name) && source.constantInputs[info.name] == nil {
                let dtype: DType = switch info.elementType {
                case .float: .float32
                case .double: .float64
                case .float16: .float16
                case .int32: .int32
                case .uint8, .bool: .uint8
                default: .int64
                }
                _ = try builder.input(info.name, shape: declared(info), dtype: dtype)
            }
            for info in proto.outputs {
                let id = try builder.value(named: info.name) ?? builder.placeholder(info.name, shape: declared(info))
                builder.output(id, name: info.name)
            }
        } catch let error as GraphError {
            throw ImportError.malformed(file: source.file, at: "graph inputs and outputs", detail: error.description)
        }
        return builder.build()
    }
}
