import Foundation
import ZooONNX
import ZooTensor

extension ONNXImporter {
    /// The ONNX operator types the importer reads (default domain). Shape, Gather, Cast, Slice
    /// and Constant are evaluated at import time and need inputs known there.
    public static var supportedOperators: Set<String> { Set(ONNXOp.allCases.map(\.rawValue)) }

    /// Reads a serialized `TensorProto` file, as ONNX's test data stores inputs and outputs.
    public static func readTensor(from url: URL) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImportError.notAModel(file: url, detail: "cannot be read: \(error.localizedDescription)")
        }
        let parsed = data.withUnsafeBytes { bytes in Result { () throws(ONNXParseError) in try ONNXTensorProto.parse(bytes) } }
        let proto: ONNXTensorProto
        switch parsed {
        case .success(let p): proto = p
        case .failure(let error): throw ImportError.truncated(file: url, detail: error.description)
        }
        let decoder = ONNXTensorDecoder(file: url, externalData: ONNXExternalData(modelFile: url, folder: url.deletingLastPathComponent()))
        return try decoder.decode(proto, what: proto.name.isEmpty ? "tensor" : "tensor '\(proto.name)'")
    }
}
