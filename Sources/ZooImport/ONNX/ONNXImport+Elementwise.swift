import ZooGraph
import ZooKernels
import ZooTensor

/// Activations, PRelu, Add/Sub/Mul/Div/Sum with broadcasting, and the pass-through ops.
extension ONNXGraphImport {
    func importActivation(_ n: ONNXNodeContext) throws {
        try n.requireOutputs(atMost: 1)
        let activation: Activation
        switch n.op {
        case .relu, .sigmoid, .hardSwish:
            try n.checkAttributes([])
            activation = n.op == .relu ? .relu : n.op == .sigmoid ? .sigmoid : .hardSwish
        case .leakyRelu:
            try n.checkAttributes(["alpha"])
            activation = .leakyRelu(alpha: try n.float("alpha", default: 0.01))
        case .hardSigmoid:
            try n.checkAttributes(["alpha", "beta"])
            activation = .hardSigmoid(alpha: try n.float("alpha", default: 0.2), beta: try n.float("beta", default: 0.5))
        default:
            activation = try clipActivation(n)
        }
        let x = try n.requiredInput(0)
        let (id, form) = try anyForm(x)
        let y = try add(.activation(activation), [id], name: n.output)
        try define(n.output, y, form: form, like: try slot(x))
    }

    /// Clip's bounds: attributes before opset 11, optional scalar inputs from opset 11 on.
    private func clipActivation(_ n: ONNXNodeContext) throws -> Activation {
        var lo = -Float.infinity, hi = Float.infinity
        if n.version < 11 {
            try n.checkAttributes(["min", "max"])
            lo = try n.float("min", default: lo)
            hi = try n.float("max", default: hi)
        } else {
            try n.checkAttributes([])
            func bound(_ i: Int) throws -> Float? {
                guard let name = n.input(i) else { return nil }
                let t = try knownValue(name, n, what: "bound")
                guard t.elementCount == 1 else { throw n.malformed("bound '\(name)' has shape \(t.shape); a scalar is expected") }
                return t.floats[0]
            }
            lo = try bound(1) ?? lo
            hi = try bound(2) ?? hi
        }
        if lo == 0, hi == 6 { return .relu6 }
        if lo == 0, hi == .infinity { return .relu }
        return .clip(min: lo, max: hi)
    }

    /// PRelu as `relu(x) + slope * (x - relu(x))`: `x - relu(x)` is exactly `min(x, 0)`, so
    /// the result is bit-identical to `x < 0 ? slope * x : x`, built from existing ops.
    func importPRelu(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0), slope = try n.requiredInput(1)
        let xs = try slot(x), ss = try slot(slope)
        guard ss.rank <= xs.rank, ShapeRules.broadcast(xs.shape, ss.shape) == xs.shape else {
            throw n.malformed("slope \(Shape(ss.shape)) does not broadcast to input \(Shape(xs.shape))")
        }
        let nhwcForm = xs.rank == 4 && (xs.nhwc != nil || xs.plain == nil)
        let input = nhwcForm ? try nhwc(x) : try plain(x)
        let s = nhwcForm ? try nhwcBroadcastOperand(slope) : try plain(slope)
        let positive = try add(.activation(.relu), [input], name: n.output + "/positive")
        let negative = try add(.binary(.sub), [input, positive], name: n.output + "/negative")
        let scaled = try add(.binary(.mul), [negative, s], name: n.output + "/scaled")
        let y = try add(.binary(.add), [positive, scaled], name: n.output)
        if nhwcForm {
            try defineNHWC(n.output, y, batchLeading: xs.batchLeading)
        } else {
            try definePlain(n.output, y, batchLeading: xs.batchLeading)
        }
    }

    func importBinary(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        let a = try n.requiredInput(0), b = try n.requiredInput(1)
        let op: BinaryOp = switch n.op {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        default: .div
        }
        if let folded = try foldBinary(op, a, b) {
            try defineKnown(n.output, folded)
            return
        }
        try broadcastBinary(op, a, b, output: n.output)
    }

    /// Sum of any number of inputs: a chain of broadcasting adds.
    func importSum(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        let inputs = n.node.inputs.filter { !$0.isEmpty }
        guard let first = inputs.first else { throw n.malformed("no inputs") }
        guard inputs.count > 1 else { return try alias(n.output, to: first) }
        var acc = first
        for (i, next) in inputs.dropFirst().enumerated() {
            let name = i == inputs.count - 2 ? n.output : "\(n.output)/partial\(i)"
            try broadcastBinary(.add, acc, next, output: name)
            acc = name
        }
    }

    /// `a op b` with numpy broadcasting, computed in NHWC when the result is 4-D and an
    /// operand already lives as NHWC, else in ONNX order.
    func broadcastBinary(_ op: BinaryOp, _ a: String, _ b: String, output: String) throws {
        let sa = try slot(a), sb = try slot(b)
        guard let shape = ShapeRules.broadcast(sa.shape, sb.shape) else {
            throw malformed("shapes \(Shape(sa.shape)) and \(Shape(sb.shape)) do not broadcast")
        }
        let batchLeading = (sa.batchLeading && sa.rank == shape.count) || (sb.batchLeading && sb.rank == shape.count)
        if shape.count == 4, sa.nhwc != nil || sb.nhwc != nil {
            let y = try add(.binary(op), [try nhwcBroadcastOperand(a), try nhwcBroadcastOperand(b)], name: output)
            try defineNHWC(output, y, batchLeading: batchLeading)
        } else {
            let y = try add(.binary(op), [try plain(a), try plain(b)], name: output)
            try definePlain(output, y, batchLeading: batchLeading)
        }
    }

    func importDropout(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(n.version >= 12 ? ["seed"] : ["ratio"])
        try n.requireOutputs(atMost: 1)
        if let mode = n.input(2) {
            let t = try knownValue(mode, orElse: n.unsupported("training_mode must be known at import time"))
            guard t.elementCount == 1 else { throw n.malformed("training_mode has shape \(t.shape); a scalar is expected") }
            if t.floats[0] != 0 { throw n.unsupported("training_mode = true") }
        }
        try alias(n.output, to: try n.requiredInput(0))
    }

    func importIdentity(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        try alias(n.output, to: try n.requiredInput(0))
    }

    func importBatchNormalization(_ n: ONNXNodeContext) throws {
        var known: Set<String> = ["epsilon", "momentum"]
        if n.version < 9 { known.insert("spatial") }
        if n.version >= 14 { known.insert("training_mode") }
        try n.checkAttributes(known)
        if try n.int("spatial") == 0 { throw n.unsupported("spatial = 0") }
        if try n.flag("training_mode", default: false) { throw n.unsupported("training_mode = 1") }
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        guard xs.rank >= 2 else { throw n.malformed("input '\(x)' of shape \(Shape(xs.shape)) has no channel axis") }
        let c = xs.shape[1]
        let params = try (1...4).map { i -> Tensor in
            let name = try n.requiredInput(i)
            let t = try knownValue(name, orElse: n.unsupported("input '\(name)' must be an initializer or constant"))
            guard t.elementCount == c else { throw n.malformed("input '\(name)' has shape \(t.shape); expected [\(c)]") }
            return t.converted(to: .float32).reshaped([c])
        }
        let ids = try zip(["scale", "bias", "mean", "var"], params).map { try constant("\(n.output)/\($0)", $1) }
        let op = Op.batchNorm(epsilon: try n.float("epsilon", default: 1e-5))
        if xs.rank == 4 {
            let y = try add(op, [try nhwc(x)] + ids, name: n.output)
            try defineNHWC(n.output, y, batchLeading: xs.batchLeading)
        } else if xs.rank == 2 {
            let y = try add(op, [try plain(x)] + ids, name: n.output)
            try definePlain(n.output, y, batchLeading: xs.batchLeading)
        } else {
            // The graph's batch norm works on the last axis: move channels there and back.
            let r = xs.rank
            let toLast = [0] + Array(2..<r) + [1]
            let back = [0, r - 1] + Array(1..<(r - 1))
            let moved = try add(.transpose(toLast), [try plain(x)], name: n.output + "/channels_last")
            let normalized = try add(op, [moved] + ids, name: n.output + "/normalized")
            let y = try add(.transpose(back), [normalized], name: n.output)
            try definePlain(n.output, y, batchLeading: xs.batchLeading)
        }
    }
}

/// Shape rules shared by the op handlers and constant folding.
enum ShapeRules {
    /// Numpy broadcasting on plain dims (the one rule lives in `Shape.broadcast`).
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? { Shape.broadcast(Shape(a), Shape(b))?.dims }

    /// An axis as a non-negative index (ONNX allows negative axes from opset 11 on).
    static func axis(_ axis: Int, rank: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return (0..<rank).contains(a) ? a : nil
    }
}
