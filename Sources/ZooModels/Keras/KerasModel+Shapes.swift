import ZooKernels
import ZooTensor

extension KerasPadding {
    /// The graph's rule for this padding: `same` follows the input size, `valid` pads nothing.
    var rule: PaddingRule? { self == .same ? .same : nil }

    /// Output extent and explicit (before, after) padding along one axis, Keras/TensorFlow style:
    /// `same` gives `ceil(input / stride)` and puts the odd pixel after.
    func resolve(input: Int, kernel: Int, stride: Int, dilation: Int) -> (output: Int, before: Int, after: Int) {
        switch self {
        case .valid:
            let span = (kernel - 1) * dilation + 1
            return (input >= span ? (input - span) / stride + 1 : 0, 0, 0)
        case .same:
            return SamePadding.resolve(input: input, kernel: kernel, stride: stride, dilation: dilation)
        }
    }
}

extension KerasModel {
    /// Largest per-example activation or weight this importer accepts, in elements, so that a
    /// hostile config cannot make shape arithmetic overflow.
    static let maxElements = 1 << 34

    /// Every node's per-example output shape (batch left out), keyed by layer name.
    public func shapes() throws(KerasModelError) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for node in try topologicalOrder() {
            var inputs: [[Int]] = []
            for name in node.inputs {
                guard let shape = shapes[name] else { throw .unknownInput(layer: node.name, input: name) }
                inputs.append(shape)
            }
            shapes[node.name] = try Self.outputShape(node, inputs: inputs)
        }
        return shapes
    }

    /// The weights every layer expects, in Keras order (layers without weights left out).
    public func weightsSpec() throws(KerasModelError) -> WeightsSpec {
        let shapes = try shapes()
        var layers: [WeightsSpec.Layer] = []
        for node in try kerasOrder() {
            let inputs = node.inputs.compactMap { shapes[$0] }
            let weights = try Self.weights(of: node, inputs: inputs)
            if !weights.isEmpty { layers.append(WeightsSpec.Layer(name: node.name, weights: weights)) }
        }
        return WeightsSpec(layers: layers)
    }

    /// The weights of one layer in the order Keras stores them (trainable first).
    static func weights(of node: Node, inputs: [[Int]]) throws(KerasModelError) -> [WeightsSpec.Weight] {
        typealias W = WeightsSpec.Weight
        let channels = inputs.first?.last ?? 0
        switch node.layer {
        case .conv2D(let c):
            var result = [W(name: "kernel", shape: [c.kernel.h, c.kernel.w, channels / max(c.groups, 1), c.filters])]
            if c.useBias { result.append(W(name: "bias", shape: [c.filters])) }
            return result
        case .depthwiseConv2D(let c):
            // Keras 2 calls the kernel depthwise_kernel, Keras 3 kernel.
            var result = [W(name: "depthwise_kernel", shape: [c.kernel.h, c.kernel.w, channels, c.depthMultiplier], aliases: ["kernel"])]
            if c.useBias { result.append(W(name: "bias", shape: [channels * c.depthMultiplier])) }
            return result
        case .separableConv2D(let c):
            var result = [W(name: "depthwise_kernel", shape: [c.kernel.h, c.kernel.w, channels, c.depthMultiplier]),
                          W(name: "pointwise_kernel", shape: [1, 1, channels * c.depthMultiplier, c.filters])]
            if c.useBias { result.append(W(name: "bias", shape: [c.filters])) }
            return result
        case let .dense(units, useBias, _):
            var result = [W(name: "kernel", shape: [channels, units])]
            if useBias { result.append(W(name: "bias", shape: [units])) }
            return result
        case let .batchNormalization(_, center, scale):
            var result: [W] = []
            if scale { result.append(W(name: "gamma", shape: [channels])) }
            if center { result.append(W(name: "beta", shape: [channels])) }
            result.append(W(name: "moving_mean", shape: [channels]))
            result.append(W(name: "moving_variance", shape: [channels]))
            return result
        default:
            return []
        }
    }

    /// Keras' output shape rule for one layer, per example.
    static func outputShape(_ node: Node, inputs: [[Int]]) throws(KerasModelError) -> [Int] {
        func fail(_ detail: String) -> KerasModelError { .shape(layer: node.name, detail: detail) }
        func image() throws(KerasModelError) -> [Int] {
            guard let x = inputs.first, x.count == 3 else {
                throw fail("expects an image input [H, W, C], got \(inputs.first ?? [])")
            }
            return x
        }
        func spatial(_ x: [Int], kernel: Size2D, strides: Size2D, dilations: Size2D, padding: KerasPadding) throws(KerasModelError) -> (Int, Int) {
            guard kernel.h > 0, kernel.w > 0, strides.h > 0, strides.w > 0, dilations.h > 0, dilations.w > 0 else {
                throw fail("kernel, strides and dilations must be positive")
            }
            let h = padding.resolve(input: x[0], kernel: kernel.h, stride: strides.h, dilation: dilations.h).output
            let w = padding.resolve(input: x[1], kernel: kernel.w, stride: strides.w, dilation: dilations.w).output
            guard h > 0, w > 0 else { throw fail("window \(kernel) does not fit input \(x)") }
            return (h, w)
        }
        let out: [Int]
        switch node.layer {
        case .input(let shape):
            guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
                throw fail("input shape \(shape) must have positive dimensions")
            }
            out = shape
        case .conv2D(let c):
            let x = try image()
            guard c.filters > 0, c.groups >= 1, x[2] % c.groups == 0, c.filters % c.groups == 0 else {
                throw fail("\(c.filters) filters in \(c.groups) groups do not fit \(x[2]) input channels")
            }
            let (h, w) = try spatial(x, kernel: c.kernel, strides: c.strides, dilations: c.dilations, padding: c.padding)
            out = [h, w, c.filters]
        case .depthwiseConv2D(let c):
            let x = try image()
            guard c.depthMultiplier > 0 else { throw fail("depth multiplier must be positive") }
            let (h, w) = try spatial(x, kernel: c.kernel, strides: c.strides, dilations: c.dilations, padding: c.padding)
            out = [h, w, x[2] * c.depthMultiplier]
        case .separableConv2D(let c):
            let x = try image()
            guard c.depthMultiplier > 0, c.filters > 0 else { throw fail("filters and depth multiplier must be positive") }
            let (h, w) = try spatial(x, kernel: c.kernel, strides: c.strides, dilations: c.dilations, padding: c.padding)
            out = [h, w, c.filters]
        case let .dense(units, _, _):
            guard let x = inputs.first, !x.isEmpty, units > 0 else { throw fail("needs an input with a feature axis and units > 0") }
            out = x.dropLast() + [units]
        case .batchNormalization, .activation, .relu, .leakyReLU, .dropout:
            out = inputs[0]
        case .softmax(let axis):
            _ = try normalizedAxis(axis, rank: inputs[0].count, layer: node.name)
            out = inputs[0]
        case .rescaling(let scale, let offset):
            let c = inputs[0].last ?? 1
            guard [1, c].contains(scale.count), [1, c].contains(offset.count) else {
                throw fail("scale/offset must hold 1 or \(c) values")
            }
            out = inputs[0]
        case let .pooling2D(_, pool, strides, padding):
            let x = try image()
            let (h, w) = try spatial(x, kernel: pool, strides: strides, dilations: .one, padding: padding)
            out = [h, w, x[2]]
        case .globalPooling2D(_, let keepDims):
            let x = try image()
            out = keepDims ? [1, 1, x[2]] : [x[2]]
        case .zeroPadding2D(let p):
            let x = try image()
            guard [p.top, p.bottom, p.left, p.right].allSatisfy({ $0 >= 0 }) else { throw fail("negative padding \(p)") }
            out = [x[0] + p.top + p.bottom, x[1] + p.left + p.right, x[2]]
        case .add, .multiply:
            var result = inputs[0]
            for shape in inputs.dropFirst() {
                guard let b = broadcast(result, shape) else { throw fail("input shapes \(inputs) do not broadcast") }
                result = b
            }
            out = result
        case .concatenate(let axis):
            let rank = inputs[0].count
            let a = try normalizedAxis(axis, rank: rank, layer: node.name)
            var result = inputs[0]
            for shape in inputs.dropFirst() {
                guard shape.count == rank, (0..<rank).allSatisfy({ $0 == a || shape[$0] == result[$0] }) else {
                    throw fail("inputs \(inputs) differ outside the concatenation axis")
                }
                result[a] += shape[a]
            }
            out = result
        case .flatten:
            out = [inputs[0].reduce(1, *)]
        case .reshape(let target):
            let total = inputs[0].reduce(1, *)
            let known = target.filter { $0 != -1 }
            let unknown = target.count - known.count
            guard unknown <= 1, known.allSatisfy({ $0 > 0 }) else { throw fail("bad target shape \(target)") }
            let product = known.reduce(1, *)
            if unknown == 1 {
                guard product > 0, total % product == 0 else { throw fail("cannot reshape \(inputs[0]) to \(target)") }
                out = target.map { $0 == -1 ? total / product : $0 }
            } else {
                guard product == total else { throw fail("cannot reshape \(inputs[0]) to \(target)") }
                out = target
            }
        }
        var count = 1
        for d in out {
            let (p, overflow) = count.multipliedReportingOverflow(by: max(d, 1))
            guard d > 0, !overflow, p <= maxElements else { throw fail("output shape \(out) is empty or too large") }
            count = p
        }
        return out
    }

    /// A Keras axis (counting the batch, negative from the end) as an index into the
    /// per-example shape.
    static func normalizedAxis(_ axis: Int, rank: Int, layer: String) throws(KerasModelError) -> Int {
        let full = axis < 0 ? axis + rank + 1 : axis
        guard full >= 1, full <= rank else {
            throw .shape(layer: layer, detail: "axis \(axis) is out of range for rank \(rank + 1) (or is the batch axis)")
        }
        return full - 1
    }

    /// Numpy broadcasting on plain dims (the one rule lives in `Shape.broadcast`).
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? { Shape.broadcast(Shape(a), Shape(b))?.dims }
}
