import ZooGraph
import ZooKernels
import ZooTensor

/// ReduceMean, ReduceSum, ReduceMax and ReduceMin over any axes, with or without keepdims.
/// Axes are an attribute until ReduceSum-13 and the others' version 18, an input after.
/// Built from the global pool: the reduced axes, made contiguous by a transpose when they are
/// not, become the pooled "spatial" extent of an `[outer, reduced, 1, inner]` view. Sum is the
/// mean times the count, Min is `-max(-x)`.
extension ONNXGraphImport {
    func importReduce(_ n: ONNXNodeContext) throws {
        let axesAsInput = n.op == .reduceSum ? n.version >= 13 : n.version >= 18
        try n.checkAttributes(axesAsInput ? ["keepdims", "noop_with_empty_axes"] : ["axes", "keepdims"])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        let keepDims = try n.flag("keepdims", default: true)
        var requested: [Int]?
        if axesAsInput {
            requested = try n.input(1).map { try knownInts($0, n, what: "axes") }
            if requested?.isEmpty == true { requested = nil }
            if requested == nil, try n.flag("noop_with_empty_axes", default: false) { return try alias(n.output, to: x) }
        } else {
            requested = try n.ints("axes")
        }
        let axes = Set(try (requested ?? Array(0..<xs.rank)).map { a in
            guard let i = ShapeRules.axis(a, rank: xs.rank) else { throw n.malformed("axis \(a) is out of range for \(Shape(xs.shape))") }
            return i
        })
        let kept = (0..<xs.rank).filter { !axes.contains($0) }
        let outShape = keepDims ? xs.shape.indices.map { axes.contains($0) ? 1 : xs.shape[$0] } : kept.map { xs.shape[$0] }
        let batchLeading = xs.batchLeading && !axes.contains(0)
        let count = axes.reduce(1) { $0 * xs.shape[$1] }
        let kind: PoolKind = n.op == .reduceMax || n.op == .reduceMin ? .max : .average
        let negate = n.op == .reduceMin

        // H and W of an NHWC image: the global pool as it is.
        if xs.rank == 4, axes == [2, 3], xs.nhwc != nil || xs.plain == nil {
            var v = try nhwc(x)
            if negate { v = try scale(v, by: -1, name: n.output + "/negated") }
            var y = try add(.globalPool(kind, keepDims: true), [v], name: n.output + "/pooled")
            y = try finish(y, n, negate: negate, sum: n.op == .reduceSum ? count : nil)
            if keepDims { return try defineNHWC(n.output, y, batchLeading: batchLeading) }
            let flat = try add(.reshape(reshapeTarget(outShape, batchLeading: batchLeading)), [y], name: n.output)
            return try definePlain(n.output, flat, batchLeading: batchLeading)
        }

        var v = try plain(x)
        var dims = xs.shape
        let sorted = axes.sorted()
        var blockStart = sorted.first ?? 0
        if let first = sorted.first, let last = sorted.last, last - first + 1 != sorted.count {
            // Move the reduced axes after the kept ones, so that they form one block.
            let perm = kept + sorted
            v = try add(.transpose(perm), [v], name: n.output + "/grouped")
            dims = perm.map { xs.shape[$0] }
            blockStart = kept.count
        }
        let outer = dims[..<blockStart].reduce(1, *), inner = dims[(blockStart + axes.count)...].reduce(1, *)
        // A leading batch stays free: -1 lets the outer extent follow it.
        let leading = batchLeading && blockStart > 0 ? -1 : outer
        v = try add(.reshape([leading, count, 1, inner]), [v], name: n.output + "/view")
        if negate { v = try scale(v, by: -1, name: n.output + "/negated") }
        var y = try add(.globalPool(kind, keepDims: false), [v], name: n.output + "/pooled")
        y = try finish(y, n, negate: negate, sum: n.op == .reduceSum ? count : nil)
        let target = batchLeading && !outShape.isEmpty ? [-1] + outShape.dropFirst() : outShape
        let out = try add(.reshape(target), [y], name: n.output)
        try definePlain(n.output, out, batchLeading: batchLeading)
    }

    /// Undoes the negation of a Min, or turns a mean into a sum of `sum` elements.
    private func finish(_ y: ValueID, _ n: ONNXNodeContext, negate: Bool, sum: Int?) throws -> ValueID {
        if negate { return try scale(y, by: -1, name: n.output + "/min") }
        if let sum { return try scale(y, by: Float(sum), name: n.output + "/sum") }
        return y
    }

    private func scale(_ v: ValueID, by factor: Float, name: String) throws -> ValueID {
        try add(.binary(.mul), [v, try constant(name + "/factor", Tensor(shape: [1], floats: [factor]))], name: name)
    }
}
