import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

@Suite struct ExecutorTests {
    /// x -> 6 relu-activated 3x3 convs of equal size.
    func chain(_ f: inout TensorFactory, depth: Int = 6) throws -> Graph {
        var b = GraphBuilder(name: "chain")
        var h = try b.input("x", shape: [1, 16, 16, 8])
        for i in 0..<depth {
            h = try b.conv2d(h, weights: f.uniform([3, 3, 8, 8], -0.3...0.3), bias: f.uniform([8]),
                             params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), activation: .relu),
                             name: "conv\(i)")
        }
        b.output(h)
        return b.build()
    }

    @Test func activationBuffersAreReused() throws {
        var f = TensorFactory(seed: 1)
        let g = try chain(&f)
        let plan = try Executor(graph: g, threads: 1).plan(batch: 1)
        let activation = 16 * 16 * 8 * 4
        let scratch = Conv2D.scratchCount(Conv2DGeometry(batch: 1, inH: 16, inW: 16, inC: 8, outC: 8,
                                                         params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1))), threads: 1) * 4
        // Six outputs of 8 KiB each, but at most two are alive at once (plus one conv's scratch).
        #expect(plan.peakActivationBytes <= 2 * activation + scratch + 256)
        #expect(plan.peakActivationBytes >= 2 * activation)
    }

    @Test func batchRunEqualsSingleRuns() throws {
        var f = TensorFactory(seed: 2)
        let g = GraphOptimizer.optimize(try chain(&f, depth: 3))
        let batch = f.uniform([3, 16, 16, 8])
        let together = try runGraph(g, batch).floats
        let per = 16 * 16 * 8
        for i in 0..<3 {
            let one = Tensor(shape: [1, 16, 16, 8], floats: Array(batch.floats[i * per..<(i + 1) * per]))
            let alone = try runGraph(g, one).floats
            #expect(relativeL2(Array(together[i * per..<(i + 1) * per]), alone) <= 1e-6, "image \(i)")
        }
    }

    @Test func oneAndTwoThreadsAgree() throws {
        var f = TensorFactory(seed: 3)
        let g = try chain(&f, depth: 2)
        let x = f.uniform([2, 16, 16, 8])
        #expect(relativeL2(try runGraph(g, x, threads: 1).floats, try runGraph(g, x, threads: 2).floats) <= 1e-6)
    }

    @Test func concurrentRunsMatchSerialRuns() async throws {
        var f = TensorFactory(seed: 4)
        let g = GraphOptimizer.optimize(try chain(&f, depth: 3))
        let executor = Executor(graph: g, threads: 1)
        let inputs = (0..<8).map { _ in f.uniform([1, 16, 16, 8]) }
        let serial = try inputs.map { try executor.run(["x": $0])["conv2"]!.floats }
        let parallel = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, x) in inputs.enumerated() {
                group.addTask { (i, try executor.run(["x": x])["conv2"]!.floats) }
            }
            var out = [[Float]](repeating: [], count: inputs.count)
            for try await (i, y) in group { out[i] = y }
            return out
        }
        #expect(parallel == serial)
    }

    @Test func outputThatAliasesAnIntermediate() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [2, 2, 2, 3])
        let r = try b.add(.activation(.relu), inputs: [x], name: "relu")
        let flat = try b.add(.flatten(axis: 1), inputs: [r], name: "flat")
        b.output(flat)
        b.output(r)
        let values: [Float] = (0..<24).map { Float($0) - 12 }
        let out = try Executor(graph: b.build()).run(["x": Tensor(shape: [2, 2, 2, 3], floats: values)])
        #expect(out["flat"]?.shape == [2, 12])
        #expect(out["flat"]?.floats == values.map { max($0, 0) })
        #expect(out["relu"]?.shape == [2, 2, 2, 3])
    }

    @Test func inputsAreChecked() throws {
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 4, 4, 3])
        b.output(try b.add(.activation(.relu), inputs: [x], name: "y"))
        let e = Executor(graph: b.build())
        #expect(throws: GraphError.missingInput(name: "x")) { try e.run([:]) }
        #expect(throws: GraphError.unexpectedInput(name: "z")) { try e.run(["x": Tensor(zeros: [1, 4, 4, 3]), "z": Tensor(zeros: [1])]) }
        #expect(throws: GraphError.inputShape(name: "x", expected: [1, 4, 4, 3], found: [1, 3, 4, 4])) {
            try e.run(["x": Tensor(zeros: [1, 3, 4, 4])])
        }
        #expect(throws: GraphError.inputType(name: "x", expected: .float32, found: .int64)) {
            try e.run(["x": Tensor(zeros: [1, 4, 4, 3], dtype: .int64)])
        }
        #expect(try e.run(["x": Tensor(zeros: [5, 4, 4, 3])])["y"]?.shape == [5, 4, 4, 3])
    }
}
