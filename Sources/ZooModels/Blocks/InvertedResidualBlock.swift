import ZooKernels

/// Keras' `_inverted_res_block`: 1x1 expansion (skipped in block 0), 3x3 depthwise, 1x1
/// linear projection, each with BatchNorm; ReLU6 after the first two; a residual add when the
/// shape is kept. Stride-2 blocks pad explicitly first (`correct_pad`): one pixel fewer at the
/// top/left when the input size is even, as Keras does.
func invertedResidualBlock(_ m: inout KerasModel, _ input: String, expansion: Int, stride: Int,
                           filters: Int, blockID: Int) throws -> String {
    guard let inShape = try m.shapes()[input], let inChannels = inShape.last else {
        throw KerasModelError.unknownInput(layer: "block_\(blockID)", input: input)
    }
    let bnLayer = KerasLayer.batchNormalization(epsilon: MobileNetV2.epsilon, center: true, scale: true)
    let relu6 = KerasLayer.relu(maxValue: 6, negativeSlope: 0, threshold: 0)
    var x = input
    var prefix = "block_\(blockID)_"
    if blockID > 0 {
        x = try m.add(.conv2D(KerasConvolution(filters: expansion * inChannels, kernel: .one, padding: .same, useBias: false)),
                      name: prefix + "expand", inputs: [x])
        x = try m.add(bnLayer, name: prefix + "expand_BN", inputs: [x])
        x = try m.add(relu6, name: prefix + "expand_relu", inputs: [x])
    } else {
        prefix = "expanded_conv_"
    }
    if stride == 2 {
        let adjustH = 1 - inShape[0] % 2, adjustW = 1 - inShape[1] % 2
        x = try m.add(.zeroPadding2D(Padding2D(top: 1 - adjustH, left: 1 - adjustW, bottom: 1, right: 1)),
                      name: prefix + "pad", inputs: [x])
    }
    let depthwise = KerasConvolution(kernel: Size2D(3, 3), strides: Size2D(stride, stride),
                                     padding: stride == 1 ? .same : .valid, useBias: false)
    x = try m.add(.depthwiseConv2D(depthwise), name: prefix + "depthwise", inputs: [x])
    x = try m.add(bnLayer, name: prefix + "depthwise_BN", inputs: [x])
    x = try m.add(relu6, name: prefix + "depthwise_relu", inputs: [x])
    x = try m.add(.conv2D(KerasConvolution(filters: filters, kernel: .one, padding: .same, useBias: false)),
                  name: prefix + "project", inputs: [x])
    x = try m.add(bnLayer, name: prefix + "project_BN", inputs: [x])
    if inChannels == filters && stride == 1 {
        return try m.add(.add, name: prefix + "add", inputs: [input, x])
    }
    return x
}
