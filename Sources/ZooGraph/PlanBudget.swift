import ZooTensor

/// The checks that keep planning and running a graph inside the `MemoryBudget`: shapes whose
/// sizes overflow, and activation arenas or weights larger than the budget, are refused before
/// anything is allocated (issue 15: a 151-byte ONNX Pad of 100000 asked for 480 GB).
enum PlanBudget {
    /// The words of every refusal: `m.onnx: running this model at batch 8`.
    static func action(_ graph: Graph, batch: Int) -> String {
        (graph.sourceFile.map { "\($0): " } ?? "") + "running this model at batch \(batch)"
    }

    /// Throws when a tensor of `shape` could not even be counted in bytes (8 per element is the
    /// widest dtype). Dimensions of 0 count as 1 so that no partial product overflows either.
    static func checkRepresentable(_ shape: Shape, of graph: Graph, batch: Int) throws {
        guard Shape(shape.dims.map { max($0, 1) }).checkedByteCount(elementBytes: 8) == nil else { return }
        throw MemoryBudgetExceeded(needed: nil, limit: MemoryBudget.current.bytes, action: action(graph, batch: batch),
                                   kind: "activation memory")
    }

    /// Most bytes one activation may have while planning (1 PiB): far beyond any budget, and
    /// small enough that the arena's sums over thousands of them cannot overflow. The budget
    /// itself is checked on the whole arena (`checkPlan`), so the error gives the real total.
    static let maxValueBytes = 1 << 50

    /// Throws unless one activation of `bytes` is small enough to plan with.
    static func checkValue(_ bytes: Int, of graph: Graph, batch: Int) throws {
        guard bytes > maxValueBytes else { return }
        throw MemoryBudgetExceeded(needed: bytes, limit: MemoryBudget.current.bytes, action: action(graph, batch: batch),
                                   kind: "activation memory")
    }

    /// Throws unless the arena with the batch's inputs and outputs, and the float32 weights,
    /// fit the budget. Every value here is at most `maxValueBytes`, so the sums cannot overflow.
    static func checkPlan(arenaBytes: Int, shapes: [Shape], of graph: Graph, batch: Int) throws {
        let budget = MemoryBudget.current
        var total = arenaBytes
        for id in graph.inputs + graph.outputs.map(\.value) {
            let bytes = shapes[id].elementCount * 4
            try checkValue(bytes, of: graph, batch: batch)
            total += bytes
        }
        try budget.check(total, action(graph, batch: batch), kind: "activation memory")
        var weights = 0
        for value in graph.values where value.constant != nil {
            weights = weights.addingReportingOverflow(value.shape.checkedByteCount(elementBytes: 4) ?? .max).partialValue
        }
        try budget.check(weights, (graph.sourceFile.map { "\($0): " } ?? "") + "holding this model's weights", kind: "memory")
    }
}
