import ZooGraph
import ZooKernels
import ZooTensor

/// One state-dict entry an architecture expects: its PyTorch name and PyTorch shape
/// (convs OIHW, Linear `[out, in]`).
public typealias StateDictEntry = (name: String, shape: Shape)

/// The output channels (or features) a checkpoint's tensor declares: its first dimension,
/// when there is one and it is positive. Config inference ignores anything else, so a
/// malformed shape surfaces in the state-dict check instead of as a zero-width layer.
func leadingDimension(_ shape: Shape?) -> Int? {
    guard let first = shape?.dims.first, first > 0 else { return nil }
    return first
}

/// Collects the state-dict entries of torchvision modules, in the order `state_dict()` lists
/// them (`num_batches_tracked` left out: TorchCheckpoint drops it).
struct StateDictSpec {
    private(set) var entries: [StateDictEntry] = []

    /// `nn.Conv2d`: `<name>.weight` `[out, in / groups, k, k]`, then `<name>.bias` if it has one.
    mutating func conv(_ name: String, out: Int, in inChannels: Int, kernel: Int, groups: Int = 1, bias: Bool = false) {
        entries.append((name + ".weight", [out, inChannels / groups, kernel, kernel]))
        if bias { entries.append((name + ".bias", [out])) }
    }

    /// `nn.BatchNorm2d`: affine parameters then running statistics.
    mutating func batchNorm(_ name: String, _ channels: Int) {
        for p in ["weight", "bias", "running_mean", "running_var"] { entries.append((name + "." + p, [channels])) }
    }

    /// `nn.Linear`: `<name>.weight` `[out, in]` and `<name>.bias`.
    mutating func linear(_ name: String, out: Int, in inFeatures: Int) {
        entries.append((name + ".weight", [out, inFeatures]))
        entries.append((name + ".bias", [out]))
    }
}

/// The graph-building side shared by the torchvision architectures: the NCHW input PyTorch
/// models are fed, and conv / BatchNorm / Linear nodes named after torchvision's modules.
///
/// Every tensor of the architecture's spec is fetched once, up front, so a builder reading a
/// name its spec does not list is a programmer error caught by the first test that builds it.
struct TorchvisionGraph {
    /// `nn.BatchNorm2d`'s default, which every torchvision model here keeps.
    static let epsilon: Float = 1e-5

    var builder: GraphBuilder
    private var tensors: [String: Tensor] = [:]

    /// `weight(name)` returns a spec entry in zoo's layout: convs HWIO, Linear `[in, out]`.
    init(name: String, spec: [StateDictEntry], weight: (String) throws -> Tensor) throws {
        builder = GraphBuilder(name: name)
        for entry in spec { tensors[entry.name] = try weight(entry.name) }
    }

    private func tensor(_ name: String) -> Tensor {
        guard let t = tensors[name] else { preconditionFailure("\(name) is not in the architecture's state-dict spec") }
        return t
    }

    /// The `input` `[1, 3, size, size]` (NCHW, batch free), transposed to NHWC for the body.
    mutating func nchwInput(imageSize: Int) throws -> ValueID {
        let input = try builder.input("input", shape: [1, 3, imageSize, imageSize])
        return try builder.add(.transpose(Layout.nchwToNHWC), inputs: [input], name: "to_nhwc")
    }

    /// `nn.Conv2d` with PyTorch's symmetric `padding`; no bias unless the module has one.
    mutating func conv(_ x: ValueID, _ name: String, kernel: Int, stride: Int = 1, padding: Int, groups: Int = 1,
                       bias: Bool = false, activation: Activation = .none) throws -> ValueID {
        let params = Conv2DParams(kernel: Size2D(kernel, kernel), strides: Size2D(stride, stride),
                                  padding: Padding2D(top: padding, left: padding, bottom: padding, right: padding),
                                  groups: groups, activation: activation)
        return try builder.conv2d(x, weights: tensor(name + ".weight"), bias: bias ? tensor(name + ".bias") : nil,
                                  params: params, name: name)
    }

    /// `nn.BatchNorm2d` in eval mode, with its running statistics.
    mutating func batchNorm(_ x: ValueID, _ name: String) throws -> ValueID {
        try builder.batchNorm(x, scale: tensor(name + ".weight"), bias: tensor(name + ".bias"),
                              mean: tensor(name + ".running_mean"), variance: tensor(name + ".running_var"),
                              epsilon: Self.epsilon, name: name)
    }

    /// Conv (padding `(kernel - 1) / 2`, as `Conv2dNormActivation`), BatchNorm, then the
    /// activation, if any, as its own node with the given name (graph passes fold and fuse these).
    mutating func convBN(_ x: ValueID, conv: String, bn: String, kernel: Int, stride: Int = 1, groups: Int = 1,
                         activation: (Activation, name: String)?) throws -> ValueID {
        let y = try batchNorm(try self.conv(x, conv, kernel: kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups), bn)
        guard let (act, name) = activation else { return y }
        return try builder.add(.activation(act), inputs: [y], name: name)
    }

    /// `nn.Linear` as a dense node. Its constants keep the module's name (`fc/kernel`) while
    /// the node may be named for its role (`logits`, `features`), which graph passes keep.
    mutating func linear(_ x: ValueID, _ module: String, node: String? = nil, activation: Activation = .none) throws -> ValueID {
        let w = try builder.constant(module + "/kernel", tensor(module + ".weight"))
        let b = try builder.constant(module + "/bias", tensor(module + ".bias"))
        return try builder.add(.dense(DenseParams(activation: activation)), inputs: [x, w, b], name: node ?? module)
    }

    /// Global average pooling to `[N, C]`, named `features`: the embedding zoo exposes.
    mutating func pooledFeatures(_ x: ValueID) throws -> ValueID {
        try builder.add(.globalPool(.average, keepDims: false), inputs: [x], name: "features")
    }

    /// Marks `logits` as the graph's output and returns the graph.
    mutating func finish(logits: ValueID) -> Graph {
        builder.output(logits)
        return builder.build()
    }
}
