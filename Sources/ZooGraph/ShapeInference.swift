import ZooKernels
import ZooTensor

/// Static shape rules for every op. Errors name the node and the shapes involved.
enum ShapeInference {
    /// Sizes, kernels, strides, dilations and pads beyond 2^31 - 1 describe no real network (a
    /// hostile file does); refusing them keeps the size arithmetic below from overflowing.
    static let maxExtent = Int(Int32.max)

    static func outputShape(node: String, op: Op, inputs: [Shape]) throws -> Shape {
        func fail(_ detail: String) -> GraphError { .shapeMismatch(node: node, op: op.name, detail: detail) }
        func bounded(_ values: [Int], _ what: String) throws {
            guard values.allSatisfy({ $0 <= maxExtent }) else { throw fail("\(what) \(values) exceed \(maxExtent)") }
        }
        func arity(_ range: ClosedRange<Int>) throws {
            guard range.contains(inputs.count) else {
                throw GraphError.invalidNode(node: node, op: op.name, detail: "takes \(range) inputs, got \(inputs.count)")
            }
        }
        switch op {
        case .conv2d(let p):
            try arity(3...4)
            let (x, w, b) = (inputs[0], inputs[1], inputs[2])
            guard x.rank == 4 else { throw fail("input must be NHWC, got \(x)") }
            guard w.rank == 4, w[0] == p.kernel.h, w[1] == p.kernel.w else {
                throw fail("weights \(w) do not match kernel \(p.kernel) (expected [KH,KW,C/groups,O])")
            }
            try bounded([p.groups], "groups")
            guard p.groups >= 1, x[3] % p.groups == 0, w[3] % p.groups == 0, w[2] * p.groups == x[3] else {
                throw fail("input \(x) has \(x[3]) channels; weights \(w) with \(p.groups) groups expect \(w[2] * p.groups)")
            }
            guard b == [w[3]] else { throw fail("bias \(b) does not match \(w[3]) output channels") }
            guard p.strides.h > 0, p.strides.w > 0, p.dilations.h > 0, p.dilations.w > 0,
                  [p.padding.top, p.padding.left, p.padding.bottom, p.padding.right].allSatisfy({ $0 >= 0 }) else {
                throw fail("strides and dilations must be positive and pads non-negative")
            }
            try bounded([p.kernel.h, p.kernel.w, p.strides.h, p.strides.w, p.dilations.h, p.dilations.w], "kernel, strides and dilations")
            try bounded([p.padding.top, p.padding.left, p.padding.bottom, p.padding.right], "pads")
            let g = Conv2DGeometry(batch: x[0], inH: x[1], inW: x[2], inC: x[3], outC: w[3], params: p)
            // The window must fit the padded input: integer division rounds a negative span up to 0.
            let fits = x[1] + p.padding.top + p.padding.bottom >= p.dilations.h * (p.kernel.h - 1) + 1
                && x[2] + p.padding.left + p.padding.right >= p.dilations.w * (p.kernel.w - 1) + 1
            guard fits, g.outH > 0, g.outW > 0 else { throw fail("kernel \(p.kernel) does not fit input \(x) with pads \(p.padding)") }
            let out: Shape = [x[0], g.outH, g.outW, w[3]]
            if inputs.count == 4, inputs[3] != out { throw fail("residual \(inputs[3]) does not match output \(out)") }
            return out

        case .dense:
            try arity(3...4)
            let (x, w, b) = (inputs[0], inputs[1], inputs[2])
            guard x.rank >= 2, w.rank == 2, x[x.rank - 1] == w[0] else {
                throw fail("input \(x) does not match weights \(w) (expected [..., \(w.rank == 2 ? w[0] : 0)])")
            }
            guard b == [w[1]] else { throw fail("bias \(b) does not match \(w[1]) outputs") }
            var out = x
            out[x.rank - 1] = w[1]
            if inputs.count == 4, inputs[3] != out { throw fail("residual \(inputs[3]) does not match output \(out)") }
            return out

        case .batchNorm:
            try arity(5...5)
            let x = inputs[0]
            guard x.rank >= 2 else { throw fail("input \(x) has no channel axis") }
            let c = x[x.rank - 1]
            for (i, s) in inputs.dropFirst().enumerated() where s != [c] {
                throw fail("parameter \(i + 1) has shape \(s), expected [\(c)] for input \(x)")
            }
            return x

        case .activation, .identity:
            try arity(1...1)
            return inputs[0]

        case .softmax(let axis):
            try arity(1...1)
            guard axis >= 0, axis < inputs[0].rank else { throw fail("axis \(axis) out of range for \(inputs[0])") }
            return inputs[0]

        case .pool2d(let p):
            try arity(1...1)
            let x = inputs[0]
            guard x.rank == 4 else { throw fail("input must be NHWC, got \(x)") }
            guard p.kernel.h > 0, p.kernel.w > 0, p.strides.h > 0, p.strides.w > 0, p.dilations.h > 0, p.dilations.w > 0 else {
                throw fail("kernel, strides and dilations must be positive")
            }
            try bounded([p.kernel.h, p.kernel.w, p.strides.h, p.strides.w, p.dilations.h, p.dilations.w], "kernel, strides and dilations")
            guard p.padding.top < p.kernel.h, p.padding.bottom < p.kernel.h, p.padding.left < p.kernel.w, p.padding.right < p.kernel.w,
                  [p.padding.top, p.padding.left, p.padding.bottom, p.padding.right].allSatisfy({ $0 >= 0 }) else {
                throw fail("pads \(p.padding) must be non-negative and smaller than the kernel \(p.kernel)")
            }
            let (h, w) = p.outputSize(inH: x[1], inW: x[2])
            guard h > 0, w > 0 else { throw fail("window \(p.kernel) does not fit input \(x)") }
            return [x[0], h, w, x[3]]

        case .globalPool(_, let keepDims):
            try arity(1...1)
            let x = inputs[0]
            guard x.rank == 4 else { throw fail("input must be NHWC, got \(x)") }
            return keepDims ? [x[0], 1, 1, x[3]] : [x[0], x[3]]

        case .binary:
            try arity(2...2)
            guard let out = Shape.broadcast(inputs[0], inputs[1]) else {
                throw fail("shapes \(inputs[0]) and \(inputs[1]) do not broadcast")
            }
            return out

        case .concat(let axis):
            guard let first = inputs.first else { throw fail("needs at least one input") }
            guard axis >= 0, axis < first.rank else { throw fail("axis \(axis) out of range for \(first)") }
            var out = first
            for s in inputs.dropFirst() {
                guard s.rank == first.rank, (0..<s.rank).allSatisfy({ $0 == axis || s[$0] == first[$0] }) else {
                    throw fail("inputs \(first) and \(s) differ outside axis \(axis)")
                }
                out[axis] += s[axis]
            }
            return out

        case let .pad(before, after, _):
            try arity(1...1)
            let x = inputs[0]
            guard before.count == x.rank, after.count == x.rank, (before + after).allSatisfy({ $0 >= 0 }) else {
                throw fail("pads \(before) / \(after) do not fit input \(x) (one non-negative pad per axis)")
            }
            try bounded(before + after, "pads")
            return Shape((0..<x.rank).map { x[$0] + before[$0] + after[$0] })

        case .flatten(let axis):
            try arity(1...1)
            let x = inputs[0]
            guard axis >= 0, axis <= x.rank else { throw fail("axis \(axis) out of range for \(x)") }
            return [x.dims[..<axis].reduce(1, *), x.dims[axis...].reduce(1, *)]

        case .reshape(let target):
            try arity(1...1)
            let x = inputs[0]
            var dims = target
            for (i, d) in target.enumerated() where d == 0 {
                guard i < x.rank else { throw fail("target \(target) copies axis \(i), which input \(x) lacks") }
                dims[i] = x[i]
            }
            let inferred = dims.indices.filter { dims[$0] == -1 }
            guard inferred.count <= 1, dims.allSatisfy({ $0 >= -1 }) else { throw fail("bad target shape \(target)") }
            guard let known = Shape(dims.filter { $0 != -1 }).checkedElementCount else { throw fail("cannot reshape \(x) to \(target)") }
            if let i = inferred.first {
                guard known > 0, x.elementCount % known == 0 else { throw fail("cannot reshape \(x) to \(target)") }
                dims[i] = x.elementCount / known
            }
            guard Shape(dims).checkedElementCount == x.elementCount else { throw fail("cannot reshape \(x) to \(target)") }
            return Shape(dims)

        case .transpose(let perm):
            try arity(1...1)
            let x = inputs[0]
            guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else { throw fail("permutation \(perm) does not fit \(x)") }
            return Shape(perm.map { x[$0] })
        }
    }
}
