/// Why bytes could not be read as an ONNX message. The importer adds the file name.
public enum ONNXParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// The bytes do not start like a protobuf `ModelProto`, or parse to one without a graph.
    case notONNX(detail: String)
    /// libprotobuf-c rejected bytes that start like an ONNX message: a length or field runs
    /// past the end (a cut-short file) or the encoding is damaged.
    case truncatedOrCorrupt(message: String)

    /// The problem in one line, without the file name.
    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .notONNX(let detail): "not an ONNX model: \(detail)"
        case .truncatedOrCorrupt(let message): "\(message) ends early or is corrupt (libprotobuf-c cannot parse it)"
        }
    }
}
