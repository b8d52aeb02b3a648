import ZooGraph
import ZooTensor

/// Concat, Softmax and Pad: ops whose axes map through the layout. On an NHWC value they run
/// in NHWC with the axes moved; otherwise in ONNX order.
extension ONNXGraphImport {
    func importConcat(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["axis"])
        try n.requireOutputs(atMost: 1)
        let names = n.node.inputs.filter { !$0.isEmpty }
        let slots = try names.map { try slot($0) }
        guard let first = slots.first else { throw n.malformed("no inputs") }
        guard let requested = try n.int("axis") else { throw n.malformed("axis is required") }
        guard let axis = ShapeRules.axis(requested, rank: first.rank) else {
            throw n.malformed("axis \(requested) is out of range for \(Shape(first.shape))")
        }
        var shape = first.shape
        for s in slots.dropFirst() {
            guard s.rank == first.rank, (0..<s.rank).allSatisfy({ $0 == axis || s.shape[$0] == first.shape[$0] }) else {
                throw n.malformed("input shapes \(Shape(first.shape)) and \(Shape(s.shape)) differ outside axis \(axis)")
            }
            shape[axis] += s.shape[axis]
        }
        let known = slots.compactMap(\.known)
        if known.count == slots.count {
            let masks = slots.map { $0.batchMask ?? [Bool](repeating: false, count: $0.known?.elementCount ?? 0) }
            return try defineKnown(n.output, try KnownTensors.concat(known, axis: axis, n),
                                   batchMask: first.rank == 1 ? masks.flatMap { $0 } : nil)
        }
        let batchLeading = axis != 0 && slots.contains { $0.batchLeading }
        if first.rank == 4, slots.contains(where: { $0.nhwc != nil }) {
            let y = try add(.concat(axis: Layout.nhwcToNCHW[axis]), try names.map { try nhwc($0) }, name: n.output)
            try defineNHWC(n.output, y, batchLeading: batchLeading)
        } else {
            let y = try add(.concat(axis: axis), try names.map { try plain($0) }, name: n.output)
            try definePlain(n.output, y, batchLeading: batchLeading)
        }
    }

    /// Softmax. Before opset 13 the input is coerced to 2-D at `axis` (default 1) and the
    /// softmax runs over everything from `axis` on; from 13 on it runs over one axis (default -1).
    func importSoftmax(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["axis"])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        let requested = try n.int("axis", default: n.version >= 13 ? -1 : 1)
        guard let axis = ShapeRules.axis(requested, rank: xs.rank) else {
            throw n.malformed("axis \(requested) is out of range for \(Shape(xs.shape))")
        }
        let trailing = xs.shape[(axis + 1)...].reduce(1, *)
        if n.version >= 13 || trailing == 1 {
            if xs.rank == 4, xs.nhwc != nil {
                let y = try add(.softmax(axis: Layout.nhwcToNCHW[axis]), [try nhwc(x)], name: n.output)
                return try defineNHWC(n.output, y, batchLeading: xs.batchLeading)
            }
            let y = try add(.softmax(axis: axis), [try plain(x)], name: n.output)
            return try definePlain(n.output, y, batchLeading: xs.batchLeading)
        }
        let flat = try add(.flatten(axis: axis), [try plain(x)], name: n.output + "/2d")
        let soft = try add(.softmax(axis: 1), [flat], name: n.output + "/softmax")
        let target = xs.batchLeading ? [-1] + xs.shape.dropFirst() : xs.shape
        let y = try add(.reshape(target), [soft], name: n.output)
        try definePlain(n.output, y, batchLeading: xs.batchLeading)
    }

    /// Pad, constant mode: pads and value as attributes before opset 11, as inputs from 11 on
    /// (with an optional `axes` input from 18).
    func importPad(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(n.version < 11 ? ["mode", "pads", "value"] : ["mode"])
        try n.requireOutputs(atMost: 1)
        let mode = try n.string("mode") ?? "constant"
        guard mode == "constant" else { throw n.unsupported("mode '\(mode)'") }
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        var pads: [Int]
        var value: Float = 0
        var axes = Array(0..<xs.rank)
        if n.version < 11 {
            guard let p = try n.ints("pads") else { throw n.malformed("pads is required") }
            pads = p
            value = try n.float("value", default: 0)
        } else {
            pads = try knownInts(try n.requiredInput(1), n, what: "pads")
            if let v = n.input(2) {
                let t = try knownValue(v, n, what: "constant_value")
                guard t.elementCount == 1 else { throw n.malformed("constant_value has shape \(t.shape); a scalar is expected") }
                value = t.floats[0]
            }
            if let a = n.input(3) {
                axes = try knownInts(a, n, what: "axes").map { v in
                    guard let i = ShapeRules.axis(v, rank: xs.rank) else { throw n.malformed("axis \(v) is out of range for \(Shape(xs.shape))") }
                    return i
                }
            }
        }
        guard pads.count == 2 * axes.count else { throw n.malformed("pads \(pads) need \(2 * axes.count) values") }
        guard pads.allSatisfy({ $0 >= 0 }) else { throw n.unsupported("negative pads \(pads) (cropping)") }
        guard pads.allSatisfy({ $0 < Self.windowLimit }) else { throw n.malformed("pads \(pads) out of range") }
        var before = [Int](repeating: 0, count: xs.rank), after = before
        for (i, axis) in axes.enumerated() {
            before[axis] = pads[i]
            after[axis] = pads[i + axes.count]
        }
        let batchLeading = xs.batchLeading && before[0] == 0 && after[0] == 0
        if xs.rank == 4, xs.nhwc != nil || xs.plain == nil {
            let op = Op.pad(before: Layout.nchwToNHWC.map { before[$0] }, after: Layout.nchwToNHWC.map { after[$0] }, value: value)
            let y = try add(op, [try nhwc(x)], name: n.output)
            return try defineNHWC(n.output, y, batchLeading: batchLeading)
        }
        let y = try add(.pad(before: before, after: after, value: value), [try plain(x)], name: n.output)
        try definePlain(n.output, y, batchLeading: batchLeading)
    }
}
