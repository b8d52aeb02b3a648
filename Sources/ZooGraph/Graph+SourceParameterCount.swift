import ZooTensor

extension Graph {
    /// The number of weights the source framework counts: every constant a node reads, except
    /// the zero biases the importers put in for layers that have none. Keras' `count_params()`
    /// counts a batch norm's moving mean and variance (`countsRunningStatistics`); PyTorch's
    /// `sum(p.numel() for p in model.parameters())` does not (they are buffers). Use it on the
    /// graph before batch-norm folding, which merges those vectors into the convolution's bias.
    public func sourceParameterCount(countsRunningStatistics: Bool) -> Int {
        var used = Set<ValueID>()
        for node in nodes {
            for (i, v) in node.inputs.enumerated() where values[v].constant != nil {
                if i == 2, node.op.isConvOrDense, values[v].constant!.isAllZero { continue }
                if case .batchNorm = node.op, i >= 3, !countsRunningStatistics { continue }
                used.insert(v)
            }
        }
        return used.reduce(0) { $0 + values[$1].shape.elementCount }
    }
}

extension Op {
    var isConvOrDense: Bool {
        switch self {
        case .conv2d, .dense: true
        default: false
        }
    }
}

extension Tensor {
    /// Whether every element is zero. A float32 tensor is read in place up to its first nonzero
    /// element: no copy of a mapped bias, and only its first bytes are read.
    var isAllZero: Bool {
        dtype == .float32 ? withUnsafeFloats { !$0.contains { $0 != 0 } } : floats.allSatisfy { $0 == 0 }
    }
}
