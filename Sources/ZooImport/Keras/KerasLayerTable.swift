import Foundation
import ZooKernels
import ZooModels

/// The one place Keras class names and config keys are read: each supported layer's config
/// becomes a typed `KerasLayer`. Configs from Keras 2 (tf.keras) and Keras 3 both load; where
/// the two differ (LeakyReLU's `alpha`, `hard_sigmoid`'s slope) `kerasMajorVersion` decides.
enum KerasLayerTable {
    /// Class names zoo builds, for error messages.
    static let supported = ["InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense", "BatchNormalization",
                            "Activation", "ReLU", "LeakyReLU", "Softmax", "MaxPooling2D", "AveragePooling2D",
                            "GlobalAveragePooling2D", "GlobalMaxPooling2D", "ZeroPadding2D", "Add", "Multiply",
                            "Concatenate", "Flatten", "Reshape", "Dropout", "Rescaling"]

    /// Keras' old and alternative spellings of the same classes.
    static let aliases = ["Convolution2D": "Conv2D", "MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D",
                          "GlobalAvgPool2D": "GlobalAveragePooling2D",
                          "GlobalMaxPool2D": "GlobalMaxPooling2D", "SeparableConvolution2D": "SeparableConv2D"]

    /// The height or width an image input left free (`None`) is declared at: Keras' default size.
    static let nominalImageSize = 224

    /// The layer for `className` with settings from `config`.
    static func layer(className: String, config c: KerasLayerConfig, kerasMajorVersion: Int) throws -> KerasLayer {
        switch aliases[className] ?? className {
        case "InputLayer":
            let key = c.has("batch_shape") ? "batch_shape" : "batch_input_shape"
            let dims = try c.optionalInts(key)
            let dtype = try c.string("dtype", default: "float32")
            guard dtype == "float32" else { throw c.fail("input dtype \(dtype) is not supported (float32 only)") }
            var known = Array(dims.dropFirst())
            // An image of any height and width (keras.applications built without input_shape) is
            // declared at Keras' default size; the graph runs at any other (Graph.acceptingAnyInputSize).
            if known.count == 3, known[2] != nil {
                for axis in 0..<2 where known[axis] == nil { known[axis] = nominalImageSize }
            }
            let shape = known.compactMap { $0 }
            guard dims.count >= 2, shape.count == dims.count - 1 else {
                throw c.fail("input shape \(dims.map { $0.map(String.init) ?? "None" }) must be fully known apart from the batch")
            }
            return .input(shape: shape)
        case "Conv2D":
            try c.requireChannelsLast()
            return .conv2D(try convolution(c, filters: try c.int("filters"), groups: try c.int("groups", default: 1), kerasMajorVersion))
        case "DepthwiseConv2D":
            try c.requireChannelsLast()
            return .depthwiseConv2D(try convolution(c, filters: 0, groups: 1, kerasMajorVersion))
        case "SeparableConv2D":
            try c.requireChannelsLast()
            return .separableConv2D(try convolution(c, filters: try c.int("filters"), groups: 1, kerasMajorVersion))
        case "Dense":
            return .dense(units: try c.int("units"), useBias: try c.bool("use_bias", default: true),
                          activation: try activation(c, kerasMajorVersion))
        case "BatchNormalization":
            return .batchNormalization(epsilon: try c.float("epsilon", default: 1e-3), center: try c.bool("center", default: true),
                                       scale: try c.bool("scale", default: true))
        case "Activation":
            return .activation(try activation(c, kerasMajorVersion))
        case "ReLU":
            let maxValue = try c.optionalFloat("max_value")
            let slope = try c.float("negative_slope", default: 0)
            let threshold = try c.float("threshold", default: 0)
            guard slope >= 0, maxValue.map({ $0 >= 0 }) ?? true else { throw c.fail("negative_slope and max_value must be >= 0") }
            return .relu(maxValue: maxValue, negativeSlope: slope, threshold: threshold)
        case "LeakyReLU":
            // Keras 2 calls the slope `alpha`, Keras 3 `negative_slope`; both default to 0.3.
            let slope = try c.has("negative_slope") ? c.float("negative_slope") : c.float("alpha", default: 0.3)
            return .leakyReLU(negativeSlope: slope)
        case "Softmax":
            return .softmax(axis: try singleAxis(c, default: -1))
        case "MaxPooling2D", "AveragePooling2D":
            try c.requireChannelsLast()
            let pool = try c.size2D("pool_size", default: Size2D(2, 2))
            let kind: PoolKind = (aliases[className] ?? className) == "MaxPooling2D" ? .max : .average
            return .pooling2D(kind, pool: pool, strides: try c.size2D("strides", default: pool), padding: try padding(c))
        case "GlobalAveragePooling2D", "GlobalMaxPooling2D":
            try c.requireChannelsLast()
            let kind: PoolKind = (aliases[className] ?? className) == "GlobalMaxPooling2D" ? .max : .average
            return .globalPooling2D(kind, keepDims: try c.bool("keepdims", default: false))
        case "ZeroPadding2D":
            try c.requireChannelsLast()
            return .zeroPadding2D(try zeroPadding(c))
        case "Add":
            return .add
        case "Multiply":
            return .multiply
        case "Concatenate":
            return .concatenate(axis: try c.int("axis", default: -1))
        case "Flatten":
            try c.requireChannelsLast()
            return .flatten
        case "Reshape":
            let target = try c.optionalInts("target_shape")
            guard !target.isEmpty, target.allSatisfy({ $0 != nil }) else { throw c.fail("target_shape must list integers") }
            return .reshape(target.compactMap { $0 })
        case "Dropout":
            return .dropout
        case "Rescaling":
            return .rescaling(scale: try c.floats("scale", default: [1]), offset: try c.floats("offset", default: [0]))
        default:
            throw ImportError.unsupportedOp(type: className, node: c.layer,
                                            detail: "zoo builds \(supported.joined(separator: ", "))", file: c.file)
        }
    }

    private static func convolution(_ c: KerasLayerConfig, filters: Int, groups: Int, _ version: Int) throws -> KerasConvolution {
        KerasConvolution(filters: filters, kernel: try c.size2D("kernel_size"), strides: try c.size2D("strides", default: .one),
                         dilations: try c.size2D("dilation_rate", default: .one), padding: try padding(c), groups: groups,
                         depthMultiplier: try c.int("depth_multiplier", default: 1), useBias: try c.bool("use_bias", default: true),
                         activation: try activation(c, version))
    }

    private static func padding(_ c: KerasLayerConfig) throws -> KerasPadding {
        switch try c.string("padding", default: "valid").lowercased() {
        case "valid": return .valid
        case "same": return .same
        case let other: throw c.fail("padding '\(other)' is not supported (valid or same)")
        }
    }

    /// `padding: 1`, `padding: [1, 2]` (symmetric per axis) or `padding: [[t, b], [l, r]]`.
    private static func zeroPadding(_ c: KerasLayerConfig) throws -> Padding2D {
        guard let value = c.values["padding"] else { return Padding2D(top: 1, left: 1, bottom: 1, right: 1) }
        if let i = value.int { return Padding2D(top: i, left: i, bottom: i, right: i) }
        if let pair = value.array, pair.count == 2 {
            if let h = pair[0].int, let w = pair[1].int { return Padding2D(top: h, left: w, bottom: h, right: w) }
            if let hs = pair[0].array, let ws = pair[1].array, hs.count == 2, ws.count == 2,
               let t = hs[0].int, let b = hs[1].int, let l = ws[0].int, let r = ws[1].int {
                return Padding2D(top: t, left: l, bottom: b, right: r)
            }
        }
        throw c.fail("padding must be an integer, a pair, or a pair of pairs")
    }

    private static func singleAxis(_ c: KerasLayerConfig, default fallback: Int) throws -> Int {
        if let list = c.values["axis"]?.array {
            guard list.count == 1, let axis = list[0].int else { throw c.fail("only one softmax axis is supported") }
            return axis
        }
        return try c.int("axis", default: fallback)
    }

    /// The `activation` setting: a name, or Keras 3's serialized-function object around one.
    static func activation(_ c: KerasLayerConfig, _ kerasMajorVersion: Int) throws -> KerasActivation {
        var name = "linear"
        if let value = c.values["activation"], !value.isNull {
            if let s = value.string {
                name = s
            } else if let inner = value["config"]?.string {
                name = inner
            } else if let className = value["class_name"]?.string {
                name = className
            } else {
                throw c.fail("activation must be a name")
            }
        }
        switch name {
        case "linear", "None": return .linear
        case "relu": return .relu
        case "relu6": return .relu6
        case "sigmoid": return .sigmoid
        case "softmax": return .softmax
        // Keras 3: relu6(x + 3) / 6; Keras 2: clip(0.2x + 0.5, 0, 1).
        case "hard_sigmoid": return kerasMajorVersion >= 3 ? .hardSigmoid(alpha: 1.0 / 6, beta: 0.5) : .hardSigmoid(alpha: 0.2, beta: 0.5)
        case "hard_swish", "hard_silu": return .hardSwish
        default: throw ImportError.unsupportedOp(type: "activation '\(name)'", node: c.layer, detail: "", file: c.file)
        }
    }
}
