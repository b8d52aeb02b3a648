import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// `Executor.runProfiled` (for `zoo bench --profile`): same outputs as `run`, one time per node.
@Suite struct ExecutorProfileTests {
    @Test func profiledRunMatchesRunAndTimesEveryKernel() throws {
        var f = TensorFactory(seed: 3)
        var b = GraphBuilder(name: "conv-flatten-dense")
        var h = try b.input("x", shape: [1, 8, 8, 4])
        h = try b.conv2d(h, weights: f.uniform([3, 3, 4, 6], -0.3...0.3), bias: f.uniform([6]),
                         params: Conv2DParams(kernel: Size2D(3, 3), activation: .relu), name: "conv")
        h = try b.add(.flatten(axis: 1), inputs: [h], name: "flatten")
        h = try b.dense(h, weights: f.uniform([6 * 6 * 6, 5], -0.3...0.3), bias: nil, name: "dense")
        b.output(h)
        let graph = b.build()
        let executor = Executor(graph: graph, threads: 2)
        let x = ["x": f.uniform([2, 8, 8, 4])]

        let (outputs, times) = try executor.runProfiled(x)
        #expect(outputs["dense"]?.floats == (try executor.run(x))["dense"]?.floats)
        #expect(times.count == graph.nodes.count)
        for (node, time) in zip(graph.nodes, times) {
            #expect(time > .zero && time < .seconds(1), "\(node.name): \(time)")
        }
    }
}
