/// Protobuf wire format, just enough to write small ONNX messages in tests (hostile ones
/// included: negative dims, cycles, lying sizes) without protoc or Python.
public struct ProtobufWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A varint field (int32, int64, enum); negative values take ten bytes, as protobuf writes them.
    public mutating func int(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A length-delimited field.
    public mutating func bytes(_ field: Int, _ data: [UInt8]) {
        key(field, wireType: 2)
        varint(UInt64(data.count))
        bytes += data
    }

    public mutating func string(_ field: Int, _ text: String) {
        bytes(field, Array(text.utf8))
    }

    /// An embedded message, built by `body`.
    public mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytes(field, inner.bytes)
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
