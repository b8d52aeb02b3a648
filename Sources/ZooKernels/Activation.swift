/// An elementwise activation, applied on its own or fused into a conv/dense epilogue.
public enum Activation: Sendable, Hashable, CustomStringConvertible {
    /// The identity.
    case none
    /// max(x, 0).
    case relu
    /// min(max(x, 0), 6), MobileNet's activation.
    case relu6
    /// x clamped to [min, max].
    case clip(min: Float, max: Float)
    /// x for x >= 0, alpha * x below.
    case leakyRelu(alpha: Float)
    /// 1 / (1 + exp(-x)).
    case sigmoid
    /// max(0, min(1, alpha * x + beta)); ONNX defaults alpha 0.2, beta 0.5.
    case hardSigmoid(alpha: Float, beta: Float)
    /// x * relu6(x + 3) / 6.
    case hardSwish
    /// Keras' general `ReLU` layer; see `kerasReLU(_:maxValue:negativeSlope:threshold:)`.
    case kerasReLU(maxValue: Float?, negativeSlope: Float, threshold: Float)

    /// The activation's name with its parameters, as `zoo info` prints it.
    public var description: String {
        switch self {
        case .none: "none"
        case .relu: "relu"
        case .relu6: "relu6"
        case let .clip(lo, hi): "clip(\(lo),\(hi))"
        case let .leakyRelu(a): "leaky_relu(\(a))"
        case .sigmoid: "sigmoid"
        case let .hardSigmoid(a, b): "hard_sigmoid(\(a),\(b))"
        case .hardSwish: "hard_swish"
        case let .kerasReLU(m, s, t): "keras_relu(max: \(m.map { "\($0)" } ?? "none"), slope: \(s), threshold: \(t))"
        }
    }
}

extension Activation {
    /// The activation as min(max(x, lo), hi) where it is one (nil otherwise), for kernels that
    /// fuse only clamps; `none` is the unbounded clamp.
    var clampBounds: (lo: Float, hi: Float)? {
        switch self {
        case .none: (-.infinity, .infinity)
        case .relu: (0, .infinity)
        case .relu6: (0, 6)
        case let .clip(lo, hi): (lo, hi)
        case .leakyRelu, .sigmoid, .hardSigmoid, .hardSwish, .kerasReLU: nil
        }
    }
}
