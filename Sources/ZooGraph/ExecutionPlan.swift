import ZooKernels
import ZooTensor

/// Where a value's bytes live while a plan runs.
enum ValueLocation: Sendable {
    case input(Int)          // index into Graph.inputs: the caller's tensor
    case constant(ValueID)   // a weight tensor
    case arena(offset: Int)  // the run's scratch arena
}

/// One node, ready to run: its kernel with sizes bound, and its scratch space. A step that also
/// does the next nodes' work (a convolution and the max pool after it, an inverted residual
/// block) reads their inputs, but for the values it passes between them, and writes the last
/// node's output.
struct PlannedStep: Sendable {
    var node: Int
    /// The last node whose work this step does (`node`, or a node after it).
    var lastNode: Int
    var kernel: PreparedKernel
    var scratchOffset: Int
    var inputs: [ValueID]
    var output: ValueID
}

/// Everything that depends on the batch size, computed once per (graph, batch): shapes,
/// kernel geometry, and an arena layout in which values with disjoint lifetimes share bytes.
public struct ExecutionPlan: Sendable {
    /// The batch size this plan is for.
    public let batch: Int
    /// Every value's shape at this batch size, indexed by `ValueID`.
    public let shapes: [Shape]
    /// Bytes of the activation arena: the peak of live activations plus kernel scratch.
    public let peakActivationBytes: Int
    let locations: [ValueLocation?]
    let steps: [PlannedStep]
    /// Values stored as bfloat16 between the steps that write and read them (`BF16Activations`),
    /// each in an arena slot of 2 bytes per element.
    let bf16Values: Set<ValueID>

    /// Bytes the plan stores value `id` in: 2 per element when it is stored as bf16, 4 otherwise.
    package func storedBytes(_ id: ValueID) -> Int { Self.storedBytes(shapes[id], asBF16: bf16Values.contains(id)) }

    private static func storedBytes(_ shape: Shape, asBF16: Bool) -> Int { shape.elementCount * (asBF16 ? 2 : 4) }

    init(graph: Graph, batch: Int, threads: Int, constants: [Tensor?], preparedWeights: PreparedWeights = PreparedWeights(),
         kernels: KernelOptions) throws {
        self.batch = batch
        let shapes = try graph.shapes(batch: batch)
        self.shapes = shapes

        // Aliases (reshape, flatten, identity) share their input's bytes: resolve each value to a root.
        var root = Array(graph.values.indices)
        for node in graph.nodes where node.op.isAlias { root[node.output] = root[node.inputs[0]] }

        // Last step that reads each root; graph outputs stay alive to the end.
        var lastUse = [Int](repeating: -1, count: graph.values.count)
        for (i, node) in graph.nodes.enumerated() {
            for v in node.inputs { lastUse[root[v]] = max(lastUse[root[v]], i) }
            lastUse[root[node.output]] = max(lastUse[root[node.output]], i)
        }
        for out in graph.outputs { lastUse[root[out.value]] = graph.nodes.count }

        var locations = [ValueLocation?](repeating: nil, count: graph.values.count)
        for (i, id) in graph.inputs.enumerated() { locations[id] = .input(i) }
        for (id, value) in graph.values.enumerated() where value.constant != nil { locations[id] = .constant(id) }

        var allocator = ArenaAllocator()
        var offsets = [Int?](repeating: nil, count: graph.values.count)
        var steps: [PlannedStep] = []
        var dyingAt = [[ValueID]](repeating: [], count: graph.nodes.count + 1)
        for (id, step) in lastUse.enumerated() where step >= 0 && step < graph.nodes.count { dyingAt[step].append(id) }

        // The steps, each a node or a run of nodes one kernel does, before any bytes are placed.
        var planned: [PlannedStep] = []
        var i = 0
        while i < graph.nodes.count {
            let node = graph.nodes[i]
            var kernel = try KernelDispatch.prepare(node: node, index: i, shapes: shapes, constants: constants,
                                                    preparedWeights: preparedWeights, kernels: kernels)
            var last = i, inputs = node.inputs
            // Whether node j's output is read by node j + 1 alone.
            let readOnlyByNext = { (j: Int) in
                let out = graph.nodes[j].output
                return j + 1 < graph.nodes.count && lastUse[root[out]] == j + 1 && root[out] == out
            }
            if let block = try KernelDispatch.invertedResidual(
                startingAt: i, kernel: kernel, graph: graph, shapes: shapes, constants: constants,
                preparedWeights: preparedWeights, kernels: kernels, readOnlyByNext: readOnlyByNext) {
                (kernel, last, inputs) = block
            } else if readOnlyByNext(i),
                      let fused = KernelDispatch.fusedWithMaxPool(kernel, next: graph.nodes[i + 1], input: node.output, kernels: kernels) {
                // A convolution whose output only the next node, a max pool, reads: one step does both.
                kernel = fused
                last = i + 1
            }
            planned.append(PlannedStep(node: i, lastNode: last, kernel: kernel, scratchOffset: 0, inputs: inputs,
                                       output: graph.nodes[last].output))
            i = last + 1
        }
        let bf16Values = Self.storeActivationsAsBF16(&planned, graph: graph, kernels: kernels)
        self.bf16Values = bf16Values
        let bytes = { (id: ValueID) in Self.storedBytes(shapes[id], asBF16: bf16Values.contains(id)) }

        for var step in planned {
            let (i, last, kernel) = (step.node, step.lastNode, step.kernel)
            let out = step.output
            if !graph.nodes[last].op.isAlias {
                try PlanBudget.checkValue(bytes(out), of: graph, batch: batch)
                offsets[out] = allocator.allocate(bytes(out))
            }
            let scratchBytes = KernelDispatch.scratchFloats(kernel, threads: threads) * 4
            try PlanBudget.checkValue(scratchBytes, of: graph, batch: batch)
            step.scratchOffset = scratchBytes > 0 ? allocator.allocate(scratchBytes) : 0
            steps.append(step)
            if scratchBytes > 0 { allocator.release(offset: step.scratchOffset, bytes: scratchBytes) }
            for node in i...last {
                for id in dyingAt[node] where root[id] == id {
                    if let offset = offsets[id] { allocator.release(offset: offset, bytes: bytes(id)) }
                }
            }
        }
        for id in graph.values.indices {
            let r = root[id]
            if let offset = offsets[r] { locations[id] = .arena(offset: offset) } else if r != id { locations[id] = locations[r] }
        }
        self.locations = locations
        self.steps = steps
        peakActivationBytes = allocator.end
        try PlanBudget.checkPlan(arenaBytes: allocator.end, shapes: shapes, of: graph, batch: batch)
    }

    /// How many steps do the work of nodes `0..<node` exactly; nil when one step does the work of
    /// nodes on both sides.
    func stepCount(beforeNode node: Int) -> Int? {
        let count = steps.firstIndex { $0.lastNode >= node } ?? steps.count
        return count < steps.count && steps[count].node < node ? nil : count
    }
}
