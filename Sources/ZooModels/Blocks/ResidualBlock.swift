import ZooKernels

/// Keras' `residual_block_v1`: 1x1 (strided) -> 3x3 -> 1x1 to `4 * filters`, each followed by
/// BatchNorm, added to the shortcut (a strided 1x1 projection in a stage's first block), then ReLU.
/// Layers are named `<name>_0_conv`, `<name>_1_bn`, ..., `<name>_add`, `<name>_out`.
func residualBlockV1(_ m: inout KerasModel, _ input: String, filters: Int, stride: Int,
                     convShortcut: Bool, name: String) throws -> String {
    let strides = Size2D(stride, stride)
    func bn(_ x: String, _ suffix: String) throws -> String {
        try m.add(.batchNormalization(epsilon: ResNet.epsilon, center: true, scale: true), name: "\(name)_\(suffix)", inputs: [x])
    }
    var shortcut = input
    if convShortcut {
        shortcut = try m.add(.conv2D(KerasConvolution(filters: 4 * filters, kernel: .one, strides: strides)),
                             name: "\(name)_0_conv", inputs: [input])
        shortcut = try bn(shortcut, "0_bn")
    }
    var x = try m.add(.conv2D(KerasConvolution(filters: filters, kernel: .one, strides: strides)), name: "\(name)_1_conv", inputs: [input])
    x = try bn(x, "1_bn")
    x = try m.add(.activation(.relu), name: "\(name)_1_relu", inputs: [x])
    x = try m.add(.conv2D(KerasConvolution(filters: filters, kernel: Size2D(3, 3), padding: .same)), name: "\(name)_2_conv", inputs: [x])
    x = try bn(x, "2_bn")
    x = try m.add(.activation(.relu), name: "\(name)_2_relu", inputs: [x])
    x = try m.add(.conv2D(KerasConvolution(filters: 4 * filters, kernel: .one)), name: "\(name)_3_conv", inputs: [x])
    x = try bn(x, "3_bn")
    x = try m.add(.add, name: "\(name)_add", inputs: [shortcut, x])
    return try m.add(.activation(.relu), name: "\(name)_out", inputs: [x])
}
