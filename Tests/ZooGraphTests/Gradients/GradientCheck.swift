import Testing
import ZooGraph
import ZooTensor
import ZooTestSupport

/// Checks `GraphGradients` on a graph against central finite differences of the float64
/// reference evaluation: for a random seed v, d(v . y)/d(t) for every element of every target
/// (inputs, and weight constants where given).
struct GradientCheck {
    var graph: Graph
    var inputs: [String: Tensor]
    /// Values to differentiate with respect to: inputs and constants, by name.
    var targets: [String]
    var step = 1e-4
    var tolerance = 1e-4

    func run(_ comment: Comment, seed: UInt64 = 7) throws {
        let gradients = try GraphGradients(graph: graph, threads: 2)
        let tape = try gradients.forward(inputs)
        let output = graph.outputs[0]
        let outName = graph.values[output.value].name
        let outCount = tape.shapes[try gradients.valueID(outName)].elementCount
        var rng = SeededRandom(seed: seed)
        let v = rng.floats(outCount)
        let computed = try gradients.backward(tape, output: outName, seed: v, targets: targets)

        // The reference perturbs the original graph, so fusion and folding are checked too.
        let batch = inputs.values.first?.shape[0] ?? 1
        let evaluator = ReferenceGraphEvaluator(graph: graph)
        var given = inputs.mapValues { $0.floats.map(Double.init) }
        for target in targets where given[target] == nil {
            given[target] = graph.values[graph.value(named: target)!].constant!.floats.map(Double.init)
        }
        func objective() throws -> Double {
            let values = try evaluator.evaluate(given, batch: batch)
            return zip(values[output.value], v).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        for target in targets {
            var expected: [Double] = []
            let base = given[target]!
            for i in base.indices {
                given[target]![i] = base[i] + step
                let plus = try objective()
                given[target]![i] = base[i] - step
                let minus = try objective()
                given[target]![i] = base[i]
                expected.append((plus - minus) / (2 * step))
            }
            let got = computed[target]!.floats
            let error = relativeL2(got, expected)
            #expect(error <= tolerance, "\(comment): d/d\(target) relative L2 \(error)")
        }
    }
}
