import ZooGraph
import ZooTensor

/// Flatten, Reshape, Transpose, Squeeze/Unsqueeze. On known values they fold; on NHWC values
/// they either compose with the layout (Transpose), keep the HWC order for a following dense
/// layer (a Flatten/Reshape to `[N, C*H*W]`), or go back to ONNX order first.
extension ONNXGraphImport {
    func importFlatten(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["axis"])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        let requested = try n.int("axis", default: 1)
        let axis = requested < 0 ? requested + xs.rank : requested
        guard (0...xs.rank).contains(axis) else { throw n.malformed("axis \(requested) is out of range for shape \(Shape(xs.shape))") }
        let shape = [xs.shape[..<axis].reduce(1, *), xs.shape[axis...].reduce(1, *)]
        if let t = xs.known { return try defineKnown(n.output, t.reshaped(Shape(shape))) }
        if axis == 1, try flattenKeepingLayout(x, xs, output: n.output) { return }
        let y = try add(.flatten(axis: axis), [try plain(x)], name: n.output)
        try definePlain(n.output, y, batchLeading: xs.batchLeading && axis >= 1)
    }

    func importReshape(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(n.version >= 14 ? ["allowzero"] : [])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0), shapeName = try n.requiredInput(1)
        let target = try slot(shapeName)
        let t = try knownValue(shapeName, orElse: n.unsupported("the target shape '\(shapeName)' must be known at import time"))
        guard t.shape.rank == 1, t.dtype == .int64 || t.dtype == .int32 else {
            throw n.malformed("the target shape '\(shapeName)' must be a 1-D integer tensor, found \(t.dtype) \(t.shape)")
        }
        var dims = try t.int64s.map { v -> Int in
            guard let i = Int(exactly: v), i >= -1 else { throw n.malformed("target shape \(t.int64s) holds \(v)") }
            return i
        }
        if try n.flag("allowzero", default: false), dims.contains(0) {
            throw n.unsupported("allowzero = 1 with a 0 in the target shape (empty tensors)")
        }
        let xs = try slot(x)
        let shape = try resolvedReshape(xs.shape, dims)
        // Keep the batch free: a leading entry that is (or was folded from) the batch size copies it.
        let mask = target.batchMask ?? []
        if xs.batchLeading, !dims.isEmpty, dims[0] != -1, (mask.first == true || dims[0] == xs.shape[0]) { dims[0] = 0 }
        if let known = xs.known {
            let carried = xs.batchMask.flatMap { $0.count == shape.reduce(1, *) ? $0 : nil }
            return try defineKnown(n.output, known.reshaped(Shape(shape)), batchMask: carried)
        }
        let batchLeading = xs.batchLeading && (dims.first == 0 || dims.first == -1)
        if batchLeading, shape.count == 2, shape[0] == xs.shape[0], xs.rank == 4 || xs.hwcFlat != nil,
           try flattenKeepingLayout(x, xs, output: n.output) { return }
        let y = try add(.reshape(dims), [try plain(x)], name: n.output)
        try definePlain(n.output, y, batchLeading: batchLeading)
    }

    func importTranspose(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["perm"])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        let perm = try n.ints("perm") ?? Array((0..<xs.rank).reversed())
        guard perm.count == xs.rank, Set(perm) == Set(0..<xs.rank) else {
            throw n.malformed("perm \(perm) is not a permutation of the \(xs.rank) axes of \(Shape(xs.shape))")
        }
        if let t = xs.known { return try defineKnown(n.output, t.transposed(perm)) }
        let batchLeading = xs.batchLeading && perm.first == 0
        if xs.plain == nil, let v = xs.nhwc {
            // Compose with the layout: output NHWC axis j holds input NHWC axis q[j].
            let q = Layout.nchwToNHWC.map { Layout.nhwcToNCHW[perm[$0]] }
            let y = q == [0, 1, 2, 3] ? v : try add(.transpose(q), [v], name: n.output)
            return try defineNHWC(n.output, y, batchLeading: batchLeading)
        }
        let y = try add(.transpose(perm), [try plain(x)], name: n.output)
        try definePlain(n.output, y, batchLeading: batchLeading)
    }

    /// Squeeze and Unsqueeze: axes as an attribute before opset 13, as an input from 13 on.
    func importSqueeze(_ n: ONNXNodeContext) throws {
        let squeezing = n.op == .squeeze
        try n.checkAttributes(n.version < 13 ? ["axes"] : [])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        var axes: [Int]?
        if n.version < 13 {
            axes = try n.ints("axes")
        } else if let name = n.input(1) {
            let t = try knownValue(name, n, what: "axes")
            axes = t.int64s.map { Int(clamping: $0) }
        }
        let shape: [Int]
        var removedOrAdded: Set<Int>
        if squeezing {
            let all = xs.shape.indices.filter { xs.shape[$0] == 1 }
            removedOrAdded = Set(try (axes ?? all).map { a in
                guard let i = ShapeRules.axis(a, rank: xs.rank) else { throw n.malformed("axis \(a) is out of range for \(Shape(xs.shape))") }
                guard xs.shape[i] == 1 else { throw n.malformed("axis \(a) of \(Shape(xs.shape)) is not 1") }
                return i
            })
            shape = xs.shape.indices.filter { !removedOrAdded.contains($0) }.map { xs.shape[$0] }
        } else {
            guard let axes else { throw n.malformed("axes are required") }
            let rank = xs.rank + axes.count
            removedOrAdded = Set(try axes.map { a in
                guard let i = ShapeRules.axis(a, rank: rank) else { throw n.malformed("axis \(a) is out of range for rank \(rank)") }
                return i
            })
            guard removedOrAdded.count == axes.count else { throw n.malformed("axes \(axes) repeat an axis") }
            var rest = xs.shape.makeIterator()
            shape = (0..<rank).map { removedOrAdded.contains($0) ? 1 : rest.next() ?? 1 }
        }
        if let t = xs.known { return try defineKnown(n.output, t.reshaped(Shape(shape)), batchMask: xs.batchMask) }
        let batchLeading = xs.batchLeading && !removedOrAdded.contains(0)
        let y = try add(.reshape(reshapeTarget(shape, batchLeading: batchLeading)), [try plain(x)], name: n.output)
        try definePlain(n.output, y, batchLeading: batchLeading)
    }

    /// A flatten to `[N, C*H*W]` of a value that lives as NHWC (or is already such a flatten):
    /// flattens the NHWC bytes and remembers their H,W,C order. Returns false when the value
    /// is available in ONNX order anyway, which is then the simpler source.
    private func flattenKeepingLayout(_ x: String, _ xs: ONNXSlot, output: String) throws -> Bool {
        guard xs.plain == nil else { return false }
        if let f = xs.hwcFlat, xs.rank == 2 {
            var s = ONNXSlot(shape: xs.shape, batchLeading: xs.batchLeading)
            s.hwcFlat = f
            try define(output, s)
            return true
        }
        guard xs.rank == 4, let v = xs.nhwc else { return false }
        let y = try add(.flatten(axis: 1), [v], name: output)
        if Layout.isTrivialTranspose(nchw: xs.shape) {
            try definePlain(output, y, batchLeading: xs.batchLeading)
        } else {
            var s = ONNXSlot(shape: shape(of: y), batchLeading: xs.batchLeading)
            s.hwcFlat = ONNXSlot.HWCFlat(value: y, c: xs.shape[1], h: xs.shape[2], w: xs.shape[3])
            try define(output, s)
        }
        return true
    }

    /// The output shape of an ONNX Reshape (0 copies the input's dim, -1 is inferred).
    private func resolvedReshape(_ input: [Int], _ target: [Int]) throws -> [Int] {
        var dims = target
        for (i, d) in target.enumerated() where d == 0 {
            guard i < input.count else { throw malformed("target \(target) copies axis \(i) of \(Shape(input)), which has no such axis") }
            dims[i] = input[i]
        }
        let count = input.reduce(1, *)
        let inferred = dims.indices.filter { dims[$0] == -1 }
        guard inferred.count <= 1 else { throw malformed("target \(target) infers more than one dimension") }
        guard let known = Shape(dims.filter { $0 != -1 }).checkedElementCount else {
            throw malformed("cannot reshape \(Shape(input)) to \(target)")
        }
        if let i = inferred.first {
            guard known > 0, count % known == 0 else { throw malformed("cannot reshape \(Shape(input)) to \(target)") }
            dims[i] = count / known
        }
        guard dims.reduce(1, *) == count else { throw malformed("cannot reshape \(Shape(input)) to \(target)") }
        return dims
    }
}
