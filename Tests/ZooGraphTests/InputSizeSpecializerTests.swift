import Foundation
import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// `Graph.acceptingAnyInputSize`: a network ending in global pooling runs at any height and
/// width, its `same` pads recomputed for each (TensorFlow puts the odd pixel after).
@Suite struct InputSizeSpecializerTests {
    /// Same weights for every size the tiny network is built at.
    struct Weights {
        var stem, conv, bn, fc: [Tensor]
        init(seed: UInt64) {
            var f = TensorFactory(seed: seed)
            stem = [f.uniform([3, 3, 3, 8], -0.5...0.5), f.uniform([8])]
            conv = [f.uniform([3, 3, 8, 8], -0.4...0.4), f.uniform([8])]
            let p = f.batchNormParams(8)
            bn = [p.scale, p.bias, p.mean, p.variance]
            fc = [f.uniform([8, 5]), f.uniform([5])]
        }
    }

    /// Keras-style: a stride-2 `same` conv, a fixed ZeroPadding2D + valid stride-2 pool, a
    /// stride-1 `same` conv, BN, then global pooling and Dense (or Flatten and Dense: `flatten`).
    /// Built at `h` x `w`, with each `same` pad resolved for that size.
    static func network(h: Int, w: Int, _ weights: Weights, flatten: Bool = false) throws -> Graph {
        func same(_ k: Int, _ s: Int, _ shape: Shape) -> Padding2D {
            PaddingRule.same.padding(inH: shape[1], inW: shape[2], kernel: Size2D(k, k), strides: Size2D(s, s), dilations: .one)
        }
        var b = GraphBuilder(name: "net")
        var x = try b.input("x", shape: [1, h, w, 3])
        x = try b.conv2d(x, weights: weights.stem[0], bias: weights.stem[1],
                         params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: same(3, 2, b.shape(of: x)),
                                              paddingRule: .same, activation: .relu6), name: "stem")
        x = try b.add(.pad(before: [0, 0, 0, 0], after: [0, 1, 1, 0], value: -.infinity), inputs: [x], name: "pool_pad")
        x = try b.add(.pool2d(Pool2DParams(kind: .max, kernel: Size2D(2, 2), strides: Size2D(2, 2))), inputs: [x], name: "pool")
        x = try b.conv2d(x, weights: weights.conv[0], bias: weights.conv[1],
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: same(3, 1, b.shape(of: x)), paddingRule: .same), name: "conv")
        x = try b.batchNorm(x, scale: weights.bn[0], bias: weights.bn[1], mean: weights.bn[2], variance: weights.bn[3],
                            epsilon: 1e-3, name: "bn")
        if flatten {
            x = try b.add(.flatten(axis: 1), inputs: [x], name: "flatten")
            let n = b.shape(of: x)[1]
            b.output(try b.dense(x, weights: Tensor(zeros: [n, 5]), bias: nil, name: "fc"))
        } else {
            x = try b.add(.globalPool(.average, keepDims: false), inputs: [x], name: "gap")
            b.output(try b.dense(x, weights: weights.fc[0], bias: weights.fc[1], name: "fc"))
        }
        return b.build()
    }

    static func input(batch: Int = 1, _ h: Int, _ w: Int, seed: UInt64 = 7) -> Tensor {
        var f = TensorFactory(seed: seed)
        return f.uniform([batch, h, w, 3])
    }

    @Test(arguments: [(16, 16), (97, 131), (8, 9), (2, 2)])
    func otherSizeEqualsTheNetworkBuiltAtThatSize(_ h: Int, _ w: Int) throws {
        let weights = Weights(seed: 1)
        let graph = GraphOptimizer.optimize(try Self.network(h: 16, w: 16, weights)).acceptingAnyInputSize(model: "net")
        let reference = GraphOptimizer.optimize(try Self.network(h: h, w: w, weights))
        let x = Self.input(batch: 2, h, w)
        let out = try runGraph(graph, x)
        #expect(out.shape == [2, 5])
        #expect(out.floats == (try runGraph(reference, x)).floats)
    }

    @Test func onePlanPerSizeSharedAcrossBatchesAndBounded() throws {
        let graph = try Self.network(h: 16, w: 16, Weights(seed: 2)).acceptingAnyInputSize(model: "net")
        let executor = Executor(graph: graph, threads: 1)
        _ = try executor.run(["x": Self.input(16, 16)])
        #expect(executor.specializationCount == 0)
        _ = try executor.run(["x": Self.input(97, 131)])
        #expect(executor.specializationCount == 1)
        _ = try executor.run(["x": Self.input(batch: 3, 97, 131)])
        #expect(executor.specializationCount == 1)
        _ = try executor.run(["x": Self.input(31, 20)])
        #expect(executor.specializationCount == 2)
        for size in 40..<(40 + Executor.specializationCapacity) { _ = try executor.run(["x": Self.input(size, size)]) }
        #expect(executor.specializationCount == Executor.specializationCapacity)
    }

    @Test func flattenIntoDenseKeepsTheDeclaredSize() throws {
        let graph = try Self.network(h: 16, w: 16, Weights(seed: 3), flatten: true).acceptingAnyInputSize(model: "net.zoo")
        #expect(try runGraph(graph, Self.input(16, 16)).shape == [1, 5])
        #expect(throws: InputSizeError.self) { try runGraph(graph, Self.input(17, 16)) }
        do {
            _ = try runGraph(graph, Self.input(17, 16))
        } catch {
            #expect("\(error)" == "net.zoo takes 16x16 inputs only: its Flatten ('flatten') feeds a Dense layer")
        }
    }

    @Test func tooSmallAnInputIsAClearError() throws {
        var b = GraphBuilder(name: "valid")
        let x = try b.input("x", shape: [1, 8, 8, 3])
        var f = TensorFactory(seed: 4)
        let c = try b.conv2d(x, weights: f.uniform([5, 5, 3, 4]), bias: nil, params: Conv2DParams(kernel: Size2D(5, 5)), name: "conv")
        b.output(try b.add(.globalPool(.max, keepDims: false), inputs: [c], name: "gap"))
        let graph = b.build().acceptingAnyInputSize(model: "valid.h5")
        #expect(try runGraph(graph, Self.input(5, 40)).shape == [1, 4])
        do {
            _ = try runGraph(graph, Self.input(4, 40))
            Issue.record("a 4x40 input ran")
        } catch {
            #expect("\(error)".hasPrefix("valid.h5: a 4x40 input is too small for this network: node 'conv' (Conv2D): "), "\(error)")
        }
        do {
            _ = try runGraph(graph, Tensor(zeros: [1, 0, 8, 3]))
            Issue.record("an empty input ran")
        } catch {
            #expect("\(error)" == "valid.h5: a 0x8 input is too small for this network: input 'x' is empty")
        }
    }

    @Test func otherChannelsOrRankAreRefusedAsBefore() throws {
        let graph = try Self.network(h: 16, w: 16, Weights(seed: 5)).acceptingAnyInputSize(model: "net")
        #expect(throws: InputSizeError.otherAxes(input: "x", expected: [1, 16, 16, 3], found: [1, 16, 16, 4])) {
            try runGraph(graph, Tensor(zeros: [1, 16, 16, 4]))
        }
        #expect(throws: InputSizeError.otherAxes(input: "x", expected: [1, 16, 16, 3], found: [16, 16, 3])) {
            try runGraph(graph, Tensor(zeros: [16, 16, 3]))
        }
    }

    @Test func extraOutputsAndTruncationFollowTheSize() throws {
        let graph = GraphOptimizer.optimize(try Self.network(h: 16, w: 16, Weights(seed: 6))).acceptingAnyInputSize(model: "net")
        let withMap = try graph.addingOutputs(["gap"])
        let out = try Executor(graph: withMap, threads: 1).run(["x": Self.input(45, 23)])
        #expect(out["gap"]?.shape == [1, 8])
        #expect(out["fc"]?.shape == [1, 5])
        let backbone = try graph.truncated(at: "gap", outputName: "features")
        let features = try Executor(graph: backbone, threads: 1).run(["x": Self.input(45, 23)])
        #expect(Set(features.keys) == ["features"])
        #expect(features["features"]?.floats == out["gap"]?.floats)
    }

    @Test func paddingRuleSurvivesGraphJSONAndOldJSONReadsAsExplicit() throws {
        let p = Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(bottom: 1, right: 1), paddingRule: .same)
        let data = try JSONEncoder.graphJSON.encode(Op.conv2d(p))
        #expect(try JSONDecoder.graphJSON.decode(Op.self, from: data) == .conv2d(p))
        var old = try #require(String(data: data, encoding: .utf8))
        old = old.replacingOccurrences(of: ",\"paddingRule\":\"same\"", with: "")
        #expect(!old.contains("paddingRule"))
        var explicit = p
        explicit.paddingRule = nil
        #expect(try JSONDecoder.graphJSON.decode(Op.self, from: Data(old.utf8)) == .conv2d(explicit))
    }
}
