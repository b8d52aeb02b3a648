import ZooKernels

/// JSON form of an op: `{"type": "conv2d", "conv2d": {...params}}`, or the op's own fields
/// (`axis`, `before`/`after`/`value`, `dims`, `permutation`, ...) beside `type`.
extension Op: Codable {
    private enum Keys: String, CodingKey {
        case type, conv2d, dense, epsilon, activation, axis, pool2d, kind, keepDims, binary, before, after, value, dims, permutation
    }

    /// Reads an op from its JSON form (`{"type": "conv2d", ...}`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "conv2d": self = .conv2d(try c.decode(Conv2DParams.self, forKey: .conv2d))
        case "dense": self = .dense(DenseParams(activation: try c.decode(Activation.self, forKey: .activation)))
        case "batch_norm": self = .batchNorm(epsilon: try c.decode(Float.self, forKey: .epsilon))
        case "activation": self = .activation(try c.decode(Activation.self, forKey: .activation))
        case "softmax": self = .softmax(axis: try c.decode(Int.self, forKey: .axis))
        case "pool2d": self = .pool2d(try c.decode(Pool2DParams.self, forKey: .pool2d))
        case "global_pool": self = .globalPool(try c.decode(PoolKind.self, forKey: .kind), keepDims: try c.decode(Bool.self, forKey: .keepDims))
        case "binary": self = .binary(try c.decode(BinaryOp.self, forKey: .binary))
        case "concat": self = .concat(axis: try c.decode(Int.self, forKey: .axis))
        case "pad":
            self = .pad(before: try c.decode([Int].self, forKey: .before), after: try c.decode([Int].self, forKey: .after),
                        value: try c.decode(Float.self, forKey: .value))
        case "flatten": self = .flatten(axis: try c.decode(Int.self, forKey: .axis))
        case "reshape": self = .reshape(try c.decode([Int].self, forKey: .dims))
        case "transpose": self = .transpose(try c.decode([Int].self, forKey: .permutation))
        case "identity": self = .identity
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown op '\(other)'")
        }
    }

    /// Writes the op's JSON form.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .conv2d(let p): try c.encode("conv2d", forKey: .type); try c.encode(p, forKey: .conv2d)
        case .dense(let p): try c.encode("dense", forKey: .type); try c.encode(p.activation, forKey: .activation)
        case .batchNorm(let eps): try c.encode("batch_norm", forKey: .type); try c.encode(eps, forKey: .epsilon)
        case .activation(let a): try c.encode("activation", forKey: .type); try c.encode(a, forKey: .activation)
        case .softmax(let axis): try c.encode("softmax", forKey: .type); try c.encode(axis, forKey: .axis)
        case .pool2d(let p): try c.encode("pool2d", forKey: .type); try c.encode(p, forKey: .pool2d)
        case let .globalPool(kind, keepDims):
            try c.encode("global_pool", forKey: .type); try c.encode(kind, forKey: .kind); try c.encode(keepDims, forKey: .keepDims)
        case .binary(let op): try c.encode("binary", forKey: .type); try c.encode(op, forKey: .binary)
        case .concat(let axis): try c.encode("concat", forKey: .type); try c.encode(axis, forKey: .axis)
        case let .pad(before, after, value):
            try c.encode("pad", forKey: .type); try c.encode(before, forKey: .before); try c.encode(after, forKey: .after)
            try c.encode(value, forKey: .value)
        case .flatten(let axis): try c.encode("flatten", forKey: .type); try c.encode(axis, forKey: .axis)
        case .reshape(let dims): try c.encode("reshape", forKey: .type); try c.encode(dims, forKey: .dims)
        case .transpose(let perm): try c.encode("transpose", forKey: .type); try c.encode(perm, forKey: .permutation)
        case .identity: try c.encode("identity", forKey: .type)
        }
    }
}
