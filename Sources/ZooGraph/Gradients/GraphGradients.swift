import ZooKernels
import ZooTensor

/// Gradients through a frozen graph, by reverse-mode accumulation of vector-Jacobian products.
///
/// The graph is first unfused (`Graph.unfusedForGradients()`) and run forward with every value
/// kept (`Tape`); `backward` then walks the nodes in reverse, only across the part of the graph
/// between the values asked for and the output, so the gradient of a classifier's score with
/// respect to its last convolution costs a few layers, not the whole network.
public final class GraphGradients: Sendable {
    /// The unfused graph, every node's output also a graph output.
    public let graph: Graph
    private let executor: Executor
    private let constants: [[Float]?]

    /// The forward values of one run, by value id, and the shapes at its batch size.
    public struct Tape: Sendable {
        /// Every value's elements, by value id.
        public let values: [ValueID: [Float]]
        /// Every value's shape at the run's batch size, by value id.
        public let shapes: [Shape]
    }

    /// Gradients for `graph`, which is unfused first and has every node's output made a graph output.
    public init(graph: Graph, threads: Int = ThreadCount.default) throws {
        let unfused = try graph.unfusedForGradients()
        self.graph = try unfused.addingOutputs(unfused.nodes.map(\.name))
        executor = Executor(graph: self.graph, threads: threads)
        constants = self.graph.values.map { $0.constant.map { $0.converted(to: .float32).floats } }
    }

    /// Runs the graph, keeping every intermediate value.
    public func forward(_ inputs: [String: Tensor]) throws -> Tape {
        let results = try executor.run(inputs)
        var values: [ValueID: [Float]] = [:]
        for id in graph.inputs { values[id] = inputs[graph.values[id].name]!.converted(to: .float32).floats }
        for out in graph.outputs { values[out.value] = results[out.name]!.floats }
        let batch = graph.inputs.first.flatMap { inputs[graph.values[$0].name]?.shape.dims.first } ?? 1
        return Tape(values: values, shapes: try executor.plan(batch: batch).shapes)
    }

    /// The value id of a layer (node output), input or constant called `name`.
    public func valueID(_ name: String) throws -> ValueID {
        guard let id = graph.value(named: name) else { throw GraphError.unknownValue(node: "gradients", name: name) }
        return id
    }

    /// d(sum(seed * output)) / d(target) for each target: the vector-Jacobian product of the
    /// whole graph with `seed` (shaped like `output`). Targets may be inputs, layers or
    /// constants (weights); a target the output does not depend on gets zeros.
    public func backward(_ tape: Tape, output: String, seed: [Float], targets: [String]) throws -> [String: Tensor] {
        let outputID = try valueID(output)
        let targetIDs = try targets.map(valueID)
        precondition(seed.count == tape.shapes[outputID].elementCount, "seed has \(seed.count) values for \(tape.shapes[outputID])")

        // Values that depend on a target: only they need gradients.
        var needed = [Bool](repeating: false, count: graph.values.count)
        for id in targetIDs { needed[id] = true }
        for node in graph.nodes where node.inputs.contains(where: { needed[$0] }) { needed[node.output] = true }

        func value(_ id: ValueID) -> [Float] { tape.values[id] ?? constants[id] ?? [] }
        var gradients: [ValueID: [Float]] = [outputID: seed]
        let targetSet = Set(targetIDs)
        for node in graph.nodes.reversed() {
            guard needed[node.output], let dy = gradients[node.output] else { continue }
            if !targetSet.contains(node.output) { gradients[node.output] = nil }
            let wanted = node.inputs.map { needed[$0] }
            let grads = try NodeVJP.inputGradients(node, wanted: wanted, shapes: tape.shapes, value: value, outputGradient: dy)
            for (input, grad) in zip(node.inputs, grads) {
                guard let grad else { continue }
                if var sum = gradients[input] {
                    for i in sum.indices { sum[i] += grad[i] }
                    gradients[input] = sum
                } else {
                    gradients[input] = grad
                }
            }
        }
        var result: [String: Tensor] = [:]
        for (name, id) in zip(targets, targetIDs) {
            let shape = tape.shapes[id]
            result[name] = Tensor(shape: shape, floats: gradients[id] ?? [Float](repeating: 0, count: shape.elementCount))
        }
        return result
    }
}
