import ZooKernels

/// VGG16 and VGG19 (Simonyan & Zisserman), as keras.applications builds them.
enum VGG {
    /// Channels of the five blocks; each block ends in a 2x2 max pool.
    static let channels = [64, 128, 256, 512, 512]
    static let vgg16Blocks = [2, 2, 3, 3, 3]
    static let vgg19Blocks = [2, 2, 4, 4, 4]

    static func model(_ config: ArchitectureConfig, convolutionsPerBlock: [Int]) throws -> KerasModel {
        var m = KerasModel(name: config.architecture.rawValue)
        var x = try m.input("input_layer", shape: [config.inputSize, config.inputSize, 3])
        for (block, (count, filters)) in zip(convolutionsPerBlock, channels).enumerated() {
            for i in 1...count {
                let conv = KerasConvolution(filters: filters, kernel: Size2D(3, 3), padding: .same, activation: .relu)
                x = try m.add(.conv2D(conv), name: "block\(block + 1)_conv\(i)", inputs: [x])
            }
            x = try m.add(.pooling2D(.max, pool: Size2D(2, 2), strides: Size2D(2, 2), padding: .valid),
                          name: "block\(block + 1)_pool", inputs: [x])
        }
        if config.includeTop {
            x = try m.add(.flatten, name: "flatten", inputs: [x])
            x = try m.add(.dense(units: 4096, useBias: true, activation: .relu), name: "fc1", inputs: [x])
            x = try m.add(.dense(units: 4096, useBias: true, activation: .relu), name: "fc2", inputs: [x])
            x = try m.add(.dense(units: config.classes, useBias: true, activation: .softmax), name: "predictions", inputs: [x])
        } else if let pooling = config.pooling {
            // Keras leaves these unnamed, so they get the default layer names.
            let name = pooling == .average ? "global_average_pooling2d" : "global_max_pooling2d"
            x = try m.add(.globalPooling2D(pooling, keepDims: false), name: name, inputs: [x])
        }
        m.outputs = [x]
        return m
    }
}
