import ZooKernels

/// Keras' padding modes for convolution and pooling. `same` pads so that the output has
/// `ceil(input / stride)` positions, putting the odd pixel at the bottom/right (TensorFlow's rule).
public enum KerasPadding: Sendable, Hashable {
    /// No padding.
    case valid
    /// TensorFlow's SAME padding.
    case same
}

/// An activation as a Keras layer carries it (`activation="relu"`).
public enum KerasActivation: Sendable, Hashable {
    /// No activation.
    case linear
    /// max(x, 0).
    case relu
    /// min(max(x, 0), 6).
    case relu6
    /// 1 / (1 + exp(-x)).
    case sigmoid
    /// Softmax over the last axis; never fused, it becomes its own node.
    case softmax
    /// `clip(alpha * x + beta, 0, 1)`: Keras 3 uses alpha 1/6, Keras 2 used 0.2.
    case hardSigmoid(alpha: Float, beta: Float)
    /// x * relu6(x + 3) / 6.
    case hardSwish
}

/// Settings shared by Conv2D, DepthwiseConv2D and SeparableConv2D.
public struct KerasConvolution: Sendable, Hashable {
    /// Output channels (Conv2D, SeparableConv2D); unused by DepthwiseConv2D.
    public var filters: Int
    /// The kernel's height and width.
    public var kernel: Size2D
    /// Step between windows.
    public var strides: Size2D
    /// Spacing between kernel taps.
    public var dilations: Size2D
    /// `valid` or `same`.
    public var padding: KerasPadding
    /// Grouped convolution (Conv2D only).
    public var groups: Int
    /// Channels each input channel expands to in the depthwise step.
    public var depthMultiplier: Int
    /// Whether the layer adds a bias.
    public var useBias: Bool
    /// Applied to the output.
    public var activation: KerasActivation

    /// Settings as Keras' defaults have them unless given.
    public init(filters: Int = 0, kernel: Size2D, strides: Size2D = .one, dilations: Size2D = .one,
                padding: KerasPadding = .valid, groups: Int = 1, depthMultiplier: Int = 1,
                useBias: Bool = true, activation: KerasActivation = .linear) {
        self.filters = filters; self.kernel = kernel; self.strides = strides; self.dilations = dilations
        self.padding = padding; self.groups = groups; self.depthMultiplier = depthMultiplier
        self.useBias = useBias; self.activation = activation
    }
}

/// The Keras layers zoo can build, with their settings typed. Axes (`softmax`, `concatenate`)
/// count the batch axis as Keras does: -1 is the last axis, 1 the first per-example axis.
/// Shapes (`input`, `reshape`) leave the batch out.
public enum KerasLayer: Sendable, Hashable {
    /// `Input(shape=...)`, the batch left out.
    case input(shape: [Int])
    /// `Conv2D`.
    case conv2D(KerasConvolution)
    /// `DepthwiseConv2D`.
    case depthwiseConv2D(KerasConvolution)
    /// `SeparableConv2D`: depthwise, then a 1x1 convolution.
    case separableConv2D(KerasConvolution)
    /// `Dense`.
    case dense(units: Int, useBias: Bool, activation: KerasActivation)
    /// Over the last (channel) axis. `center` adds beta, `scale` multiplies by gamma.
    case batchNormalization(epsilon: Float, center: Bool, scale: Bool)
    /// `Activation`.
    case activation(KerasActivation)
    /// `max_value` if x >= max_value, x if threshold <= x, else negative_slope * (x - threshold).
    case relu(maxValue: Float?, negativeSlope: Float, threshold: Float)
    /// `LeakyReLU`.
    case leakyReLU(negativeSlope: Float)
    /// `Softmax` along `axis`.
    case softmax(axis: Int)
    /// `MaxPooling2D` or `AveragePooling2D`.
    case pooling2D(PoolKind, pool: Size2D, strides: Size2D, padding: KerasPadding)
    /// `GlobalMaxPooling2D` or `GlobalAveragePooling2D`.
    case globalPooling2D(PoolKind, keepDims: Bool)
    /// `ZeroPadding2D`.
    case zeroPadding2D(Padding2D)
    /// `Add`: the element-wise sum of the inputs.
    case add
    /// `Multiply`: the element-wise product of the inputs.
    case multiply
    /// `Concatenate` along `axis`.
    case concatenate(axis: Int)
    /// `Flatten`.
    case flatten
    /// Per-example target shape; one entry may be -1.
    case reshape([Int])
    /// Inference-time identity.
    case dropout
    /// `x * scale + offset`, each a scalar (one element) or one value per channel.
    case rescaling(scale: [Float], offset: [Float])

    /// The Keras class name, for messages.
    public var kerasClassName: String {
        switch self {
        case .input: "InputLayer"
        case .conv2D: "Conv2D"
        case .depthwiseConv2D: "DepthwiseConv2D"
        case .separableConv2D: "SeparableConv2D"
        case .dense: "Dense"
        case .batchNormalization: "BatchNormalization"
        case .activation: "Activation"
        case .relu: "ReLU"
        case .leakyReLU: "LeakyReLU"
        case .softmax: "Softmax"
        case .pooling2D(let kind, _, _, _): kind == .max ? "MaxPooling2D" : "AveragePooling2D"
        case .globalPooling2D(let kind, _): kind == .max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D"
        case .zeroPadding2D: "ZeroPadding2D"
        case .add: "Add"
        case .multiply: "Multiply"
        case .concatenate: "Concatenate"
        case .flatten: "Flatten"
        case .reshape: "Reshape"
        case .dropout: "Dropout"
        case .rescaling: "Rescaling"
        }
    }

    /// Layers that combine several inputs; all others take exactly one (inputs none).
    var isMerge: Bool {
        switch self {
        case .add, .multiply, .concatenate: true
        default: false
        }
    }
}
