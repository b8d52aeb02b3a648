import ZooGraph
import ZooKernels
import ZooTensor

extension KerasModel {
    /// Builds the inference graph, NHWC with a free batch dimension, taking each layer's
    /// weights from `weights[layerName]` in the order of `weightsSpec()` (Keras' stored order,
    /// Keras layouts: HWIO kernels, depthwise `[KH, KW, C, M]`, Dense `[in, out]`).
    ///
    /// Each layer's main node and output value carry the layer's name; helper nodes are named
    /// `<layer>/<step>`. Graph inputs and outputs are named after the input and output layers.
    public func graph(weights: [String: [Tensor]]) throws -> Graph {
        let shapes = try shapes()
        var builder = GraphBuilder(name: name)
        var values: [String: ValueID] = [:]
        for node in try kerasOrder() {
            let inputShapes = node.inputs.compactMap { shapes[$0] }
            let expected = try Self.weights(of: node, inputs: inputShapes)
            let given = weights[node.name] ?? []
            guard given.count == expected.count else {
                throw KerasModelError.weights(layer: node.name, detail: "expects \(expected.count) weights, got \(given.count)")
            }
            for (spec, tensor) in zip(expected, given) where spec.shape != tensor.shape {
                throw KerasModelError.weights(layer: node.name, detail: "\(spec.name): expected \(spec.shape), found \(tensor.shape)")
            }
            let lowering = LayerLowering(node: node, inputs: node.inputs.compactMap { values[$0] },
                                         inputShapes: inputShapes, weights: given)
            do {
                values[node.name] = try lowering.lower(into: &builder)
            } catch let error as GraphError {
                throw KerasModelError.shape(layer: node.name, detail: error.description)
            }
        }
        for output in outputs {
            guard let value = values[output] else { throw KerasModelError.unknownInput(layer: "outputs", input: output) }
            builder.output(value, name: output)
        }
        return builder.build()
    }
}

/// Turns one Keras layer into graph nodes.
private struct LayerLowering {
    let node: KerasModel.Node
    let inputs: [ValueID]
    /// Per-example input shapes (no batch).
    let inputShapes: [[Int]]
    let weights: [Tensor]

    var name: String { node.name }
    var x: ValueID { inputs[0] }

    func lower(into builder: inout GraphBuilder) throws -> ValueID {
        switch node.layer {
        case .input(let shape):
            return try builder.input(name, shape: Shape([1] + shape))
        case .conv2D(let c):
            let params = convParams(c, groups: c.groups)
            return try finish(&builder, c.activation, as: name) { b, n, act in
                var p = params
                p.activation = act
                return try b.conv2d(x, weights: weights[0], bias: c.useBias ? weights[1] : nil, params: p, name: n)
            }
        case .depthwiseConv2D(let c):
            let k = weights[0].shape
            let kernel = Layout.groupedHWIO(fromKerasDepthwise: weights[0])
            let params = convParams(c, groups: k[2])
            return try finish(&builder, c.activation, as: name) { b, n, act in
                var p = params
                p.activation = act
                return try b.conv2d(x, weights: kernel, bias: c.useBias ? weights[1] : nil, params: p, name: n)
            }
        case .separableConv2D(let c):
            let k = weights[0].shape
            let depthwise = try builder.conv2d(x, weights: Layout.groupedHWIO(fromKerasDepthwise: weights[0]), bias: nil,
                                               params: convParams(c, groups: k[2]), name: name + "/depthwise")
            return try finish(&builder, c.activation, as: name) { b, n, act in
                try b.conv2d(depthwise, weights: weights[1], bias: c.useBias ? weights[2] : nil,
                             params: Conv2DParams(kernel: .one, activation: act), name: n)
            }
        case let .dense(_, useBias, activation):
            return try finish(&builder, activation, as: name) { b, n, act in
                try b.dense(x, weights: weights[0], bias: useBias ? weights[1] : nil, activation: act, name: n)
            }
        case let .batchNormalization(epsilon, center, scale):
            let c = inputShapes[0].last ?? 0
            var rest = weights[...]
            let gamma = scale ? rest.removeFirst() : Tensor(shape: [c], floats: [Float](repeating: 1, count: c))
            let beta = center ? rest.removeFirst() : Tensor(zeros: [c])
            return try builder.batchNorm(x, scale: gamma, bias: beta, mean: rest.removeFirst(), variance: rest.removeFirst(),
                                         epsilon: epsilon, name: name)
        case .activation(let activation):
            if activation == .linear { return try builder.add(.identity, inputs: [x], name: name) }
            return try finish(&builder, activation, as: name) { b, n, act in try b.add(.activation(act), inputs: [x], name: n) }
        case let .relu(maxValue, negativeSlope, threshold):
            return try builder.add(.activation(reluActivation(maxValue, negativeSlope, threshold)), inputs: [x], name: name)
        case .leakyReLU(let slope):
            return try builder.add(.activation(.leakyRelu(alpha: slope)), inputs: [x], name: name)
        case .softmax(let axis):
            let a = try KerasModel.normalizedAxis(axis, rank: inputShapes[0].count, layer: name) + 1
            return try builder.add(.softmax(axis: a), inputs: [x], name: name)
        case let .pooling2D(kind, pool, strides, padding):
            let s = inputShapes[0]
            let h = padding.resolve(input: s[0], kernel: pool.h, stride: strides.h, dilation: 1)
            let w = padding.resolve(input: s[1], kernel: pool.w, stride: strides.w, dilation: 1)
            // Keras (TensorFlow) averages only over the pixels inside the input.
            let params = Pool2DParams(kind: kind, kernel: pool, strides: strides,
                                      padding: Padding2D(top: h.before, left: w.before, bottom: h.after, right: w.after),
                                      paddingRule: padding.rule, countIncludePad: false)
            return try builder.add(.pool2d(params), inputs: [x], name: name)
        case let .globalPooling2D(kind, keepDims):
            return try builder.add(.globalPool(kind, keepDims: keepDims), inputs: [x], name: name)
        case .zeroPadding2D(let p):
            return try builder.add(.pad(before: [0, p.top, p.left, 0], after: [0, p.bottom, p.right, 0], value: 0),
                                   inputs: [x], name: name)
        case .add, .multiply:
            let op: BinaryOp = node.layer == .add ? .add : .mul
            var result = inputs[0]
            for (i, operand) in inputs.enumerated().dropFirst() {
                let stepName = i == inputs.count - 1 ? name : "\(name)/\(i)"
                result = try builder.add(.binary(op), inputs: [result, operand], name: stepName)
            }
            return result
        case .concatenate(let axis):
            let a = try KerasModel.normalizedAxis(axis, rank: inputShapes[0].count, layer: name) + 1
            return try builder.add(.concat(axis: a), inputs: inputs, name: name)
        case .flatten:
            return try builder.add(.flatten(axis: 1), inputs: [x], name: name)
        case .reshape(let target):
            return try builder.add(.reshape([0] + target), inputs: [x], name: name)
        case .dropout:
            return try builder.add(.identity, inputs: [x], name: name)
        case let .rescaling(scale, offset):
            let scaleValue = try builder.constant(name + "/scale", Tensor(shape: [scale.count], floats: scale))
            let scaled = try builder.add(.binary(.mul), inputs: [x, scaleValue], name: name + "/mul")
            let offsetValue = try builder.constant(name + "/offset", Tensor(shape: [offset.count], floats: offset))
            return try builder.add(.binary(.add), inputs: [scaled, offsetValue], name: name)
        }
    }

    /// Conv2D params with Keras padding resolved against the input size (and, for `same`, the
    /// rule kept so the graph can be rebuilt for other sizes).
    private func convParams(_ c: KerasConvolution, groups: Int) -> Conv2DParams {
        let s = inputShapes[0]
        let h = c.padding.resolve(input: s[0], kernel: c.kernel.h, stride: c.strides.h, dilation: c.dilations.h)
        let w = c.padding.resolve(input: s[1], kernel: c.kernel.w, stride: c.strides.w, dilation: c.dilations.w)
        return Conv2DParams(kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                            padding: Padding2D(top: h.before, left: w.before, bottom: h.after, right: w.after),
                            paddingRule: c.padding.rule, groups: groups)
    }

    /// Emits the layer with its activation fused where the graph can fuse it; softmax gets a
    /// node of its own, named after the layer, and the layer's own node becomes `<layer>/linear`.
    private func finish(_ builder: inout GraphBuilder, _ activation: KerasActivation, as name: String,
                                 _ emit: (inout GraphBuilder, String, Activation) throws -> ValueID) throws -> ValueID {
        if activation == .softmax {
            let linear = try emit(&builder, name + "/linear", .none)
            let rank = builder.shape(of: linear).rank
            return try builder.add(.softmax(axis: rank - 1), inputs: [linear], name: name)
        }
        return try emit(&builder, name, Self.activation(activation))
    }

    static func activation(_ activation: KerasActivation) -> Activation {
        switch activation {
        case .linear, .softmax: .none
        case .relu: .relu
        case .relu6: .relu6
        case .sigmoid: .sigmoid
        case let .hardSigmoid(alpha, beta): .hardSigmoid(alpha: alpha, beta: beta)
        case .hardSwish: .hardSwish
        }
    }

    /// Keras `ReLU(max_value, negative_slope, threshold)` as one of the graph's activations.
    private func reluActivation(_ maxValue: Float?, _ slope: Float, _ threshold: Float) -> Activation {
        switch (maxValue, slope, threshold) {
        case (nil, 0, 0): return .relu
        case (6?, 0, 0): return .relu6
        case let (m?, 0, 0): return .clip(min: 0, max: m)
        case let (nil, a, 0): return .leakyRelu(alpha: a)
        default: return .kerasReLU(maxValue: maxValue, negativeSlope: slope, threshold: threshold)
        }
    }
}
