/// bfloat16 weights packed in the bf16 kernels' panels (`BF16PanelLayout`): how a float32 weight
/// matrix becomes one, and back.
extension Tensor {
    /// This float32 tensor ([depth, groups * groupColumns] in row-major order, any shape with that
    /// element count) rounded to bfloat16 and packed in `layout`; the shape is kept.
    public func packedAsBF16Panels(_ layout: BF16PanelLayout) -> Tensor {
        precondition(dtype == .float32 && layout.weightCount == elementCount, "cannot pack \(shape) \(dtype) as \(layout)")
        let packed = withUnsafeFloats { layout.pack($0) }
        let storage = TensorStorage(byteCount: layout.byteCount)
        packed.withUnsafeBytes { storage.bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return Tensor(shape: shape, dtype: .bfloat16, storage: storage, bf16Panels: layout)
    }

    /// A tensor of `shape` whose bytes are bf16 panels in `layout`, borrowed from memory that
    /// `owner` keeps alive (a mapped file); nil when the layout does not hold `shape`'s elements.
    public static func borrowingBF16Panels(_ bytes: UnsafeRawPointer, layout: BF16PanelLayout, shape: Shape,
                                           owner: AnyObject) -> Tensor? {
        guard shape.checkedElementCount == layout.weightCount else { return nil }
        let storage = TensorStorage(borrowing: bytes, byteCount: layout.byteCount, owner: owner)
        return Tensor(shape: shape, dtype: .bfloat16, storage: storage, bf16Panels: layout)
    }

    /// The panels' values (bf16 bits), for a kernel that streams them as they are.
    public func withUnsafeBF16Panels<R>(_ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        precondition(bf16Panels != nil, "withUnsafeBF16Panels on a row-major \(dtype) tensor")
        return try body(UnsafeBufferPointer(start: rawPointer.assumingMemoryBound(to: UInt16.self), count: bf16Panels!.valueCount))
    }

    /// The panels widened to a row-major float32 tensor of the same shape.
    func unpackedBF16Panels() -> Tensor {
        var out = Tensor(zeros: shape, dtype: .float32)
        withUnsafeBF16Panels { packed in
            out.withUnsafeMutableFloats { bf16Panels!.unpack(packed, into: $0) }
        }
        return out
    }
}
