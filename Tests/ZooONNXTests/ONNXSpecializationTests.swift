import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor
import ZooTestSupport

/// Real exporters' shape subgraphs, and inputs that do not fit the graph as declared: other
/// image sizes, fixed-shape second inputs, values fed at run time that real graphs hold as
/// constants. All of it goes through the executor's specialized plans (GraphSpecializer).
@Suite struct ONNXSpecializationTests {
    static func pb(_ name: String) throws -> Tensor { try ONNXImporter.readTensor(from: ONNXTestSupport.fixture(name)) }

    static func nodeTest(_ name: String) -> URL {
        ONNXNodeTests.root.appendingPathComponent(name).appendingPathComponent("model.onnx")
    }

    /// tools/onnx/make_same_padding_fixtures.py: EfficientNet-Lite's TF-style static padding
    /// (pads computed by a ConstantOfShape/Concat/Reshape/Slice/Transpose/Cast subgraph) and a
    /// ReduceMean head, dynamic batch, against PyTorch; at opset 13 (axes attribute) and 18 (axes input).
    @Test(arguments: [13, 18])
    func tfStyleSamePadding(_ opset: Int) throws {
        let imported = try ONNXImporter.importGraph(from: ONNXTestSupport.fixture("same_padding_op\(opset).onnx"))
        #expect(imported.values[imported.inputs[0]].shape == [1, 3, 17, 17])
        // The computed pads fold to two constant Pad nodes, one per padded convolution.
        #expect(imported.nodes.filter { if case .pad = $0.op { true } else { false } }.count == 2)
        for graph in [imported, GraphOptimizer.optimize(imported)] {
            let executor = Executor(graph: graph, threads: 2)
            let y = try executor.run(["x": try Self.pb("same_padding_input.pb")])["y"]!
            let expected = try Self.pb("same_padding_output.pb")
            #expect(y.shape == [3, 5])
            #expect(relativeL2(y.floats, expected.floats) <= 1e-4)
            #expect(ONNXTestSupport.mismatch(y.floats, expected.floats) == nil)
            #expect(executor.specializationCount == 0, "batch 3 runs on the per-batch plan")
        }
    }

    /// A network ending in a mean over H and W runs at another input size: the model is
    /// imported again for 21x21 (one specialized plan), and the declared size still uses the
    /// ordinary plan.
    @Test func anyInputSize() throws {
        let graph = GraphOptimizer.optimize(try ONNXImporter.importGraph(from: ONNXTestSupport.fixture("same_padding_op13.onnx")))
        let executor = Executor(graph: graph, threads: 2)
        let y = try executor.run(["x": try Self.pb("same_padding_input21.pb")])["y"]!
        let expected = try Self.pb("same_padding_output21.pb")
        #expect(y.shape == [1, 5])
        #expect(relativeL2(y.floats, expected.floats) <= 1e-4)
        #expect(executor.specializationCount == 1)
        _ = try executor.run(["x": try Self.pb("same_padding_input21.pb")])
        _ = try executor.run(["x": try Self.pb("same_padding_input.pb")])
        #expect(executor.specializationCount == 1, "the 21x21 graph is cached; 17x17 needs none")
    }

    /// The cache of specialized graphs is bounded: twelve input sizes leave at most eight.
    @Test func specializationCacheIsBounded() throws {
        let executor = Executor(graph: try ONNXImporter.importGraph(from: ONNXTestSupport.fixture("same_padding_op13.onnx")), threads: 1)
        for size in 18..<30 {
            let y = try executor.run(["x": Tensor(zeros: [1, 3, size, size])])["y"]!
            #expect(y.shape == [1, 5])
        }
        #expect(executor.specializationCount == Executor.specializationCapacity)
    }

    /// A graph that cannot be rebuilt for the fed shape says both what was expected and why
    /// it cannot run (VGG's classifier wants the 64x64 input's feature count).
    @Test func wrongSizeNamesInputAndReason() throws {
        let graph = try ONNXImporter.importGraph(from: ONNXTestSupport.fixture("tv_vgg16_op13.onnx"))
        #expect {
            try Executor(graph: graph, threads: 1).run(["input": Tensor(zeros: [1, 3, 40, 40])])
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("input 'input': expected shape [1,3,64,64] (any batch size), found [1,3,40,40], and the model cannot be rebuilt for these inputs: tv_vgg16_op13.onnx: ")
        }
    }

    /// A fixed-shape second input keeps its shape (issue 17: "[5]" was taken as batched).
    @Test func fixedShapeSecondInput() throws {
        let graph = try ONNXImporter.importGraph(from: Self.nodeTest("test_add_bcast"))
        let x = Tensor(shape: [3, 4, 5], floats: (0..<60).map(Float.init))
        let y = Tensor(shape: [5], floats: [1, 2, 3, 4, 5])
        let sum = try Executor(graph: graph, threads: 1).run(["x": x, "y": y])["sum"]!
        #expect(sum.shape == [3, 4, 5])
        let expected: [Float] = (0..<60).map { (i: Int) -> Float in Float(i + i % 5 + 1) }
        #expect(sum.floats == expected)
    }

    /// A Reshape's target shape fed at run time: one plan per distinct value, each right.
    @Test func reshapeTargetFedAtRunTime() throws {
        let graph = try ONNXImporter.importGraph(from: Self.nodeTest("test_reshape_reordered_all_dims"))
        #expect(graph.needsSpecialization, "the model cannot be planned before its shape input is known")
        let executor = Executor(graph: graph, threads: 1)
        let data = Tensor(shape: [2, 3, 4], floats: (0..<24).map(Float.init))
        for target: [Int64] in [[4, 2, 3], [6, 4, 1], [4, 2, 3]] {
            let y = try executor.run(["data": data, "shape": Tensor(shape: [3], int64s: target)])["reshaped"]!
            #expect(y.shape.dims == target.map { Int($0) })
            #expect(y.floats == data.floats)
        }
        #expect(executor.specializationCount == 2)
    }

    /// Clip bounds fed at run time (float inputs an op needs as values) are found by importing.
    @Test func clipBoundsFedAtRunTime() throws {
        let graph = try ONNXImporter.importGraph(from: Self.nodeTest("test_clip"))
        let executor = Executor(graph: graph, threads: 1)
        let x = Tensor(shape: [3, 4, 5], floats: (0..<60).map { Float($0) / 10 - 3 })
        for (lo, hi) in [(Float(-1), Float(1)), (0, 2)] {
            let y = try executor.run(["x": x, "min": Tensor(shape: [], floats: [lo]), "max": Tensor(shape: [], floats: [hi])])["y"]!
            #expect(y.floats == x.floats.map { min(max($0, lo), hi) })
        }
        #expect(executor.specializationCount == 2)
    }

    /// Eight tasks running four input sizes on one executor at once get what serial runs get.
    @Test func concurrentSpecializations() async throws {
        let executor = Executor(graph: try ONNXImporter.importGraph(from: ONNXTestSupport.fixture("same_padding_op13.onnx")), threads: 1)
        let sizes = [17, 19, 21, 25, 17, 19, 21, 25]
        func input(_ size: Int) -> Tensor {
            Tensor(shape: [1, 3, size, size], floats: (0..<(3 * size * size)).map { Float($0 % 13) / 13 - 0.5 })
        }
        let serial = try sizes.map { try Executor(graph: executor.graph, threads: 1).run(["x": input($0)])["y"]!.floats }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, size) in sizes.enumerated() {
                group.addTask { (i, try executor.run(["x": input(size)])["y"]!.floats) }
            }
            var results = [[Float]](repeating: [], count: sizes.count)
            for try await (i, y) in group { results[i] = y }
            return results
        }
        #expect(concurrent == serial)
        #expect(executor.specializationCount == 3)
    }
}
