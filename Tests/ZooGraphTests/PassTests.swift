import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// Every pass must leave the outputs as they were (relative L2 <= 1e-6) and actually fire.
@Suite struct PassTests {
    /// Runs `graph` as built and optimised; returns the optimised graph.
    @discardableResult
    func checkPreserved(_ graph: Graph, input: Tensor, _ comment: String) throws -> Graph {
        let optimized = GraphOptimizer.optimize(graph)
        let before = try runGraph(graph, input).floats
        let after = try runGraph(optimized, input).floats
        let error = relativeL2(after, before)
        #expect(error <= 1e-6, "\(comment): relative L2 \(error)")
        return optimized
    }

    func ops(_ g: Graph) -> [String] { g.nodes.map(\.op.name) }

    @Test func batchNormFoldsIntoConvAndReluFuses() throws {
        var f = TensorFactory(seed: 1)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [2, 9, 7, 3])
        var h = try b.conv2d(x, weights: f.uniform([3, 3, 3, 8]), bias: f.uniform([8]),
                             params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)), name: "conv")
        let bn = f.batchNormParams(8)
        h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1.001e-5, name: "bn")
        h = try b.add(.activation(.relu), inputs: [h], name: "relu")
        b.output(h)
        let g = try checkPreserved(b.build(), input: f.uniform([2, 9, 7, 3]), "conv-bn-relu")
        #expect(ops(g) == ["Conv2D"])
        guard case .conv2d(let p) = g.nodes[0].op else { Issue.record("no conv"); return }
        #expect(p.activation == .relu)
    }

    @Test func batchNormFoldsIntoDepthwiseAndDense() throws {
        var f = TensorFactory(seed: 2)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 6, 6, 4])
        var h = try b.conv2d(x, weights: f.uniform([3, 3, 1, 4]), bias: nil,
                             params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), groups: 4), name: "dw")
        var bn = f.batchNormParams(4)
        h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-3, name: "dw_bn")
        h = try b.add(.activation(.relu6), inputs: [h], name: "dw_relu")
        h = try b.add(.flatten(axis: 1), inputs: [h], name: "flat")
        h = try b.dense(h, weights: f.uniform([16, 5]), bias: f.uniform([5]), name: "fc")
        bn = f.batchNormParams(5)
        h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-3, name: "fc_bn")
        b.output(h)
        let g = try checkPreserved(b.build(), input: f.uniform([1, 6, 6, 4]), "dw-bn-relu6-dense-bn")
        #expect(ops(g) == ["DepthwiseConv2D", "Flatten", "Dense"])
    }

    @Test func residualAddFusesIntoConvEpilogue() throws {
        var f = TensorFactory(seed: 3)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [2, 5, 5, 4])
        let shortcut = try b.add(.activation(.relu), inputs: [x], name: "pre")
        var h = try b.conv2d(shortcut, weights: f.uniform([1, 1, 4, 4]), bias: f.uniform([4]), params: Conv2DParams(kernel: .one), name: "conv")
        let bn = f.batchNormParams(4)
        h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-5, name: "bn")
        h = try b.add(.binary(.add), inputs: [shortcut, h], name: "add")
        h = try b.add(.activation(.relu), inputs: [h], name: "out")
        b.output(h)
        let g = try checkPreserved(b.build(), input: f.uniform([2, 5, 5, 4]), "conv-bn + shortcut, relu")
        #expect(ops(g) == ["Activation(relu)", "Conv2D"])
        #expect(g.nodes[1].inputs.count == 4, "the shortcut became the conv's residual input")
    }

    @Test func residualComputedAfterTheConvMovesTheConv() throws {
        // The projection conv comes first in node order, the shortcut's producer later.
        var f = TensorFactory(seed: 4)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 4, 4, 3])
        let main = try b.conv2d(x, weights: f.uniform([1, 1, 3, 6]), bias: nil, params: Conv2DParams(kernel: .one), name: "main")
        let side = try b.conv2d(x, weights: f.uniform([3, 3, 3, 6]), bias: nil,
                                params: Conv2DParams(kernel: Size2D(3, 3), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                                                     activation: .relu), name: "side")
        let sum = try b.add(.binary(.add), inputs: [main, side], name: "add")
        b.output(sum)
        let g = try checkPreserved(b.build(), input: f.uniform([1, 4, 4, 3]), "late shortcut")
        #expect(g.nodes.map(\.name) == ["side", "main"])
    }

    /// MobileNetV2's linear bottleneck: a batch norm whose output feeds the next conv directly.
    /// Each fold must see the rewiring the previous one made (it once re-applied a folded BN).
    @Test func consecutiveConvBatchNormPairsFoldOnce() throws {
        var f = TensorFactory(seed: 9)
        var b = GraphBuilder(name: "t")
        var h = try b.input("x", shape: [1, 5, 5, 4])
        for i in 0..<3 {
            h = try b.conv2d(h, weights: f.uniform([1, 1, 4, 4]), bias: nil, params: Conv2DParams(kernel: .one), name: "conv\(i)")
            let bn = f.batchNormParams(4)
            h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-3, name: "bn\(i)")
        }
        b.output(h)
        let g = try checkPreserved(b.build(), input: f.uniform([1, 5, 5, 4]), "conv-bn-conv-bn-conv-bn")
        #expect(ops(g) == ["Conv2D", "Conv2D", "Conv2D"])
    }

    /// Two residual blocks in a row: the second add's shortcut is the first add's (fused) output.
    @Test func consecutiveResidualAddsBothFuse() throws {
        var f = TensorFactory(seed: 10)
        var b = GraphBuilder(name: "t")
        var h = try b.input("x", shape: [2, 4, 4, 3])
        for i in 0..<3 {
            let r = try b.conv2d(h, weights: f.uniform([1, 1, 3, 3]), bias: f.uniform([3]), params: Conv2DParams(kernel: .one), name: "conv\(i)")
            h = try b.add(.binary(.add), inputs: [r, h], name: "add\(i)")
        }
        b.output(h)
        let g = try checkPreserved(b.build(), input: f.uniform([2, 4, 4, 3]), "three residual adds in a row")
        #expect(ops(g) == ["Conv2D", "Conv2D", "Conv2D"])
        #expect(g.nodes.allSatisfy { $0.inputs.count == 4 })
    }

    @Test func zeroPadFoldsIntoConvAndAveragePool() throws {
        var f = TensorFactory(seed: 5)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 7, 8, 2])
        let padded = try b.add(.pad(before: [0, 1, 0, 0], after: [0, 2, 1, 0], value: 0), inputs: [x], name: "pad")
        let conv = try b.conv2d(padded, weights: f.uniform([3, 3, 2, 3]), bias: nil,
                                params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2)), name: "conv")
        let pad2 = try b.add(.pad(before: [0, 1, 1, 0], after: [0, 1, 1, 0], value: 0), inputs: [conv], name: "pad2")
        let pool = try b.add(.pool2d(Pool2DParams(kind: .average, kernel: Size2D(3, 3), strides: Size2D(1, 1))), inputs: [pad2], name: "pool")
        b.output(pool)
        let g = try checkPreserved(b.build(), input: f.uniform([1, 7, 8, 2]), "pad-conv, pad-avgpool")
        #expect(ops(g) == ["Conv2D", "AvgPool2D"])
    }

    @Test func zeroPadStaysBeforeMaxPoolButMinusInfinityFolds() throws {
        var f = TensorFactory(seed: 6)
        for (value, expected) in [(Float(0), ["Pad", "MaxPool2D"]), (-.infinity, ["MaxPool2D"])] {
            var b = GraphBuilder(name: "t")
            let x = try b.input("x", shape: [1, 6, 6, 2])
            let padded = try b.add(.pad(before: [0, 1, 1, 0], after: [0, 1, 1, 0], value: value), inputs: [x], name: "pad")
            let pool = try b.add(.pool2d(Pool2DParams(kind: .max, kernel: Size2D(3, 3), strides: Size2D(2, 2))), inputs: [padded], name: "pool")
            b.output(pool)
            // All-negative inputs: a zero pad changes the max, so folding it would be wrong.
            let g = try checkPreserved(b.build(), input: f.uniform([1, 6, 6, 2], -2...(-0.1)), "pad \(value) + maxpool")
            #expect(ops(g) == expected)
        }
    }

    @Test func identitiesAndDeadNodesDisappear() throws {
        var f = TensorFactory(seed: 7)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 3])
        let drop = try b.add(.identity, inputs: [x], name: "dropout")
        _ = try b.dense(drop, weights: f.uniform([3, 9]), bias: nil, name: "unused_head")
        let y = try b.dense(drop, weights: f.uniform([3, 2]), bias: nil, activation: .sigmoid, name: "head")
        b.output(y)
        let g = try checkPreserved(b.build(), input: f.uniform([1, 3]), "identity + dead branch")
        #expect(ops(g) == ["Dense"])
        #expect(g.values.count == 4, "input, kernel, bias, output: the dead head's weights are gone")
    }

    @Test func unfoldableBatchNormStillComputesCorrectly() throws {
        var f = TensorFactory(seed: 8)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x", shape: [1, 2, 2, 3])
        let bn = f.batchNormParams(3)
        let y = try b.batchNorm(x, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-3, name: "bn")
        b.output(y)
        let g = b.build()
        let input = f.uniform([1, 2, 2, 3])
        let out = try runGraph(GraphOptimizer.optimize(g), input).floats
        let (xs, s, sh, m, v) = (input.floats, bn.scale.floats, bn.bias.floats, bn.mean.floats, bn.variance.floats)
        let expected = xs.indices.map { i -> Double in
            let c = i % 3
            return (Double(xs[i]) - Double(m[c])) / (Double(v[c]) + 1e-3).squareRoot() * Double(s[c]) + Double(sh[c])
        }
        #expect(relativeL2(out, expected) <= 1e-6)
    }
}
