/// Element types a tensor can hold. Compute is float32; float16 is a storage type for weights;
/// the integer types carry indices, shapes and image bytes.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32
    case float64
    case float16
    case int64
    case int32
    case uint8

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16: 2
        case .uint8: 1
        }
    }

    public var description: String { rawValue }
}
