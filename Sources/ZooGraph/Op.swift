import ZooKernels

/// Fully connected layer over the last axis: weights `[in, out]`, `act(x W + b + residual)`.
public struct DenseParams: Sendable, Hashable, Codable {
    /// Applied to the output (fused by the passes).
    public var activation: Activation
    /// A dense layer followed by `activation`.
    public init(activation: Activation = .none) { self.activation = activation }
}

/// The closed set of operations a frozen graph may hold. Tensor operands (weights, biases,
/// broadcast constants) are node inputs that refer to constant values, never fields here.
///
/// Input conventions:
/// - `conv2d`: `[x NHWC, weights HWIO, bias [O]]`, optional 4th `residual` (same shape as output).
/// - `dense`: `[x [..., in], weights [in, out], bias [out]]`, optional 4th `residual`.
/// - `batchNorm`: `[x, scale, bias, mean, variance]`, the four over the last (channel) axis.
/// - `binary`: `[a, b]` with numpy broadcasting. `concat`: any number of inputs.
/// - everything else: `[x]`.
public enum Op: Sendable, Hashable {
    /// 2-D convolution (also grouped, depthwise and dilated), NHWC input, HWIO weights.
    case conv2d(Conv2DParams)
    /// Fully connected layer over the last axis.
    case dense(DenseParams)
    /// Inference batch normalisation over the last (channel) axis.
    case batchNorm(epsilon: Float)
    /// An element-wise activation.
    case activation(Activation)
    /// Softmax along `axis` (already normalised to a non-negative index).
    case softmax(axis: Int)
    /// Max or average pooling over H and W of NHWC.
    case pool2d(Pool2DParams)
    /// Mean or max over H and W of NHWC: `[N, C]`, or `[N, 1, 1, C]` when `keepDims`.
    case globalPool(PoolKind, keepDims: Bool)
    /// Element-wise arithmetic with numpy broadcasting.
    case binary(BinaryOp)
    /// Joins the inputs along `axis`.
    case concat(axis: Int)
    /// Constant padding: `before[i]` and `after[i]` elements on axis `i`.
    case pad(before: [Int], after: [Int], value: Float)
    /// `[prod(dims[..<axis]), prod(dims[axis...])]`.
    case flatten(axis: Int)
    /// Target dims; 0 copies the input's dim at that position, -1 is inferred (ONNX rules).
    case reshape([Int])
    /// Output axis `i` is input axis `permutation[i]`.
    case transpose([Int])
    /// Passes its input through (identity, inference-mode dropout).
    case identity

    /// A short, stable op name for summaries and errors.
    public var name: String {
        switch self {
        case .conv2d(let p): p.groups > 1 ? "DepthwiseConv2D" : "Conv2D"
        case .dense: "Dense"
        case .batchNorm: "BatchNorm"
        case .activation(let a): "Activation(\(a))"
        case .softmax: "Softmax"
        case .pool2d(let p): p.kind == .max ? "MaxPool2D" : "AvgPool2D"
        case .globalPool(let k, _): k == .max ? "GlobalMaxPool" : "GlobalAvgPool"
        case .binary(let b): b.rawValue.capitalized
        case .concat: "Concat"
        case .pad: "Pad"
        case .flatten: "Flatten"
        case .reshape: "Reshape"
        case .transpose: "Transpose"
        case .identity: "Identity"
        }
    }

    /// Whether the output shares its input's bytes (no computation at run time).
    var isAlias: Bool {
        switch self {
        case .flatten, .reshape, .identity: true
        default: false
        }
    }
}

private extension String {
    var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
