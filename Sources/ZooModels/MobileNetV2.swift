import ZooKernels

/// A run of `repeats` inverted residual blocks widening channels by `expansion`, projecting
/// to `channels * alpha` (rounded to a multiple of 8); the first block has stride `stride`.
struct InvertedResidualStage: Sendable, Hashable {
    var expansion, channels, repeats, stride: Int
}

/// MobileNetV2 (Sandler et al.), as keras.applications builds it: ReLU6, BatchNorm epsilon
/// 1e-3, no convolution biases, and an explicit asymmetric ZeroPadding2D before each stride-2
/// depthwise convolution.
enum MobileNetV2 {
    static let epsilon: Float = 1e-3

    static let stages: [InvertedResidualStage] = [
        .init(expansion: 1, channels: 16, repeats: 1, stride: 1),
        .init(expansion: 6, channels: 24, repeats: 2, stride: 2),
        .init(expansion: 6, channels: 32, repeats: 3, stride: 2),
        .init(expansion: 6, channels: 64, repeats: 4, stride: 2),
        .init(expansion: 6, channels: 96, repeats: 3, stride: 1),
        .init(expansion: 6, channels: 160, repeats: 3, stride: 2),
        .init(expansion: 6, channels: 320, repeats: 1, stride: 1),
    ]

    /// Keras' `_make_divisible`: round to the nearest multiple of `divisor`, never below it and
    /// never more than 10% below `value`.
    static func makeDivisible(_ value: Double, _ divisor: Int = 8) -> Int {
        var result = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
        if Double(result) < 0.9 * value { result += divisor }
        return result
    }

    static func model(_ config: ArchitectureConfig) throws -> KerasModel {
        let alpha = config.alpha
        var m = KerasModel(name: "mobilenetv2_\(String(format2: alpha))_\(config.inputSize)")
        var x = try m.input("input_layer", shape: [config.inputSize, config.inputSize, 3])
        let stem = KerasConvolution(filters: makeDivisible(32 * alpha), kernel: Size2D(3, 3), strides: Size2D(2, 2),
                                    padding: .same, useBias: false)
        x = try m.add(.conv2D(stem), name: "Conv1", inputs: [x])
        x = try m.add(.batchNormalization(epsilon: epsilon, center: true, scale: true), name: "bn_Conv1", inputs: [x])
        x = try m.add(.relu(maxValue: 6, negativeSlope: 0, threshold: 0), name: "Conv1_relu", inputs: [x])
        var blockID = 0
        for stage in stages {
            for i in 0..<stage.repeats {
                x = try invertedResidualBlock(&m, x, expansion: stage.expansion, stride: i == 0 ? stage.stride : 1,
                                              filters: makeDivisible(Double(Int(Double(stage.channels) * alpha))), blockID: blockID)
                blockID += 1
            }
        }
        let last = alpha > 1.0 ? makeDivisible(1280 * alpha) : 1280
        x = try m.add(.conv2D(KerasConvolution(filters: last, kernel: .one, useBias: false)), name: "Conv_1", inputs: [x])
        x = try m.add(.batchNormalization(epsilon: epsilon, center: true, scale: true), name: "Conv_1_bn", inputs: [x])
        x = try m.add(.relu(maxValue: 6, negativeSlope: 0, threshold: 0), name: "out_relu", inputs: [x])
        if config.includeTop {
            x = try m.add(.globalPooling2D(.average, keepDims: false), name: "global_average_pooling2d", inputs: [x])
            x = try m.add(.dense(units: config.classes, useBias: true, activation: .softmax), name: "predictions", inputs: [x])
        } else if let pooling = config.pooling {
            let name = pooling == .average ? "global_average_pooling2d" : "global_max_pooling2d"
            x = try m.add(.globalPooling2D(pooling, keepDims: false), name: name, inputs: [x])
        }
        m.outputs = [x]
        return m
    }
}

private extension String {
    /// Two decimals, like Keras' model name `mobilenetv2_0.35_96`.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
