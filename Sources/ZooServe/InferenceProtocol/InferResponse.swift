import Foundation
import HTTPTypes
import Hummingbird

/// The answer of an infer request: JSON, or with the binary-data extension the JSON followed
/// by the outputs' bytes (`Inference-Header-Content-Length` says where the JSON ends).
struct InferResponse: Encodable {
    var modelName: String
    var modelVersion = "1"
    var id: String?
    var outputs: [Output]

    struct Output: Encodable {
        var name: String
        var datatype: String
        var shape: [Int]
        var parameters: [String: ParameterValue]?
        var data: OutputData?
        /// The bytes sent after the JSON when this output is binary.
        var binary: Data?

        enum CodingKeys: String, CodingKey { case name, datatype, shape, parameters, data }
    }

    enum OutputData: Encodable {
        case floats([Float])
        case strings([String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .floats(let values): try container.encode(values)
            case .strings(let values): try container.encode(values)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, outputs
        case modelName = "model_name"
        case modelVersion = "model_version"
    }

    /// The HTTP response: plain JSON when no output is binary.
    func response() throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let json = try encoder.encode(self)
        let binaries = outputs.compactMap(\.binary)
        guard !binaries.isEmpty else {
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        var body = ByteBuffer()
        body.reserveCapacity(json.count + binaries.reduce(0) { $0 + $1.count })
        body.writeBytes(json)
        for binary in binaries { body.writeBytes(binary) }
        return Response(status: .ok,
                        headers: [.contentType: "application/octet-stream", .inferenceHeaderContentLength: String(json.count)],
                        body: .init(byteBuffer: body))
    }
}

extension HTTPField.Name {
    /// The binary-data extension's header: the length of the JSON part of a body.
    static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!
}

/// Tensor bytes as the binary-data extension lays them out: FP32 little-endian; BYTES as a
/// 4-byte little-endian length before each element.
enum BinaryTensorData {
    static func fp32(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func bytes(_ strings: [String]) -> Data {
        var data = Data()
        for string in strings {
            let utf8 = Data(string.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(utf8)
        }
        return data
    }
}
