/// An n-dimensional array: a shape, an element type and the bytes behind them.
/// Value semantics: copies share storage until one of them is written (copy on write), and
/// storage borrowed from a memory map is copied before any write.
public struct Tensor: Sendable {
    /// The size of each axis.
    public let shape: Shape
    /// The element type.
    public let dtype: DType
    package private(set) var storage: TensorStorage
    /// Where this tensor's bytes start inside `storage`.
    public let byteOffset: Int
    /// For bfloat16 weights stored in the bf16 kernels' panels (not row-major): how they are
    /// packed. `shape` stays the logical one; `converted(to:)` unpacks. nil for row-major tensors.
    public let bf16Panels: BF16PanelLayout?

    /// Number of elements.
    public var elementCount: Int { shape.elementCount }
    /// Number of bytes of the elements (of the packed panels, for `bf16Panels` tensors).
    public var byteCount: Int { bf16Panels?.byteCount ?? elementCount * dtype.byteSize }

    /// Wraps existing storage. The caller guarantees the bytes fit (see `TensorError`), and that
    /// a `bf16Panels` layout describes a bfloat16 tensor of `shape`'s element count.
    package init(shape: Shape, dtype: DType, storage: TensorStorage, byteOffset: Int = 0, bf16Panels: BF16PanelLayout? = nil) {
        precondition(bf16Panels == nil || (dtype == .bfloat16 && bf16Panels!.weightCount == shape.elementCount),
                     "bf16 panels \(bf16Panels!) for \(shape) \(dtype)")
        let bytes = bf16Panels?.byteCount ?? shape.elementCount * dtype.byteSize
        precondition(byteOffset >= 0 && byteOffset + bytes <= storage.byteCount,
                     "tensor \(shape) \(dtype) does not fit its storage")
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.byteOffset = byteOffset
        self.bf16Panels = bf16Panels
    }

    /// A zero-filled tensor.
    public init(zeros shape: Shape, dtype: DType = .float32) {
        self.init(shape: shape, dtype: dtype, storage: TensorStorage(byteCount: shape.elementCount * dtype.byteSize))
    }

    /// A float32 tensor holding `values` in row-major order.
    public init(shape: Shape, floats values: [Float]) {
        precondition(values.count == shape.elementCount, "\(values.count) values for shape \(shape)")
        self.init(zeros: shape, dtype: .float32)
        values.withUnsafeBytes { storage.bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// An int64 tensor holding `values` in row-major order.
    public init(shape: Shape, int64s values: [Int64]) {
        precondition(values.count == shape.elementCount, "\(values.count) values for shape \(shape)")
        self.init(zeros: shape, dtype: .int64)
        values.withUnsafeBytes { storage.bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// A tensor with copied bytes of the given type (little-endian host order).
    public init(shape: Shape, dtype: DType, bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == shape.elementCount * dtype.byteSize, "\(bytes.count) bytes for \(shape) \(dtype)")
        self.init(zeros: shape, dtype: dtype)
        if let base = bytes.baseAddress { storage.bytes.copyMemory(from: base, byteCount: bytes.count) }
    }

    package var rawPointer: UnsafeRawPointer { UnsafeRawPointer(storage.bytes + byteOffset) }

    /// Read access to the elements of a float32 tensor.
    public func withUnsafeFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(dtype == .float32, "withUnsafeFloats on a \(dtype) tensor")
        return try body(UnsafeBufferPointer(start: rawPointer.assumingMemoryBound(to: Float.self), count: elementCount))
    }

    /// Write access to the elements of a float32 tensor; copies shared or borrowed storage first.
    public mutating func withUnsafeMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(dtype == .float32, "withUnsafeMutableFloats on a \(dtype) tensor")
        makeUniqueOwned()
        let base = (storage.bytes + byteOffset).assumingMemoryBound(to: Float.self)
        return try body(UnsafeMutableBufferPointer(start: base, count: elementCount))
    }

    /// The elements as float32 values (float16, float64 and integers are converted).
    public var floats: [Float] { converted(to: .float32).withUnsafeFloats { Array($0) } }

    /// The elements of an integer tensor as Int64.
    public var int64s: [Int64] {
        if bf16Panels != nil { return converted(to: .float32).int64s }
        let p = rawPointer
        return (0..<elementCount).map { i in
            switch dtype {
            case .int64: p.load(fromByteOffset: i * 8, as: Int64.self)
            case .int32: Int64(p.load(fromByteOffset: i * 4, as: Int32.self))
            case .uint8: Int64(p.load(fromByteOffset: i, as: UInt8.self))
            case .float32: Int64(p.load(fromByteOffset: i * 4, as: Float.self))
            case .float64: Int64(p.load(fromByteOffset: i * 8, as: Double.self))
            case .float16: Int64(Float(float16Bits: p.load(fromByteOffset: i * 2, as: UInt16.self)))
            case .bfloat16: Int64(Float(bitPattern: UInt32(p.load(fromByteOffset: i * 2, as: UInt16.self)) << 16))
            }
        }
    }

    /// The same elements under another shape with the same element count (shares storage;
    /// bf16 panels keep their packing, which does not depend on the shape).
    public func reshaped(_ newShape: Shape) -> Tensor {
        precondition(newShape.elementCount == elementCount, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, dtype: dtype, storage: storage, byteOffset: byteOffset, bf16Panels: bf16Panels)
    }

    /// The elements converted to another type, row-major (bf16 panels are unpacked). Returns
    /// `self` when the type already matches.
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        if bf16Panels != nil { return unpackedBF16Panels().converted(to: target) }
        let out = Tensor(zeros: shape, dtype: target)
        let src = rawPointer
        let dst = out.storage.bytes
        for i in 0..<elementCount {
            let value: Double
            switch dtype {
            case .float32: value = Double(src.load(fromByteOffset: i * 4, as: Float.self))
            case .float64: value = src.load(fromByteOffset: i * 8, as: Double.self)
            case .float16: value = Double(Float(float16Bits: src.load(fromByteOffset: i * 2, as: UInt16.self)))
            case .bfloat16: value = Double(Float(bitPattern: UInt32(src.load(fromByteOffset: i * 2, as: UInt16.self)) << 16))
            case .int64: value = Double(src.load(fromByteOffset: i * 8, as: Int64.self))
            case .int32: value = Double(src.load(fromByteOffset: i * 4, as: Int32.self))
            case .uint8: value = Double(src.load(fromByteOffset: i, as: UInt8.self))
            }
            switch target {
            case .float32: dst.storeBytes(of: Float(value), toByteOffset: i * 4, as: Float.self)
            case .float64: dst.storeBytes(of: value, toByteOffset: i * 8, as: Double.self)
            case .float16: dst.storeBytes(of: Float(value).float16Bits, toByteOffset: i * 2, as: UInt16.self)
            case .bfloat16: dst.storeBytes(of: BF16PanelLayout.bfloat16Bits(Float(value)), toByteOffset: i * 2, as: UInt16.self)
            case .int64: dst.storeBytes(of: Int64(clamping: value), toByteOffset: i * 8, as: Int64.self)
            case .int32: dst.storeBytes(of: Int32(clamping: value), toByteOffset: i * 4, as: Int32.self)
            case .uint8: dst.storeBytes(of: UInt8(clamping: value), toByteOffset: i, as: UInt8.self)
            }
        }
        return out
    }

    /// The dimensions reordered: output axis `i` is input axis `permutation[i]` (numpy's transpose).
    /// bf16 panels are unpacked to float32 first.
    public func transposed(_ permutation: [Int]) -> Tensor {
        if bf16Panels != nil { return converted(to: .float32).transposed(permutation) }
        let out = Tensor(zeros: Shape(permutation.map { shape[$0] }), dtype: dtype)
        permute(source: rawPointer, shape: shape, permutation: permutation,
                destination: out.storage.bytes, elementSize: dtype.byteSize)
        return out
    }

    private mutating func makeUniqueOwned() {
        if storage.isOwned && isKnownUniquelyReferenced(&storage) { return }
        let copy = TensorStorage(byteCount: byteCount)
        copy.bytes.copyMemory(from: rawPointer, byteCount: byteCount)
        self = Tensor(shape: shape, dtype: dtype, storage: copy, bf16Panels: bf16Panels)
    }
}

private extension Int64 {
    init(clamping value: Double) {
        if value.isNaN { self = 0 } else if value >= 9.2e18 { self = .max } else if value <= -9.2e18 { self = .min } else { self = Int64(value) }
    }
}

private extension Int32 {
    init(clamping value: Double) { self = Int32(clamping: Int64(clamping: value)) }
}

private extension UInt8 {
    init(clamping value: Double) { self = UInt8(clamping: Int64(clamping: value)) }
}
