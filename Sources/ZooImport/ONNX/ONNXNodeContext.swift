import Foundation
import ZooONNX

/// One node being imported: its proto, the operator version that applies, and the helpers
/// that turn problems into errors naming the op type, opset, node and file.
struct ONNXNodeContext {
    let node: ONNXNode
    let op: ONNXOp
    /// The model's default-domain opset.
    let opset: Int
    /// The operator version in force at that opset (its `since_version`).
    let version: Int
    let file: URL

    var displayName: String { node.displayName }

    /// The name of the value this node writes first (its main output).
    var output: String { node.outputs.first ?? "" }

    /// Input `i`, or nil when it is absent or left empty (an omitted optional input).
    func input(_ i: Int) -> String? {
        guard i < node.inputs.count, !node.inputs[i].isEmpty else { return nil }
        return node.inputs[i]
    }

    func requiredInput(_ i: Int) throws -> String {
        guard let name = input(i) else { throw malformed("input \(i) is missing") }
        return name
    }

    /// An operator or attribute value the importer does not implement.
    func unsupported(_ detail: String = "") -> ImportError {
        .unsupportedOp(type: "\(node.opType) (opset \(opset))", node: displayName, detail: detail, file: file)
    }

    /// A node that breaks the ONNX spec (wrong attribute kind, missing input, bad shapes).
    func malformed(_ detail: String) -> ImportError {
        .malformed(file: file, at: "node '\(displayName)' (\(node.opType), opset \(opset))", detail: detail)
    }

    /// Rejects outputs beyond the first `count` that the file asks for (training statistics,
    /// masks, indices), which this importer does not compute.
    func requireOutputs(atMost count: Int) throws {
        for (i, name) in node.outputs.enumerated() where i >= count && !name.isEmpty {
            throw unsupported("output \(i) ('\(name)') is not computed")
        }
        guard !output.isEmpty else { throw malformed("no output") }
    }
}

extension ONNXNode {
    /// The node's name, or its first output's when the file leaves it empty.
    var displayName: String {
        if !name.isEmpty { return name }
        return outputs.first.map { "<\($0)>" } ?? "<unnamed>"
    }
}
