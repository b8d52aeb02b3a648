/// Element types a tensor can hold. Compute is float32; float16 and bfloat16 are storage types for weights;
/// the integer types carry indices, shapes and image bytes.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE float: every activation and computed weight.
    case float32
    /// 64-bit IEEE float (converted on import).
    case float64
    /// 16-bit IEEE float (`.zoo --fp16` weights, converted on load).
    case float16
    /// bfloat16 (`.zoo --bf16` weights, packed in the bf16 kernels' panels; see `BF16PanelLayout`).
    case bfloat16
    /// 64-bit signed integer (ONNX shapes and indices).
    case int64
    /// 32-bit signed integer.
    case int32
    /// 8-bit unsigned integer (image bytes).
    case uint8

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16: 2
        case .uint8: 1
        }
    }

    /// The type's name (`float32`, ...).
    public var description: String { rawValue }
}
