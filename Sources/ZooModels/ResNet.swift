import ZooKernels

/// One stage of a ResNet: `blocks` bottleneck blocks of width `filters` (output `4 * filters`),
/// the first with a projection shortcut and stride `stride`.
struct ResidualStage: Sendable, Hashable {
    var filters, blocks, stride: Int
}

/// ResNet v1 50/101/152 (He et al.), as keras.applications builds them: stride on the first
/// 1x1 convolution of each stage, BatchNorm epsilon 1.001e-5, biases on every convolution.
enum ResNet {
    static let epsilon: Float = 1.001e-5

    static let resnet50Stages = stages([3, 4, 6, 3])
    static let resnet101Stages = stages([3, 4, 23, 3])
    static let resnet152Stages = stages([3, 8, 36, 3])

    /// Stages conv2...conv5: widths 64...512, stride 1 for conv2 (the stem already pooled).
    static func stages(_ blocks: [Int]) -> [ResidualStage] {
        zip([64, 128, 256, 512], blocks).enumerated().map { i, pair in
            ResidualStage(filters: pair.0, blocks: pair.1, stride: i == 0 ? 1 : 2)
        }
    }

    static func model(_ config: ArchitectureConfig, stages: [ResidualStage]) throws -> KerasModel {
        var m = KerasModel(name: config.architecture.rawValue)
        var x = try m.input("input_layer", shape: [config.inputSize, config.inputSize, 3])
        x = try m.add(.zeroPadding2D(Padding2D(top: 3, left: 3, bottom: 3, right: 3)), name: "conv1_pad", inputs: [x])
        x = try m.add(.conv2D(KerasConvolution(filters: 64, kernel: Size2D(7, 7), strides: Size2D(2, 2))),
                      name: "conv1_conv", inputs: [x])
        x = try m.add(.batchNormalization(epsilon: epsilon, center: true, scale: true), name: "conv1_bn", inputs: [x])
        x = try m.add(.activation(.relu), name: "conv1_relu", inputs: [x])
        x = try m.add(.zeroPadding2D(Padding2D(top: 1, left: 1, bottom: 1, right: 1)), name: "pool1_pad", inputs: [x])
        x = try m.add(.pooling2D(.max, pool: Size2D(3, 3), strides: Size2D(2, 2), padding: .valid), name: "pool1_pool", inputs: [x])
        for (i, stage) in stages.enumerated() {
            for block in 1...stage.blocks {
                x = try residualBlockV1(&m, x, filters: stage.filters, stride: block == 1 ? stage.stride : 1,
                                        convShortcut: block == 1, name: "conv\(i + 2)_block\(block)")
            }
        }
        if config.includeTop {
            x = try m.add(.globalPooling2D(.average, keepDims: false), name: "avg_pool", inputs: [x])
            x = try m.add(.dense(units: config.classes, useBias: true, activation: .softmax), name: "predictions", inputs: [x])
        } else if let pooling = config.pooling {
            x = try m.add(.globalPooling2D(pooling, keepDims: false), name: pooling == .average ? "avg_pool" : "max_pool", inputs: [x])
        }
        m.outputs = [x]
        return m
    }
}
