import ZooKernels

extension ExecutionPlan {
    /// Marks the values a bf16 plan stores as bfloat16 (`BF16Activations`) in the kernels of the
    /// steps that write and read them, and returns them. A value qualifies when the step writing it
    /// can store bf16 (`PreparedKernel.writesBF16`) and every step reading it can read it so: the
    /// bf16 GEMM's convolutions and fused inverted residual blocks, as their GEMM operand or
    /// residual, and Winograd layers, as input or residual. Graph outputs, and values read by
    /// anything else (a depthwise layer, a pool, a reshape), stay float32.
    ///
    /// ResNet's block outputs qualify: the next block's first 1x1 convolution reads them and its
    /// last adds them. At resnet50's 56x56 stage a 1x1 layer with a residual moved 3 floats for
    /// every 64 multiply-adds, more than the two vCPUs' memory bandwidth keeps up with.
    static func storeActivationsAsBF16(_ steps: inout [PlannedStep], graph: Graph, kernels: KernelOptions) -> Set<ValueID> {
        // Every step that reads each value, with the input positions it reads it at.
        var readers: [ValueID: [(step: Int, position: Int)]] = [:]
        for (s, step) in steps.enumerated() {
            for (position, v) in step.inputs.enumerated() { readers[v, default: []].append((s, position)) }
        }
        let outputs = Set(graph.outputs.map(\.value))
        var stored: Set<ValueID> = []
        for step in steps {
            guard step.kernel.writesBF16(kernels), !outputs.contains(step.output),
                  let reads = readers[step.output], !reads.isEmpty else { continue }
            if reads.allSatisfy({ steps[$0.step].readsBF16(at: $0.position, kernels) }) { stored.insert(step.output) }
        }
        for s in steps.indices {
            let inputs = steps[s].inputs
            let activations = BF16Activations(input: inputs.first.map { stored.contains($0) } ?? false,
                                              residual: steps[s].residualPosition.map { stored.contains(inputs[$0]) } ?? false,
                                              output: stored.contains(steps[s].output))
            if !activations.isNone { steps[s].kernel = steps[s].kernel.with(activations) }
        }
        return stored
    }
}

extension PlannedStep {
    /// The input position of the residual the step's epilogue adds, if any.
    var residualPosition: Int? {
        switch kernel {
        case let .conv2d(_, _, _, _, hasResidual, _): hasResidual ? 3 : nil
        case let .invertedResidual(_, _, _, _, hasResidual, _): hasResidual ? inputs.count - 1 : nil
        case let .winogradConv2d(_, _, hasResidual, _): hasResidual ? 3 : nil
        default: nil
        }
    }

    /// Whether the step can read its input `position` as bf16: a bf16 GEMM's operand, a Winograd
    /// layer's input at bf16 (its input transform widens), or the residual of either.
    func readsBF16(at position: Int, _ kernels: KernelOptions) -> Bool {
        guard kernel.writesBF16(kernels) else { return false }
        if position == residualPosition { return true }
        guard position == 0 else { return false }
        switch kernel {
        case let .conv2d(g, _, _, _, _, _): return Conv2D.readsBF16(g)
        case let .invertedResidual(block, expand, _, _, _, _): return block.readsBF16 && expand?.bf16 != nil
        case .winogradConv2d: return true
        default: return false  // the stem + max pool step reads the image
        }
    }
}

extension PreparedKernel {
    /// Whether the kernel can write its output as bf16 on `kernels`: a convolution on the bf16 GEMM,
    /// an inverted residual block projecting on it, a Winograd layer at bf16 (each of which can also
    /// read a bf16 residual), a first layer and its max pool at bf16.
    func writesBF16(_ kernels: KernelOptions) -> Bool {
        switch self {
        case let .conv2d(g, bf16, _, _, _, _): bf16 != nil && Conv2D.storesBF16(g, kernels: kernels)
        case let .invertedResidual(block, _, _, project, _, _): project.bf16 != nil && block.storesBF16(kernels: kernels)
        case let .winogradConv2d(g, _, _, _): WinogradConv2D.storesBF16(g, kernels: kernels)
        case let .conv2dMaxPool(g, _, _, _, _): Conv2D.maxPooledStoresBF16(g, kernels: kernels)
        default: false
        }
    }

    /// The kernel with `activations` stored as bf16.
    func with(_ activations: BF16Activations) -> PreparedKernel {
        switch self {
        case let .conv2d(g, bf16, float32, panels, hasResidual, _):
            .conv2d(g, bf16: bf16, float32: float32, panels: panels, hasResidual: hasResidual, activations: activations)
        case let .invertedResidual(block, expand, depthwise, project, hasResidual, _):
            .invertedResidual(block, expand: expand, depthwise: depthwise, project: project, hasResidual: hasResidual,
                              activations: activations)
        case let .winogradConv2d(g, weights, hasResidual, _):
            .winogradConv2d(g, weights: weights, hasResidual: hasResidual, activations: activations)
        case let .conv2dMaxPool(g, bf16, float32, pool, _):
            .conv2dMaxPool(g, bf16: bf16, float32: float32, pool: pool, activations: activations)
        default: preconditionFailure("bf16 activations: \(self) neither reads nor writes them")
        }
    }
}
