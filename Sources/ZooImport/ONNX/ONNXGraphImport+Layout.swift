import ZooGraph
import ZooTensor

/// Layout conversion: every ONNX value is handed to an op in the form that op wants, created
/// on first request and cached on the value's slot. Rank-4 activations live as NHWC; their
/// ONNX (NCHW) form is made only for ops that need ONNX order, and for graph outputs.
extension ONNXGraphImport {
    /// The value in ONNX order.
    func plain(_ name: String) throws -> ValueID {
        let s = try slot(name)
        if let id = s.plain { return id }
        let id: ValueID
        if let t = s.known {
            id = try constant(name, t)
        } else if let v = s.nhwc {
            let batchFree = reshapeTarget(s.shape, batchLeading: s.batchLeading)
            id = Layout.isTrivialTranspose(nchw: s.shape)
                ? try add(.reshape(batchFree), [v], name: name + "/nchw")
                : try add(.transpose(Layout.nhwcToNCHW), [v], name: name + "/nchw")
        } else if let f = s.hwcFlat {
            let n = s.batchLeading ? 0 : s.shape[0]
            let image = try add(.reshape([n, f.h, f.w, f.c]), [f.value], name: name + "/hwc")
            let chw = try add(.transpose(Layout.nhwcToNCHW), [image], name: name + "/chw")
            id = try add(.flatten(axis: 1), [chw], name: name + "/nchw")
        } else {
            throw malformed("'\(name)' has no value")
        }
        update(name) { $0.plain = id }
        return id
    }

    /// A rank-4 value as NHWC.
    func nhwc(_ name: String) throws -> ValueID {
        let s = try slot(name)
        if let id = s.nhwc { return id }
        guard s.rank == 4 else { throw malformed("'\(name)' has shape \(Shape(s.shape)); a 4-D NCHW tensor is needed") }
        let id: ValueID
        if let t = s.known {
            id = try constant(name + "/nhwc", t.transposed(Layout.nchwToNHWC))
        } else {
            let p = try plain(name)
            let d = s.shape
            id = Layout.isTrivialTranspose(nchw: d)
                ? try add(.reshape(reshapeTarget([d[0], d[2], d[3], d[1]], batchLeading: s.batchLeading)), [p], name: name + "/nhwc")
                : try add(.transpose(Layout.nchwToNHWC), [p], name: name + "/nhwc")
        }
        update(name) { $0.nhwc = id }
        return id
    }

    /// An operand of rank <= 4 broadcast against a 4-D NCHW tensor, as the NHWC operand
    /// that broadcasts the same way against its NHWC form: right-aligned to rank 4 with
    /// leading 1s, then permuted (`[C,1,1]` becomes `[1,1,1,C]`).
    func nhwcBroadcastOperand(_ name: String) throws -> ValueID {
        let s = try slot(name)
        if s.rank == 4 { return try nhwc(name) }
        guard s.rank < 4 else { throw malformed("'\(name)' has rank \(s.rank), more than the 4-D result") }
        let padded = [Int](repeating: 1, count: 4 - s.rank) + s.shape
        let nhwcShape = Layout.nchwToNHWC.map { padded[$0] }
        if let t = s.known {
            return try constant(name + "/nhwc", t.reshaped(Shape(padded)).transposed(Layout.nchwToNHWC))
        }
        let p = try plain(name)
        let image = try add(.reshape(padded), [p], name: name + "/4d")
        return Layout.isTrivialTranspose(nchw: padded)
            ? try add(.reshape(nhwcShape), [image], name: name + "/nhwc")
            : try add(.transpose(Layout.nchwToNHWC), [image], name: name + "/nhwc")
    }

    /// A value for an op that does not care about layout (activations, Identity): its NHWC
    /// form if it has one, else ONNX order, else the HWC-ordered flatten.
    func anyForm(_ name: String) throws -> (id: ValueID, form: Form) {
        let s = try slot(name)
        if let id = s.nhwc { return (id, .nhwc) }
        if let id = s.plain { return (id, .plain) }
        if let f = s.hwcFlat { return (f.value, .hwcFlat(f)) }
        return (try plain(name), .plain)
    }

    /// Defines `name` as the output `id` of a layout-preserving op applied to a value in `form`.
    func define(_ name: String, _ id: ValueID, form: Form, like source: ONNXSlot) throws {
        var s = ONNXSlot(shape: source.shape, batchLeading: source.batchLeading)
        switch form {
        case .plain: s.plain = id
        case .nhwc: s.nhwc = id
        case .hwcFlat(let f): s.hwcFlat = ONNXSlot.HWCFlat(value: id, c: f.c, h: f.h, w: f.w)
        }
        try define(name, s)
    }

    /// A reshape target for `shape` that leaves the batch free: dimension 0 becomes 0
    /// ("copy the input's") when it is the batch.
    func reshapeTarget(_ shape: [Int], batchLeading: Bool) -> [Int] {
        guard batchLeading, !shape.isEmpty else { return shape }
        return [0] + shape.dropFirst()
    }

    enum Form {
        case plain
        case nhwc
        case hwcFlat(ONNXSlot.HWCFlat)
    }
}
