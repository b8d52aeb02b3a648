import ZooGraph
import ZooKernels
import ZooONNX
import ZooTensor

/// Constant, Shape, Gather, Cast, Slice and integer arithmetic, evaluated at import time.
/// PyTorch's exporter writes `Shape -> Gather -> Unsqueeze -> Concat -> Reshape` for
/// `x.view(x.size(0), -1)`; all of it folds to a constant target shape whose batch entry is
/// remembered (`batchMask`), so the Reshape keeps the batch free.
extension ONNXGraphImport {
    func importConstant(_ n: ONNXNodeContext) throws {
        try n.requireOutputs(atMost: 1)
        guard n.node.attributes.count == 1, let a = n.node.attributes.first else {
            throw n.malformed("exactly one value attribute is expected, found \(n.node.attributes.map(\.name))")
        }
        let tensor: Tensor
        switch (a.name, a.value) {
        case ("value", .tensor(let proto)): tensor = try tensors.decode(proto, what: "node '\(n.displayName)' value")
        case ("value_float", .float(let v)): tensor = Tensor(shape: [], floats: [v])
        case ("value_floats", .floats(let v)): tensor = Tensor(shape: [v.count], floats: v)
        case ("value_int", .int(let v)): tensor = Tensor(shape: [], int64s: [v])
        case ("value_ints", .ints(let v)): tensor = Tensor(shape: [v.count], int64s: v)
        default: throw n.unsupported("attribute '\(a.name)' (\(a.kindName))")
        }
        try defineKnown(n.output, tensor)
    }

    func importShape(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(n.version >= 15 ? ["start", "end"] : [])
        try n.requireOutputs(atMost: 1)
        let xs = try slot(try n.requiredInput(0))
        let rank = xs.rank
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let start = clamp(try n.int("start", default: 0)), end = clamp(try n.int("end", default: rank))
        let range = start < end ? start..<end : start..<start
        let mask = range.map { $0 == 0 && xs.batchLeading && xs.known == nil }
        try defineKnown(n.output, Tensor(shape: [range.count], int64s: range.map { Int64(xs.shape[$0]) }), batchMask: mask)
    }

    func importGather(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["axis"])
        try n.requireOutputs(atMost: 1)
        let data = try slot(try n.requiredInput(0))
        let message = n.unsupported("Gather is evaluated at import time only; its data and indices must be known (shape arithmetic)")
        let d = try knownValue(try n.requiredInput(0), orElse: message), i = try knownValue(try n.requiredInput(1), orElse: message)
        let requested = try n.int("axis", default: 0)
        guard let axis = ShapeRules.axis(requested, rank: d.shape.rank) else {
            throw n.malformed("axis \(requested) is out of range for \(d.shape)")
        }
        let extent = d.shape[axis]
        let picks = try i.int64s.map { v -> Int in
            let k = v < 0 ? Int(clamping: v) + extent : Int(clamping: v)
            guard (0..<extent).contains(k) else { throw n.malformed("index \(v) is out of range for axis \(axis) of \(d.shape)") }
            return k
        }
        guard let size = Shape(d.shape.dims + [picks.count]).checkedElementCount,
              size / max(extent, 1) <= KnownTensors.maxElements else { throw n.malformed("the gathered tensor is too large") }
        let gathered = KnownTensors.gather(d, axis: axis, indices: picks)
        let shape = Array(d.shape.dims[..<axis]) + i.shape.dims + Array(d.shape.dims[(axis + 1)...])
        let mask = d.shape.rank == 1 ? data.batchMask.map { m in picks.map { m[$0] } } : nil
        try defineKnown(n.output, gathered.reshaped(Shape(shape)), batchMask: mask)
    }

    func importCast(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(n.version >= 19 ? ["to", "saturate"] : ["to"])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        guard let code = try n.int("to"), let type = ONNXDataType(rawValue: Int32(clamping: code)) else {
            throw n.malformed("attribute 'to' is missing or not a data type")
        }
        guard let t = xs.known else {
            // float32 values are exact doubles: the graph keeps computing them as float32.
            guard type == .float || type == .double else { throw n.unsupported("cast of a run-time tensor to \(type) (only FLOAT is computed)") }
            return try alias(n.output, to: x)
        }
        let cast: Tensor
        switch type {
        case .float: cast = t.converted(to: .float32)
        case .double: cast = t.converted(to: .float64)
        case .float16: cast = t.converted(to: .float16)
        case .int32: cast = t.converted(to: .int32)
        case .int64, .int8, .int16, .uint16, .uint32, .uint64: cast = t.converted(to: .int64)
        case .uint8: cast = t.converted(to: .uint8)
        case .bool: cast = Tensor(shape: t.shape, int64s: t.floats.map { $0 != 0 ? 1 : 0 }).converted(to: .uint8)
        default: throw n.unsupported("cast to \(type)")
        }
        try defineKnown(n.output, cast, batchMask: xs.batchMask)
    }

    /// Slice of a known tensor: starts/ends/axes as attributes before opset 10, then as
    /// inputs (with steps).
    func importSlice(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(n.version < 10 ? ["starts", "ends", "axes"] : [])
        try n.requireOutputs(atMost: 1)
        let xs = try slot(try n.requiredInput(0))
        var t = try knownValue(try n.requiredInput(0), orElse: n.unsupported("Slice is evaluated at import time only; its data must be known"))
        let starts: [Int], ends: [Int]
        var axes: [Int]?, steps: [Int]?
        if n.version < 10 {
            guard let s = try n.ints("starts"), let e = try n.ints("ends") else { throw n.malformed("starts and ends are required") }
            (starts, ends, axes) = (s, e, try n.ints("axes"))
        } else {
            starts = try knownInts(try n.requiredInput(1), n, what: "starts")
            ends = try knownInts(try n.requiredInput(2), n, what: "ends")
            axes = try n.input(3).map { try knownInts($0, n, what: "axes") }
            steps = try n.input(4).map { try knownInts($0, n, what: "steps") }
        }
        let axisList = axes ?? Array(0..<starts.count)
        let stepList = steps ?? [Int](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axisList.count == starts.count, stepList.count == starts.count else {
            throw n.malformed("starts, ends, axes and steps differ in length")
        }
        var mask = xs.batchMask
        for k in 0..<starts.count {
            guard let axis = ShapeRules.axis(axisList[k], rank: t.shape.rank) else { throw n.malformed("axis \(axisList[k]) is out of range") }
            guard stepList[k] != 0 else { throw n.malformed("step 0") }
            let picks = Self.sliceIndices(start: starts[k], end: ends[k], step: stepList[k], extent: t.shape[axis])
            var shape = t.shape.dims
            shape[axis] = picks.count
            t = KnownTensors.gather(t, axis: axis, indices: picks).reshaped(Shape(shape))
            if let m = mask, xs.rank == 1 { mask = picks.map { m[$0] } }
        }
        try defineKnown(n.output, t, batchMask: mask)
    }

    /// Folds Add/Sub/Mul/Div when both operands are known; nil otherwise.
    func foldBinary(_ op: BinaryOp, _ a: String, _ b: String) throws -> Tensor? {
        guard let x = try slot(a).known, let y = try slot(b).known else { return nil }
        if let shape = ShapeRules.broadcast(x.shape.dims, y.shape.dims) {
            guard let count = Shape(shape).checkedElementCount, count <= KnownTensors.maxElements else {
                throw malformed("the folded result \(Shape(shape)) is too large")
            }
        }
        guard let folded = KnownTensors.binary(op, x, y) else {
            throw malformed("shapes \(x.shape) and \(y.shape) do not broadcast")
        }
        return folded
    }

    /// The indices ONNX's Slice picks along one axis (negative positions count from the end;
    /// starts and ends are clamped as the spec says).
    static func sliceIndices(start: Int, end: Int, step: Int, extent: Int) -> [Int] {
        func normalized(_ v: Int) -> Int { v < 0 ? v &+ extent : v }
        if step > 0 {
            let s = min(max(normalized(start), 0), extent), e = min(max(normalized(end), 0), extent)
            return s < e ? Array(stride(from: s, to: e, by: step)) : []
        }
        let s = min(max(normalized(start), -1), extent - 1), e = min(max(normalized(end), -1), extent - 1)
        return s > e ? Array(stride(from: s, to: e, by: step)) : []
    }
}
