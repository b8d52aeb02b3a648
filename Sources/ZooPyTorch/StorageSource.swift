import Foundation
import ZooTensor

/// The raw bytes of each storage, by key, and the checked copy of a tensor view out of them.
struct StorageSource {
    var bytes: [String: Data]
    /// Most elements a view may have beyond its storage's (by repeating them with stride 0).
    static let maxRepeatedElements = 1 << 24

    static func dtype(ofStorage type: String) -> DType? {
        switch type {
        case "torch.FloatStorage": .float32
        case "torch.HalfStorage": .float16
        case "torch.DoubleStorage": .float64
        case "torch.LongStorage": .int64
        case "torch.IntStorage": .int32
        case "torch.ByteStorage": .uint8
        default: nil
        }
    }

    /// Copies the view `ref` into a contiguous tensor after checking that every element it
    /// addresses lies inside its storage.
    func materialize(_ ref: TensorReference, name: String) throws -> Tensor {
        func fail(_ detail: String) -> CheckpointError { CheckpointError("\(name): \(detail)") }
        guard let dtype = Self.dtype(ofStorage: ref.storage.storageType) else {
            throw fail("unsupported storage type \(ref.storage.storageType)")
        }
        guard let data = bytes[ref.storage.key] else { throw fail("storage '\(ref.storage.key)' is missing from the file") }
        let shape = Shape(ref.size)
        guard ref.size.count == ref.stride.count, let count = shape.checkedElementCount, ref.stride.allSatisfy({ $0 >= 0 }), ref.offset >= 0 else {
            throw fail("bad size \(ref.size) / stride \(ref.stride) / offset \(ref.offset)")
        }
        // Stride 0 repeats elements, so a view may outgrow its storage; a few bytes must not ask for terabytes.
        guard count <= max(ref.storage.elementCount, Self.maxRepeatedElements) else {
            throw fail("size \(ref.size) has \(count) elements, more than its storage's \(ref.storage.elementCount) "
                       + "and the \(Self.maxRepeatedElements) a repeating view may have")
        }
        let available = data.count / dtype.byteSize
        guard ref.storage.elementCount <= available else {
            throw fail("storage '\(ref.storage.key)' claims \(ref.storage.elementCount) elements but holds \(available)")
        }
        if count > 0 {
            var last = ref.offset
            for (s, st) in zip(ref.size, ref.stride) {
                let (step, o1) = (s - 1).multipliedReportingOverflow(by: st)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw fail("strides overflow") }
                last = sum
            }
            guard last < ref.storage.elementCount else {
                throw fail("size \(ref.size) at offset \(ref.offset) needs \(last + 1) elements; its storage has \(ref.storage.elementCount)")
            }
        }
        let out = Tensor(zeros: shape, dtype: dtype)
        let element = dtype.byteSize
        if ref.stride == shape.strides || count <= 1 {
            // The common case: a contiguous view, one copy.
            data.withUnsafeBytes { raw in
                out.storage.bytes.copyMemory(from: raw.baseAddress! + ref.offset * element, byteCount: count * element)
            }
            return out
        }
        data.withUnsafeBytes { raw in
            let src = raw.baseAddress!
            let dst = out.storage.bytes
            // Walk the view in row-major order with an odometer over its dimensions.
            var index = [Int](repeating: 0, count: ref.size.count)
            var sourceElement = ref.offset
            for i in 0..<count {
                (dst + i * element).copyMemory(from: src + sourceElement * element, byteCount: element)
                var axis = ref.size.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    sourceElement += ref.stride[axis]
                    if index[axis] < ref.size[axis] { break }
                    sourceElement -= ref.stride[axis] * ref.size[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return out
    }

    /// Every storage a value refers to, by key.
    static func references(in value: PickleValue, into result: inout [String: StorageReference]) {
        switch value {
        case .tensor(let t): result[t.storage.key] = t.storage
        case .storage(let s): result[s.key] = s
        case .tuple(let items): for v in items { references(in: v, into: &result) }
        case .list(let l): for v in l.items { references(in: v, into: &result) }
        case .dict(let d): for v in d.values { references(in: v, into: &result) }
        default: break
        }
    }
}
