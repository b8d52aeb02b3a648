import ZooGraph
import ZooKernels
import ZooTensor

/// VGG16 and VGG19 (without batch norm) with torchvision's parameter names: `features.N` for
/// the layers of `make_layers` (conv, ReLU, ..., max pool, each taking one index) and
/// `classifier.{0,3,6}` for the Linear layers (ReLU and Dropout take the indices between).
///
/// After the features comes `AdaptiveAvgPool2d((7, 7))` and a flatten in C,H,W order. zoo
/// flattens NHWC, so the importer permutes `classifier.0`'s rows to H,W,C order once
/// (see `pooledSize`); the adaptive pool is the identity at 224x224 input.
public enum TorchvisionVGG {
    /// One entry of torchvision's `cfgs` list: a 3x3 conv (padding 1, bias, ReLU) or `"M"`.
    public enum Layer: Sendable, Hashable {
        /// A 3x3 convolution to this many channels, then ReLU.
        case conv(Int)
        /// 2x2 max pooling, stride 2.
        case pool
    }

    /// The choices a torchvision VGG state dict fixes: the layer list, widths, class count.
    public struct Config: Sendable, Hashable {
        /// The `features` layers, as torchvision's `cfgs` lists them.
        public var layers: [Layer]
        /// Width of `classifier.0` and `classifier.3` (4096).
        public var hidden: Int
        /// Output classes of `classifier.6`.
        public var classes: Int

        /// A configuration; the defaults are torchvision's.
        public init(layers: [Layer], hidden: Int = 4096, classes: Int = 1000) {
            self.layers = layers; self.hidden = hidden; self.classes = classes
        }

        /// torchvision's configuration "D".
        public static func vgg16(classes: Int = 1000) -> Config { Config(layers: TorchvisionVGG.layers(convsPerBlock: [2, 2, 3, 3, 3]), classes: classes) }
        /// torchvision's configuration "E".
        public static func vgg19(classes: Int = 1000) -> Config { Config(layers: TorchvisionVGG.layers(convsPerBlock: [2, 2, 4, 4, 4]), classes: classes) }

        /// Output channels of the last conv: the C of the flattened C,7,7 classifier input.
        public var lastChannels: Int {
            for case .conv(let c) in layers.reversed() { return c }
            return 3
        }

        /// `self` with each conv's width, the hidden width and the class count read from a
        /// checkpoint's shapes; unknown names keep their values for the state-dict check.
        public func inferred(from shape: (String) -> Shape?) -> Config {
            var c = self
            for (position, (i, layer)) in TorchvisionVGG.indexed(layers).enumerated() {
                guard case .conv(let channels) = layer else { continue }
                c.layers[position] = .conv(leadingDimension(shape("features.\(i).weight")) ?? channels)
            }
            c.hidden = leadingDimension(shape("classifier.0.weight")) ?? hidden
            c.classes = leadingDimension(shape("classifier.6.weight")) ?? classes
            return c
        }
    }

    /// Output size of `AdaptiveAvgPool2d`: the classifier reads `lastChannels * 7 * 7` features.
    public static let pooledSize = 7

    /// Five blocks of 3x3 convs (64, 128, 256, 512, 512 channels), each ending in a pool.
    static func layers(convsPerBlock: [Int]) -> [Layer] {
        zip(convsPerBlock, [64, 128, 256, 512, 512]).flatMap { count, channels in
            Array(repeating: Layer.conv(channels), count: count) + [.pool]
        }
    }

    /// Each layer with its index in `features`: a conv is followed by its ReLU, so it takes two.
    static func indexed(_ layers: [Layer]) -> [(index: Int, layer: Layer)] {
        var index = 0
        return layers.map { layer in
            defer { index += layer == .pool ? 1 : 2 }
            return (index, layer)
        }
    }

    /// Every tensor name and shape the state dict of `config` holds, in torchvision's order.
    public static func stateDict(_ config: Config) -> [StateDictEntry] {
        var spec = StateDictSpec()
        var channels = 3
        for (i, layer) in indexed(config.layers) {
            guard case .conv(let out) = layer else { continue }
            spec.conv("features.\(i)", out: out, in: channels, kernel: 3, bias: true)
            channels = out
        }
        spec.linear("classifier.0", out: config.hidden, in: channels * pooledSize * pooledSize)
        spec.linear("classifier.3", out: config.hidden, in: config.hidden)
        spec.linear("classifier.6", out: config.classes, in: config.hidden)
        return spec.entries
    }

    /// Builds the network for `imageSize` x `imageSize` RGB input, fed NCHW as in PyTorch.
    /// `weight(name)` returns tensors in zoo's layout; `classifier.0.weight` must already have
    /// its rows in H,W,C order (`[7 * 7 * C, hidden]`). Output `logits`; `features` is the
    /// ReLU after `classifier.3` (4096 wide, Keras' `fc2`).
    ///
    /// The adaptive pool is supported where it is a plain pool: the feature map is 7x7 (the
    /// identity) or a multiple of 7 (an average pool with kernel = stride). Other sizes throw.
    public static func graph(_ config: Config, imageSize: Int = 224, name: String = "tv-vgg",
                             weight: (String) throws -> Tensor) throws -> Graph {
        var g = try TorchvisionGraph(name: name, spec: stateDict(config), weight: weight)
        var x = try g.nchwInput(imageSize: imageSize)
        for (i, layer) in indexed(config.layers) {
            switch layer {
            case .conv:
                x = try g.conv(x, "features.\(i)", kernel: 3, padding: 1, bias: true, activation: .relu)
            case .pool:
                let pool = Pool2DParams(kind: .max, kernel: Size2D(2, 2), strides: Size2D(2, 2))
                x = try g.builder.add(.pool2d(pool), inputs: [x], name: "features.\(i)")
            }
        }
        let side = g.builder.shape(of: x)[1]
        guard side >= pooledSize, side % pooledSize == 0 else {
            throw GraphError.invalidNode(node: "avgpool", op: "AdaptiveAvgPool2d",
                                         detail: "a \(side)x\(side) feature map (input \(imageSize)) is not a multiple of 7x7; use an input size from 224 to 255, or 448 to 479, ...")
        }
        if side > pooledSize {
            let k = side / pooledSize
            let pool = Pool2DParams(kind: .average, kernel: Size2D(k, k), strides: Size2D(k, k))
            x = try g.builder.add(.pool2d(pool), inputs: [x], name: "avgpool")
        }
        x = try g.builder.add(.flatten(axis: 1), inputs: [x], name: "flatten")
        x = try g.linear(x, "classifier.0", activation: .relu)
        x = try g.linear(x, "classifier.3", node: "features", activation: .relu)
        return g.finish(logits: try g.linear(x, "classifier.6", node: "logits"))
    }
}
