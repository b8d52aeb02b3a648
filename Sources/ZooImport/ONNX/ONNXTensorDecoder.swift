import Foundation
import ZooONNX
import ZooTensor

/// Turns `TensorProto`s into tensors: checks dims and element counts before allocating, and
/// that the data field (or the external file range) holds exactly the bytes the dims need.
/// Values are little-endian, as ONNX stores them and as every supported host is.
final class ONNXTensorDecoder {
    let file: URL
    let externalData: ONNXExternalData

    init(file: URL, externalData: ONNXExternalData) {
        self.file = file
        self.externalData = externalData
    }

    /// Decodes `proto`; `what` names it in errors ("initializer 'conv1.weight'").
    func decode(_ proto: ONNXTensorProto, what: String) throws -> Tensor {
        let shape = try checkedShape(proto, what: what)
        let count = shape.elementCount
        guard let type = proto.dataType else {
            throw ImportError.unsupportedDType(tensor: what, dtype: "code \(proto.dataTypeCode)", file: file)
        }
        guard let elementSize = type.byteSize, type != .complex64, type != .complex128 else {
            throw ImportError.unsupportedDType(tensor: what, dtype: type.description, file: file)
        }
        guard count.multipliedReportingOverflow(by: elementSize).overflow == false else {
            throw malformed(what, "dims \(shape) are too large")
        }
        if proto.isExternal {
            let bytes = try externalData.bytes(for: proto, byteCount: count * elementSize, what: what)
            return try bytes.withUnsafeBytes { try fromRaw($0, type: type, shape: shape, what: what) }
        }
        if let raw = proto.rawData {
            guard raw.count == count * elementSize else {
                throw malformed(what, "raw_data holds \(raw.count) bytes; dims \(shape) of \(type) need \(count * elementSize)")
            }
            return try raw.withUnsafeBytes { try fromRaw($0, type: type, shape: shape, what: what) }
        }
        return try fromTypedFields(proto, type: type, shape: shape, what: what)
    }

    private func checkedShape(_ proto: ONNXTensorProto, what: String) throws -> Shape {
        var dims: [Int] = []
        for d in proto.dims {
            guard d >= 0, let i = Int(exactly: d) else { throw malformed(what, "negative or huge dimension \(d) in dims \(proto.dims)") }
            dims.append(i)
        }
        let shape = Shape(dims)
        guard shape.checkedElementCount != nil else { throw malformed(what, "dims \(shape) overflow the element count") }
        return shape
    }

    /// Little-endian bytes of `type` into a tensor of the nearest supported dtype.
    private func fromRaw(_ raw: UnsafeRawBufferPointer, type: ONNXDataType, shape: Shape, what: String) throws -> Tensor {
        let n = shape.elementCount
        switch type {
        case .float: return Tensor(shape: shape, dtype: .float32, bytes: raw)
        case .double: return Tensor(shape: shape, dtype: .float64, bytes: raw)
        case .float16: return Tensor(shape: shape, dtype: .float16, bytes: raw)
        case .int64: return Tensor(shape: shape, dtype: .int64, bytes: raw)
        case .int32: return Tensor(shape: shape, dtype: .int32, bytes: raw)
        case .uint8, .bool: return Tensor(shape: shape, dtype: .uint8, bytes: raw)
        case .bfloat16:
            // bfloat16 is the top half of a float32.
            let bits = (0..<n).map { UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16 }
            return Tensor(shape: shape, floats: bits.map(Float.init(bitPattern:)))
        case .int8: return int64s(shape, (0..<n).map { Int64(raw.loadUnaligned(fromByteOffset: $0, as: Int8.self)) })
        case .int16: return int64s(shape, (0..<n).map { Int64(raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) })
        case .uint16: return int64s(shape, (0..<n).map { Int64(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) })
        case .uint32: return int64s(shape, (0..<n).map { Int64(raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) })
        case .uint64: return int64s(shape, (0..<n).map { Int64(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) })
        case .string, .complex64, .complex128:
            throw ImportError.unsupportedDType(tensor: what, dtype: type.description, file: file)
        }
    }

    /// The typed repeated fields: float_data, int32_data (which also carries the small integer
    /// types and float16/bfloat16 bit patterns), int64_data, double_data, uint64_data.
    private func fromTypedFields(_ p: ONNXTensorProto, type: ONNXDataType, shape: Shape, what: String) throws -> Tensor {
        let n = shape.elementCount
        func check(_ found: Int, _ field: String) throws {
            guard found == n else { throw malformed(what, "\(field) holds \(found) values; dims \(shape) need \(n)") }
        }
        switch type {
        case .float:
            try check(p.floatData.count, "float_data")
            return Tensor(shape: shape, floats: p.floatData)
        case .double:
            try check(p.doubleData.count, "double_data")
            return p.doubleData.withUnsafeBytes { Tensor(shape: shape, dtype: .float64, bytes: $0) }
        case .int64:
            try check(p.int64Data.count, "int64_data")
            return Tensor(shape: shape, int64s: p.int64Data)
        case .int32:
            try check(p.int32Data.count, "int32_data")
            return p.int32Data.withUnsafeBytes { Tensor(shape: shape, dtype: .int32, bytes: $0) }
        case .int8, .int16, .uint8, .uint16, .bool:
            try check(p.int32Data.count, "int32_data")
            return int64s(shape, p.int32Data.map(Int64.init))
        case .float16:
            try check(p.int32Data.count, "int32_data")
            return Tensor(shape: shape, floats: p.int32Data.map { Float(float16Bits: UInt16(truncatingIfNeeded: $0)) })
        case .bfloat16:
            try check(p.int32Data.count, "int32_data")
            return Tensor(shape: shape, floats: p.int32Data.map { Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: $0)) << 16) })
        case .uint32, .uint64:
            try check(p.uint64Data.count, "uint64_data")
            return int64s(shape, p.uint64Data.map { Int64(bitPattern: $0) })
        case .string, .complex64, .complex128:
            throw ImportError.unsupportedDType(tensor: what, dtype: type.description, file: file)
        }
    }

    private func int64s(_ shape: Shape, _ values: [Int64]) -> Tensor { Tensor(shape: shape, int64s: values) }

    private func malformed(_ what: String, _ detail: String) -> ImportError {
        .malformed(file: file, at: what, detail: detail)
    }
}
