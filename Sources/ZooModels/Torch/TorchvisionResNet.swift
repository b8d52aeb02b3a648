import ZooGraph
import ZooKernels
import ZooTensor

/// ResNet-18/34/50 with torchvision's parameter names (`conv1`, `bn1`, `layerN.K.conv1`,
/// `layerN.0.downsample.{0,1}`, `fc`), as `torchvision.models.resnet` builds them.
///
/// torchvision's ResNet-50 is "v1.5": a Bottleneck strides on its 3x3 conv (`conv2`), not on
/// the first 1x1 as the paper and Keras do. Convs have no bias, BatchNorm epsilon is 1e-5.
public enum TorchvisionResNet {
    /// `BasicBlock` (two 3x3 convs) or `Bottleneck` (1x1, 3x3, 1x1 widening 4x).
    public enum Block: Sendable, Hashable {
        /// The two block kinds.
        case basic, bottleneck
    }

    /// One `layerN`: `blocks` blocks of inner `width`, ending at `output` channels; the first
    /// block strides.
    public struct Stage: Sendable, Hashable {
        /// Blocks, inner width, output channels and the first block's stride.
        public var blocks, width, output, stride: Int
        /// A stage with these sizes.
        public init(blocks: Int, width: Int, output: Int, stride: Int) {
            self.blocks = blocks; self.width = width; self.output = output; self.stride = stride
        }
    }

    /// The choices a torchvision ResNet state dict fixes: block kind, widths, class count.
    public struct Config: Sendable, Hashable {
        /// Basic or bottleneck blocks.
        public var block: Block
        /// Output channels of the 7x7 stem `conv1`.
        public var stem: Int
        /// `layer1` to `layer4`.
        public var stages: [Stage]
        /// Output classes of `fc`.
        public var classes: Int

        /// A configuration with these stages.
        public init(block: Block, stem: Int, stages: [Stage], classes: Int) {
            self.block = block; self.stem = stem; self.stages = stages; self.classes = classes
        }

        /// torchvision's widths (planes 64, 128, 256, 512; 4x wider outputs for Bottleneck)
        /// with `blocks` blocks per stage.
        public init(block: Block, blocks: [Int], classes: Int = 1000) {
            let expansion = block == .bottleneck ? 4 : 1
            let stages = zip(blocks, TorchvisionResNet.planes).enumerated().map { i, bp in
                Stage(blocks: bp.0, width: bp.1, output: bp.1 * expansion, stride: i == 0 ? 1 : 2)
            }
            self.init(block: block, stem: 64, stages: stages, classes: classes)
        }

        /// torchvision's `resnet18`.
        public static func resnet18(classes: Int = 1000) -> Config { Config(block: .basic, blocks: [2, 2, 2, 2], classes: classes) }
        /// torchvision's `resnet34`.
        public static func resnet34(classes: Int = 1000) -> Config { Config(block: .basic, blocks: [3, 4, 6, 3], classes: classes) }
        /// torchvision's `resnet50`.
        public static func resnet50(classes: Int = 1000) -> Config { Config(block: .bottleneck, blocks: [3, 4, 6, 3], classes: classes) }

        /// `self` with the widths and class count read from a checkpoint's shapes (for reduced
        /// or fine-tuned models); anything `shape` does not know keeps its value, so the
        /// state-dict check afterwards names what is missing or wrong.
        public func inferred(from shape: (String) -> Shape?) -> Config {
            var c = self
            c.stem = leadingDimension(shape("conv1.weight")) ?? stem
            for i in c.stages.indices {
                let p = "layer\(i + 1).0."
                c.stages[i].width = leadingDimension(shape(p + "conv1.weight")) ?? stages[i].width
                let last = block == .bottleneck ? p + "conv3.weight" : p + "conv2.weight"
                c.stages[i].output = leadingDimension(shape(last)) ?? stages[i].output
            }
            c.classes = leadingDimension(shape("fc.weight")) ?? classes
            return c
        }
    }

    /// Planes of `layer1` ... `layer4`.
    static let planes = [64, 128, 256, 512]

    /// A block's conv names, kernels and strides: `BasicBlock` 3x3 (strided), 3x3; `Bottleneck`
    /// 1x1, 3x3 (strided, v1.5), 1x1.
    static func convs(_ block: Block, stage: Stage, stride: Int) -> [(name: String, kernel: Int, stride: Int, out: Int)] {
        switch block {
        case .basic: [("1", 3, stride, stage.width), ("2", 3, 1, stage.output)]
        case .bottleneck: [("1", 1, 1, stage.width), ("2", 3, stride, stage.width), ("3", 1, 1, stage.output)]
        }
    }

    /// Whether block `index` of a stage reading `inChannels` needs `downsample` (torchvision:
    /// the stage's first block, when it strides or changes the channel count).
    static func hasDownsample(_ stage: Stage, index: Int, inChannels: Int) -> Bool {
        index == 0 && (stage.stride != 1 || inChannels != stage.output)
    }

    /// Every state-dict entry, with its PyTorch shape, in `state_dict()` order.
    public static func stateDict(_ config: Config) -> [StateDictEntry] {
        var spec = StateDictSpec()
        spec.conv("conv1", out: config.stem, in: 3, kernel: 7)
        spec.batchNorm("bn1", config.stem)
        var channels = config.stem
        for (s, stage) in config.stages.enumerated() {
            for k in 0..<stage.blocks {
                let p = "layer\(s + 1).\(k)."
                var inner = channels
                for conv in convs(config.block, stage: stage, stride: 1) {
                    spec.conv(p + "conv" + conv.name, out: conv.out, in: inner, kernel: conv.kernel)
                    spec.batchNorm(p + "bn" + conv.name, conv.out)
                    inner = conv.out
                }
                if hasDownsample(stage, index: k, inChannels: channels) {
                    spec.conv(p + "downsample.0", out: stage.output, in: channels, kernel: 1)
                    spec.batchNorm(p + "downsample.1", stage.output)
                }
                channels = stage.output
            }
        }
        spec.linear("fc", out: config.classes, in: channels)
        return spec.entries
    }

    /// Builds the network for `imageSize` x `imageSize` RGB input, fed NCHW as in PyTorch.
    /// `weight(name)` returns state-dict tensor `name` in zoo's layout (convs HWIO, `fc`
    /// `[in, out]`). Output `logits` `[N, classes]`; `features` is the pooled embedding.
    public static func graph(_ config: Config, imageSize: Int = 224, name: String = "tv-resnet",
                             weight: (String) throws -> Tensor) throws -> Graph {
        var g = try TorchvisionGraph(name: name, spec: stateDict(config), weight: weight)
        var x = try g.nchwInput(imageSize: imageSize)
        x = try g.batchNorm(try g.conv(x, "conv1", kernel: 7, stride: 2, padding: 3), "bn1")
        x = try g.builder.add(.activation(.relu), inputs: [x], name: "relu")
        let pool = Pool2DParams(kind: .max, kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1))
        x = try g.builder.add(.pool2d(pool), inputs: [x], name: "maxpool")
        var channels = config.stem
        for (s, stage) in config.stages.enumerated() {
            for k in 0..<stage.blocks {
                x = try block(&g, x, config.block, stage: stage, prefix: "layer\(s + 1).\(k).", stride: k == 0 ? stage.stride : 1,
                              downsample: hasDownsample(stage, index: k, inChannels: channels))
                channels = stage.output
            }
        }
        let features = try g.pooledFeatures(x)
        return g.finish(logits: try g.linear(features, "fc", node: "logits"))
    }

    /// One residual block: conv/BN/ReLU down the branch (no ReLU after the last BN), the
    /// shortcut (identity or `downsample`), their sum, then ReLU.
    static func block(_ g: inout TorchvisionGraph, _ input: ValueID, _ kind: Block, stage: Stage, prefix p: String,
                      stride: Int, downsample: Bool) throws -> ValueID {
        let steps = convs(kind, stage: stage, stride: stride)
        var x = input
        for (i, conv) in steps.enumerated() {
            x = try g.convBN(x, conv: p + "conv" + conv.name, bn: p + "bn" + conv.name, kernel: conv.kernel, stride: conv.stride,
                             activation: i == steps.count - 1 ? nil : (.relu, p + "relu" + conv.name))
        }
        var shortcut = input
        if downsample {
            shortcut = try g.batchNorm(try g.conv(input, p + "downsample.0", kernel: 1, stride: stride, padding: 0), p + "downsample.1")
        }
        let sum = try g.builder.add(.binary(.add), inputs: [x, shortcut], name: p + "add")
        return try g.builder.add(.activation(.relu), inputs: [sum], name: p + "relu")
    }
}
