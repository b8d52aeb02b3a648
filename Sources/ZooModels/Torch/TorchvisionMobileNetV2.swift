import ZooGraph
import ZooKernels
import ZooTensor

/// MobileNetV2 with torchvision's parameter names: `features.0` (3x3/2 conv, BN, ReLU6),
/// inverted residuals `features.1` ... `features.17` (`conv.0.0` expand, `conv.1.0`
/// depthwise, `conv.2` project, BN after each; the t=1 block has no expand, so its depthwise
/// is `conv.0.0` and its projection `conv.1`), `features.18` (1x1 to 1280) and `classifier.1`.
///
/// Unlike Keras, torchvision pads every 3x3 conv by 1 on all sides, stride 2 included.
/// BatchNorm epsilon is 1e-5. The stage table (t, c, n, s) is the paper's, shared with Keras.
public enum TorchvisionMobileNetV2 {
    /// The choices a torchvision MobileNetV2 state dict fixes: widths and class count.
    public struct Config: Sendable, Hashable {
        /// Output channels of `features.0`.
        public var stem: Int
        /// Expansion and output channels per stage; repeats and strides are torchvision's.
        var stages: [InvertedResidualStage]
        /// Output channels of `features.18`.
        public var last: Int
        /// Output classes of `classifier.1`.
        public var classes: Int

        /// torchvision's `mobilenet_v2(width_mult:)`: channels scaled and rounded to a multiple
        /// of 8; the last conv never narrower than 1280.
        public init(widthMultiplier: Double = 1, classes: Int = 1000) {
            stem = MobileNetV2.makeDivisible(32 * widthMultiplier)
            stages = MobileNetV2.stages.map {
                InvertedResidualStage(expansion: $0.expansion, channels: MobileNetV2.makeDivisible(Double($0.channels) * widthMultiplier),
                                      repeats: $0.repeats, stride: $0.stride)
            }
            last = MobileNetV2.makeDivisible(1280 * max(1, widthMultiplier))
            self.classes = classes
        }

        /// `self` with the stem, each stage's expansion and channels, the last conv and the
        /// class count read from a checkpoint's shapes (stage by stage, from its first block);
        /// unknown names keep their values for the state-dict check.
        public func inferred(from shape: (String) -> Shape?) -> Config {
            var c = self
            c.stem = leadingDimension(shape("features.0.0.weight")) ?? stem
            var channels = c.stem
            var index = 1
            for s in c.stages.indices {
                let p = "features.\(index).conv."
                if c.stages[s].expansion == 1 {
                    c.stages[s].channels = leadingDimension(shape(p + "1.weight")) ?? c.stages[s].channels
                } else {
                    if let hidden = leadingDimension(shape(p + "0.0.weight")), hidden % channels == 0, hidden > channels {
                        c.stages[s].expansion = hidden / channels
                    }
                    c.stages[s].channels = leadingDimension(shape(p + "2.weight")) ?? c.stages[s].channels
                }
                channels = c.stages[s].channels
                index += c.stages[s].repeats
            }
            c.last = leadingDimension(shape("features.\(index).0.weight")) ?? last
            c.classes = leadingDimension(shape("classifier.1.weight")) ?? classes
            return c
        }
    }

    /// One inverted residual block, as `features.<index>` sees it.
    struct BlockShape {
        var index, input, hidden, output, stride: Int
        var expands: Bool { hidden != input }
        var residual: Bool { stride == 1 && input == output }
        /// The modules inside `conv`: with an expand conv, depthwise and projection move up one.
        var depthwise: String { expands ? "1" : "0" }
        var project: (conv: String, bn: String) { expands ? ("2", "3") : ("1", "2") }
    }

    /// The 17 blocks: stage rows expanded, the first block of a stage strides.
    static func blocks(_ config: Config) -> [BlockShape] {
        var result: [BlockShape] = []
        var input = config.stem
        for stage in config.stages {
            for r in 0..<stage.repeats {
                result.append(BlockShape(index: result.count + 1, input: input, hidden: input * stage.expansion,
                                         output: stage.channels, stride: r == 0 ? stage.stride : 1))
                input = stage.channels
            }
        }
        return result
    }

    /// Every tensor name and shape the state dict of `config` holds, in torchvision's order.
    public static func stateDict(_ config: Config) -> [StateDictEntry] {
        var spec = StateDictSpec()
        spec.conv("features.0.0", out: config.stem, in: 3, kernel: 3)
        spec.batchNorm("features.0.1", config.stem)
        let blocks = blocks(config)
        for b in blocks {
            let p = "features.\(b.index).conv."
            if b.expands {
                spec.conv(p + "0.0", out: b.hidden, in: b.input, kernel: 1)
                spec.batchNorm(p + "0.1", b.hidden)
            }
            spec.conv(p + b.depthwise + ".0", out: b.hidden, in: b.hidden, kernel: 3, groups: b.hidden)
            spec.batchNorm(p + b.depthwise + ".1", b.hidden)
            spec.conv(p + b.project.conv, out: b.output, in: b.hidden, kernel: 1)
            spec.batchNorm(p + b.project.bn, b.output)
        }
        let head = "features.\(blocks.count + 1)"
        spec.conv(head + ".0", out: config.last, in: blocks.last?.output ?? config.stem, kernel: 1)
        spec.batchNorm(head + ".1", config.last)
        spec.linear("classifier.1", out: config.classes, in: config.last)
        return spec.entries
    }

    /// Builds the network for `imageSize` x `imageSize` RGB input, fed NCHW as in PyTorch.
    /// `weight(name)` returns tensors in zoo's layout (convs HWIO, Linear `[in, out]`).
    /// Output `logits` `[N, classes]`; `features` is the pooled embedding (`last` wide).
    public static func graph(_ config: Config, imageSize: Int = 224, name: String = "tv-mobilenetv2",
                             weight: (String) throws -> Tensor) throws -> Graph {
        var g = try TorchvisionGraph(name: name, spec: stateDict(config), weight: weight)
        var x = try g.nchwInput(imageSize: imageSize)
        x = try g.convBN(x, conv: "features.0.0", bn: "features.0.1", kernel: 3, stride: 2, activation: (.relu6, "features.0.2"))
        let blocks = blocks(config)
        for b in blocks {
            let p = "features.\(b.index).conv."
            var h = x
            if b.expands {
                h = try g.convBN(h, conv: p + "0.0", bn: p + "0.1", kernel: 1, activation: (.relu6, p + "0.2"))
            }
            let dw = p + b.depthwise
            h = try g.convBN(h, conv: dw + ".0", bn: dw + ".1", kernel: 3, stride: b.stride, groups: b.hidden,
                             activation: (.relu6, dw + ".2"))
            h = try g.convBN(h, conv: p + b.project.conv, bn: p + b.project.bn, kernel: 1, activation: nil)
            if b.residual {
                h = try g.builder.add(.binary(.add), inputs: [x, h], name: "features.\(b.index).add")
            }
            x = h
        }
        let head = "features.\(blocks.count + 1)"
        x = try g.convBN(x, conv: head + ".0", bn: head + ".1", kernel: 1, activation: (.relu6, head + ".2"))
        let features = try g.pooledFeatures(x)
        return g.finish(logits: try g.linear(features, "classifier.1", node: "logits"))
    }
}
