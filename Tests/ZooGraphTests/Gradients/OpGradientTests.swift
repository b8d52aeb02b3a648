import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// Each op's vector-Jacobian product against float64 central differences, on odd shapes
/// (the kernel tests' manner): inputs, weights and biases where the op has them.
@Suite struct OpGradientTests {
    /// A graph of one node over graph inputs `x0, x1, ...` (and named constants).
    func single(_ op: Op, inputs shapes: [Shape], constants: [(String, Tensor)] = [], seed: UInt64 = 1,
                range: ClosedRange<Float> = -1...1) throws -> GradientCheck {
        var f = TensorFactory(seed: seed)
        var b = GraphBuilder(name: "t")
        var ids: [ValueID] = []
        var given: [String: Tensor] = [:]
        for (i, s) in shapes.enumerated() {
            ids.append(try b.input("x\(i)", shape: s))
            given["x\(i)"] = f.uniform(s, range)
        }
        for (name, t) in constants { ids.append(try b.constant(name, t)) }
        b.output(try b.add(op, inputs: ids, name: "op"))
        return GradientCheck(graph: b.build(), inputs: given, targets: given.keys.sorted() + constants.map(\.0))
    }

    @Test func groupedStridedDilatedPaddedConvolution() throws {
        var f = TensorFactory(seed: 2)
        let p = Conv2DParams(kernel: Size2D(3, 2), strides: Size2D(2, 1), dilations: Size2D(1, 2),
                             padding: Padding2D(top: 1, left: 0, bottom: 2, right: 1), groups: 2)
        try single(.conv2d(p), inputs: [[2, 7, 5, 6]], constants: [("w", f.uniform([3, 2, 3, 4])), ("b", f.uniform([4]))])
            .run("conv 3x2 groups 2 stride 2x1 dilation 1x2 pads [1,0,2,1]")
    }

    @Test func depthwiseConvolution() throws {
        var f = TensorFactory(seed: 3)
        let p = Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 0, left: 1, bottom: 1, right: 1), groups: 5)
        try single(.conv2d(p), inputs: [[1, 7, 6, 5]], constants: [("w", f.uniform([3, 3, 1, 5])), ("b", f.uniform([5]))])
            .run("depthwise 3x3 stride 2 over 5 channels")
    }

    @Test func convolutionWithFusedActivationAndResidual() throws {
        var f = TensorFactory(seed: 4)
        let p = Conv2DParams(kernel: Size2D(1, 3), padding: Padding2D(top: 0, left: 1, bottom: 0, right: 1), activation: .hardSwish)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x0", shape: [2, 3, 5, 3]), r = try b.input("x1", shape: [2, 3, 5, 4])
        let w = try b.constant("w", f.uniform([1, 3, 3, 4], -2...2)), bias = try b.constant("b", f.uniform([4]))
        b.output(try b.add(.conv2d(p), inputs: [x, w, bias, r], name: "op"))
        let check = GradientCheck(graph: b.build(), inputs: ["x0": f.uniform([2, 3, 5, 3]), "x1": f.uniform([2, 3, 5, 4])],
                                  targets: ["x0", "x1", "w", "b"])
        try check.run("conv 1x3 + residual, hard-swish fused")
    }

    @Test func denseWithFusedActivationAndResidual() throws {
        var f = TensorFactory(seed: 5)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x0", shape: [3, 5]), r = try b.input("x1", shape: [3, 7])
        let w = try b.constant("w", f.uniform([5, 7])), bias = try b.constant("b", f.uniform([7]))
        b.output(try b.add(.dense(DenseParams(activation: .sigmoid)), inputs: [x, w, bias, r], name: "op"))
        try GradientCheck(graph: b.build(), inputs: ["x0": f.uniform([3, 5]), "x1": f.uniform([3, 7])],
                          targets: ["x0", "x1", "w", "b"]).run("dense 5->7 + residual, sigmoid fused")
    }

    @Test(arguments: [Activation.none, .relu, .relu6, .clip(min: -0.5, max: 1.5), .leakyRelu(alpha: 0.1), .sigmoid,
                      .hardSigmoid(alpha: 0.2, beta: 0.5), .hardSwish,
                      .kerasReLU(maxValue: 6, negativeSlope: 0.1, threshold: -0.5),
                      .kerasReLU(maxValue: nil, negativeSlope: 0, threshold: 0.25)])
    func activation(_ a: Activation) throws {
        try single(.activation(a), inputs: [[2, 3, 5, 3]], range: -5...8).run("\(a)")
    }

    @Test func activationFusedIntoConvolutionWithFoldedBatchNorm() throws {
        var f = TensorFactory(seed: 6)
        var b = GraphBuilder(name: "t")
        let x = try b.input("x0", shape: [1, 6, 5, 3])
        var h = try b.conv2d(x, weights: f.uniform([3, 3, 3, 4]), bias: nil,
                             params: Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)), name: "conv")
        let bn = f.batchNormParams(4)
        h = try b.batchNorm(h, scale: bn.scale, bias: bn.bias, mean: bn.mean, variance: bn.variance, epsilon: 1e-3, name: "bn")
        h = try b.add(.activation(.relu6), inputs: [h], name: "relu6")
        b.output(h)
        let graph = b.build()
        let optimized = GraphOptimizer.optimize(graph)
        #expect(optimized.nodes.map(\.op.name) == ["Conv2D"], "batch norm folded, relu6 fused")
        // Gradients of the folded graph against differences of the unfolded one.
        let given = ["x0": f.uniform([1, 6, 5, 3], -2...2)]
        let folded = try GraphGradients(graph: optimized, threads: 1)
        let tape = try folded.forward(given)
        let seed = SeededRandom(seed: 9).floatsCopy(tape.shapes[try folded.valueID("conv")].elementCount)
        let got = try folded.backward(tape, output: "conv", seed: seed, targets: ["x0"])["x0"]!.floats
        var unfolded = GradientCheck(graph: graph, inputs: given, targets: ["x0"])
        unfolded.tolerance = 1e-4
        try unfolded.run("conv + BN + relu6 unfolded")
        let plain = try GraphGradients(graph: graph, threads: 1)
        let plainTape = try plain.forward(given)
        let reference = try plain.backward(plainTape, output: "relu6", seed: seed, targets: ["x0"])["x0"]!.floats
        #expect(relativeL2(got, reference) <= 1e-5, "folded vs unfolded gradient")
    }

    @Test(arguments: [
        Pool2DParams(kind: .max, kernel: Size2D(3, 2), strides: Size2D(2, 1), padding: Padding2D(top: 1, left: 0, bottom: 1, right: 1)),
        Pool2DParams(kind: .average, kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1)),
        Pool2DParams(kind: .average, kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                     countIncludePad: true),
        Pool2DParams(kind: .max, kernel: Size2D(2, 2), strides: Size2D(2, 2), ceilMode: true),
        Pool2DParams(kind: .average, kernel: Size2D(2, 3), strides: Size2D(1, 2), dilations: Size2D(2, 1), ceilMode: true),
    ])
    func pooling(_ p: Pool2DParams) throws {
        try single(.pool2d(p), inputs: [[2, 7, 6, 3]], seed: 11).run("\(p)")
    }

    @Test(arguments: [(PoolKind.average, false), (.max, true)])
    func globalPooling(_ kind: PoolKind, keepDims: Bool) throws {
        try single(.globalPool(kind, keepDims: keepDims), inputs: [[2, 5, 3, 4]]).run("global \(kind)")
    }

    @Test(arguments: [BinaryOp.add, .sub, .mul, .div])
    func broadcastingArithmetic(_ op: BinaryOp) throws {
        // The second operand is a constant: graph inputs share the batch dimension.
        var f = TensorFactory(seed: 12)
        var check = try single(.binary(op), inputs: [[2, 3, 4]], constants: [("b", f.uniform([3, 1], 0.5...1.5))], range: 0.5...1.5)
        check.tolerance = 2e-4
        try check.run("\(op) [2,3,4] with [3,1]")
    }

    @Test func concatPadReshapeFlattenTranspose() throws {
        try single(.concat(axis: 3), inputs: [[1, 2, 3, 2], [1, 2, 3, 5], [1, 2, 3, 1]]).run("concat channels")
        try single(.concat(axis: 1), inputs: [[2, 1, 3], [2, 4, 3]]).run("concat axis 1")
        try single(.pad(before: [0, 1, 2, 0], after: [0, 2, 0, 1], value: 0.5), inputs: [[2, 3, 4, 2]]).run("pad")
        try single(.reshape([0, -1, 6]), inputs: [[2, 3, 4]]).run("reshape")
        try single(.flatten(axis: 1), inputs: [[2, 3, 2, 5]]).run("flatten")
        try single(.transpose([0, 3, 1, 2]), inputs: [[2, 3, 4, 5]]).run("transpose NHWC->NCHW")
        try single(.identity, inputs: [[3, 4]]).run("identity")
    }

    @Test func softmaxAndUnfoldedBatchNorm() throws {
        try single(.softmax(axis: 1), inputs: [[2, 5, 3]], range: -3...3).run("softmax axis 1")
        var f = TensorFactory(seed: 8)
        let bn = f.batchNormParams(4)
        try single(.batchNorm(epsilon: 1e-3), inputs: [[2, 3, 3, 4]],
                   constants: [("g", bn.scale), ("beta", bn.bias), ("m", bn.mean), ("v", bn.variance)]).withTargets(["x0"])
            .run("batch norm")
    }
}

extension GradientCheck {
    func withTargets(_ names: [String]) -> GradientCheck {
        var copy = self
        copy.targets = names
        return copy
    }
}

extension SeededRandom {
    func floatsCopy(_ count: Int) -> [Float] {
        var copy = self
        return copy.floats(count)
    }
}
