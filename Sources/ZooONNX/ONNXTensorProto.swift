/// ONNX element types (`TensorProto.DataType`).
public enum ONNXDataType: Int32, Sendable, CustomStringConvertible {
    /// The codes ONNX gives each element type.
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8
    /// More element type codes.
    case bool = 9, float16 = 10, double = 11, uint32 = 12, uint64 = 13, complex64 = 14
    /// More element type codes.
    case complex128 = 15, bfloat16 = 16

    /// Bytes per element in `raw_data` (nil for strings).
    public var byteSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float, .int32, .uint32: 4
        case .int64, .double, .uint64, .complex64: 8
        case .complex128: 16
        case .string: nil
        }
    }

    /// The type's name as ONNX spells it (`FLOAT`, `INT64`, ...).
    public var description: String {
        switch self {
        case .float: "FLOAT"
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .int32: "INT32"
        case .int64: "INT64"
        case .string: "STRING"
        case .bool: "BOOL"
        case .float16: "FLOAT16"
        case .double: "DOUBLE"
        case .uint32: "UINT32"
        case .uint64: "UINT64"
        case .complex64: "COMPLEX64"
        case .complex128: "COMPLEX128"
        case .bfloat16: "BFLOAT16"
        }
    }
}

/// A `TensorProto` as stored: dims, element type and whichever data field the writer used.
/// Turning it into a checked `Tensor` (sizes against dims, external files) is the importer's job.
public struct ONNXTensorProto: Sendable {
    /// The tensor's name (an initializer's name is the value nodes read).
    public var name: String
    /// The shape.
    public var dims: [Int64]
    /// The raw `data_type` code; see `ONNXDataType(rawValue:)`.
    public var dataTypeCode: Int32
    /// Little-endian element bytes, when the writer used `raw_data`.
    public var rawData: [UInt8]?
    /// Float values, when the writer used `float_data`.
    public var floatData: [Float]
    /// Also carries int8/16, uint8/16, bool and float16 (as bit patterns) values.
    public var int32Data: [Int32]
    /// int64 values, when the writer used `int64_data`.
    public var int64Data: [Int64]
    /// Double values, when the writer used `double_data`.
    public var doubleData: [Double]
    /// Also carries uint32 values.
    public var uint64Data: [UInt64]
    /// True when `data_location` is EXTERNAL: the bytes live in another file.
    public var isExternal: Bool
    /// `external_data` key/value pairs (location, offset, length, checksum) in file order.
    public var externalData: [(key: String, value: String)]

    /// The element type; nil for a code ONNX does not define.
    public var dataType: ONNXDataType? { ONNXDataType(rawValue: dataTypeCode) }
}
