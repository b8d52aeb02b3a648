import ZooTensor

/// The first steps of a graph that a batched run computes one image at a time, before the rest
/// runs on the whole batch. Early layers have large activations and small weights: at batch 8 a
/// 112x112 stage's activations (tens of MB) spill from the caches to memory between layers, while
/// one image's stay in L2/L3 and the few weights are read again per image from cache (mobilenet_v2
/// at bf16, batch 8: the 112x112 stage took 2.6x the time per image of batch 1). Later layers,
/// whose weights outweigh their activations, keep the batch and read each weight once.
///
/// Every kernel computes an image's values the same way at any batch size (see WinogradConv2D's
/// per-image rule, GEMMTiling), so the results are the same bits either way.
struct ImagePrefix: Sendable, Equatable {
    /// Steps `0..<steps` run per image.
    let steps: Int
    /// The one value those steps leave to the rest of the graph.
    let boundary: ValueID

    /// Weight bytes the per-image steps may read: about what the caches keep from one image to the
    /// next. Measured at batch 8 against 4 and 16 MB (Zen 5, 32 MB L3): 8 MB was fastest or within
    /// noise on all four bench models (resnet50 fp32 145 -> 128 ms against 4 MB). At bf16 the
    /// convolution and dense weights count 2 bytes each, as the kernels read them (resnet50 bf16
    /// batch 8 3.7% faster, mobilenet_v2 2.6%, resnet18 within noise, against 4 bytes).
    static let weightBudget = 8 << 20

    /// The longest prefix of nodes that each work image by image, read at most `weightBudget`
    /// bytes of weights (`bf16`: as the bf16 kernels read them), and leave exactly one value (not an
    /// output) to the nodes after them; nil when there is none of at least two steps, or the graph
    /// has no batch dimension. With `startsStep`, the prefix ends where a step of the plans starts
    /// (a step that fuses nodes cannot run partly per image).
    static func find(in graph: Graph, bf16: Bool = false, startsStep: (Int) -> Bool = { _ in true }) -> ImagePrefix? {
        guard graph.hasBatchDimension else { return nil }
        let outputs = Set(graph.outputs.map(\.value))
        var lastReader = [Int](repeating: -1, count: graph.values.count)
        for (i, node) in graph.nodes.enumerated() {
            for v in node.inputs { lastReader[v] = i }
        }
        var weightBytes = 0
        var live = Set<ValueID>()  // values the prefix made that later nodes still read
        var best: ImagePrefix?
        for (i, node) in graph.nodes.enumerated() {
            guard worksPerImage(node, in: graph), !outputs.contains(node.output) else { break }
            for v in node.inputs { if let c = graph.values[v].constant { weightBytes += c.shape.elementCount * bytes(node, bf16) } }
            guard weightBytes <= weightBudget else { break }
            live.insert(node.output)
            live = live.filter { lastReader[$0] > i }
            if live.count == 1, let boundary = live.first, i >= 1, startsStep(i + 1) { best = ImagePrefix(steps: i + 1, boundary: boundary) }
        }
        return best
    }

    /// Bytes per weight `node` reads: 2 for the bf16 kernels' (convolutions but depthwise, dense
    /// layers), 4 otherwise.
    private static func bytes(_ node: Node, _ bf16: Bool) -> Int {
        guard bf16 else { return 4 }
        switch node.op {
        case .conv2d(let p): return p.groups == 1 ? 2 : 4
        case .dense: return 2
        default: return 4
        }
    }

    /// Whether `node` computes each image from that image alone (and its weights).
    private static func worksPerImage(_ node: Node, in graph: Graph) -> Bool {
        let rank = graph.values[node.output].shape.rank
        let batchShaped = node.inputs.allSatisfy { graph.values[$0].constant != nil || graph.values[$0].shape.rank == rank }
        switch node.op {
        case .conv2d, .batchNorm, .activation, .pool2d: return true
        case .binary: return batchShaped
        case .concat(let axis): return axis != 0 && batchShaped
        case .pad(let before, let after, _): return before.first == 0 && after.first == 0
        case .transpose(let permutation): return permutation.first == 0
        case .dense, .softmax, .globalPool, .flatten, .reshape, .identity: return false
        }
    }
}
