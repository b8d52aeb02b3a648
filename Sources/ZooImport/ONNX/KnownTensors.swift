import ZooGraph
import ZooKernels
import ZooTensor

/// Small tensor operations on values known at import time (shape vectors, folded
/// constants). They work on any dtype by copying element bytes.
enum KnownTensors {
    /// The largest tensor folding may produce (64M elements): bigger results come only from
    /// hostile files, which should fail rather than exhaust memory.
    static let maxElements = 1 << 26

    /// Elements at `indices` along `axis`; the axis becomes `indices.count` long.
    static func gather(_ t: Tensor, axis: Int, indices: [Int]) -> Tensor {
        let dims = t.shape.dims
        let outer = dims[..<axis].reduce(1, *), extent = dims[axis]
        let inner = dims[(axis + 1)...].reduce(1, *) * t.dtype.byteSize
        var shape = dims
        shape[axis] = indices.count
        let out = Tensor(zeros: Shape(shape), dtype: t.dtype)
        let src = t.rawPointer, dst = out.storage.bytes
        var offset = 0
        for o in 0..<outer {
            for i in indices {
                dst.advanced(by: offset).copyMemory(from: src.advanced(by: (o * extent + i) * inner), byteCount: inner)
                offset += inner
            }
        }
        return out
    }

    /// Concatenation along `axis`; operands are converted to the first one's dtype.
    static func concat(_ tensors: [Tensor], axis: Int, _ n: ONNXNodeContext) throws -> Tensor {
        let dtype = tensors[0].dtype
        let parts = tensors.map { $0.converted(to: dtype) }
        var shape = parts[0].shape.dims
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let outer = shape[..<axis].reduce(1, *)
        let out = Tensor(zeros: Shape(shape), dtype: dtype)
        var offset = 0
        for o in 0..<outer {
            for p in parts {
                let chunk = p.shape.dims[axis...].reduce(1, *) * dtype.byteSize
                out.storage.bytes.advanced(by: offset).copyMemory(from: p.rawPointer.advanced(by: o * chunk), byteCount: chunk)
                offset += chunk
            }
        }
        return out
    }

    /// `a op b` with numpy broadcasting: int64 when both are integers (ONNX integer division
    /// truncates), else float32. Nil when the shapes do not broadcast.
    static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor? {
        guard let shape = ShapeRules.broadcast(a.shape.dims, b.shape.dims) else { return nil }
        let ia = sourceIndices(a.shape.dims, into: shape), ib = sourceIndices(b.shape.dims, into: shape)
        let integers: Set<DType> = [.int64, .int32, .uint8]
        if integers.contains(a.dtype), integers.contains(b.dtype) {
            let x = a.int64s, y = b.int64s
            let values = zip(ia, ib).map { i, j -> Int64 in
                switch op {
                case .add: x[i] &+ y[j]
                case .sub: x[i] &- y[j]
                case .mul: x[i] &* y[j]
                case .div: y[j] == 0 ? 0 : x[i] / y[j]
                }
            }
            return Tensor(shape: Shape(shape), int64s: values)
        }
        let x = a.floats, y = b.floats
        let values = zip(ia, ib).map { i, j -> Float in
            switch op {
            case .add: x[i] + y[j]
            case .sub: x[i] - y[j]
            case .mul: x[i] * y[j]
            case .div: x[i] / y[j]
            }
        }
        return Tensor(shape: Shape(shape), floats: values)
    }

    /// For each element of `shape` (row-major), the index of the element of a tensor of
    /// `source` shape that broadcasts to it.
    static func sourceIndices(_ source: [Int], into shape: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: shape.count - source.count) + source
        let strides = Shape(padded).strides
        let count = shape.reduce(1, *)
        var result = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for k in 0..<count {
            result[k] = zip(index, zip(padded, strides)).reduce(0) { $0 + ($1.1.0 == 1 ? 0 : $1.0 * $1.1.1) }
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
