import ZooKernels
import ZooTensor

/// Weights stored as bf16 panels (`zoo convert --bf16`): which nodes may read them so, and how
/// the executor holds them.
extension Graph {
    /// Whether any constant is stored as bfloat16 (`zoo convert --bf16`), in panels or row-major.
    public var holdsBF16Weights: Bool { values.contains { $0.constant?.dtype == .bfloat16 } }

    /// How many constants are stored as bf16 panels.
    public var bf16PanelCount: Int { values.count { $0.constant?.bf16Panels != nil } }

    /// The bf16 GEMM matrix a conv2d or dense node reads its weights (input 1) as: [depth,
    /// groups * groupColumns], the layout the bf16 kernels pack them in. nil for other nodes and
    /// for depthwise convolutions, which are not a GEMM.
    public func bf16PanelLayout(forWeightsOf node: Node) -> BF16PanelLayout? {
        guard node.inputs.count >= 2 else { return nil }
        let w = values[node.inputs[1]].shape
        switch node.op {
        case .conv2d(let p):
            let x = values[node.inputs[0]].shape
            // Depthwise (groups == input channels): the same test as `Conv2DGeometry.isDepthwise`.
            guard w.rank == 4, x.rank == 4, p.groups >= 1, !(p.groups == x[3] && p.groups > 1), w[3] % p.groups == 0 else { return nil }
            return BF16PanelLayout(depth: w[0] * w[1] * w[2], groupColumns: w[3] / p.groups, groups: p.groups)
        case .dense:
            guard w.rank == 2 else { return nil }
            return BF16PanelLayout(depth: w[0], groupColumns: w[1], groups: 1)
        default:
            return nil
        }
    }

    /// The constants as the executor reads them: float32 (float16 storage widened here), except
    /// bf16 panels that only conv2d and dense nodes read, as their weights: those stay as stored,
    /// for the bf16 kernels to stream in place (KernelDispatch widens them per node when not).
    func executorConstants() -> [Tensor?] {
        var readOtherwise = Set<ValueID>()
        for node in nodes {
            for (i, v) in node.inputs.enumerated() where !(i == 1 && node.op.isConvOrDense) { readOtherwise.insert(v) }
        }
        return values.enumerated().map { id, value in
            guard let tensor = value.constant else { return nil }
            return tensor.bf16Panels != nil && !readOtherwise.contains(id) ? tensor : tensor.converted(to: .float32)
        }
    }
}

extension Graph {
    /// The same graph with the weights of every conv2d and dense node that the bf16 GEMM reads
    /// (see `bf16PanelLayout(forWeightsOf:)`) rounded to bfloat16, for `zoo convert --bf16`:
    /// packed in the bf16 kernels' panels, or row-major where the panels would take more bytes
    /// than the float32 weights (they pad the depth and the columns to 32: a small layer; the
    /// executor widens those and the bf16 kernels pack them at load, as for any file). A constant
    /// also read some other way stays as it is; so do biases, depthwise weights and every other
    /// constant (small, and read by float32 kernels).
    public func storingGEMMWeightsAsBF16() -> Graph {
        var layouts: [ValueID: BF16PanelLayout] = [:]
        var readOtherwise = Set<ValueID>()
        for node in nodes {
            for (i, v) in node.inputs.enumerated() where values[v].constant != nil {
                if i == 1, let layout = bf16PanelLayout(forWeightsOf: node), layouts[v, default: layout] == layout {
                    layouts[v] = layout
                } else {
                    readOtherwise.insert(v)
                }
            }
        }
        var g = self
        for (id, layout) in layouts where !readOtherwise.contains(id) {
            guard let tensor = values[id].constant, tensor.dtype == .float32 || tensor.dtype == .float16 else { continue }
            let float32 = tensor.converted(to: .float32)
            let packs = layout.byteCount < tensor.elementCount * DType.float32.byteSize
            g.values[id].kind = .constant(packs ? float32.packedAsBF16Panels(layout) : float32.converted(to: .bfloat16))
            g.values[id].dtype = .bfloat16
        }
        return g
    }

    /// The first constant stored as bf16 panels that some node does not read as the GEMM weights
    /// those panels pack, described (a file's `bf16_panels` that do not fit its graph); nil when all fit.
    public func misreadBF16Panels() -> String? {
        for node in nodes {
            for (i, v) in node.inputs.enumerated() {
                guard let layout = values[v].constant?.bf16Panels else { continue }
                let name = values[v].name
                guard i == 1, let expected = bf16PanelLayout(forWeightsOf: node) else {
                    return "'\(name)' is stored as bf16 panels, but node '\(node.name)' (\(node.op.name)) does not read it as bf16 GEMM weights"
                }
                guard expected == layout else {
                    return "'\(name)' is stored as bf16 panels of \(layout), but node '\(node.name)' reads it as \(expected)"
                }
            }
        }
        return nil
    }
}
