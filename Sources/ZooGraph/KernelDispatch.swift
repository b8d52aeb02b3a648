import ZooKernels
import ZooTensor

/// A node's kernel with every size bound for one batch size.
enum PreparedKernel: Sendable {
    /// With `bf16` weights when the executor's precision is bf16 (not for depthwise convolutions);
    /// with `float32` weights when the constant is stored as bf16 panels but is read as float32;
    /// with `panels` where `FP32Panels.pays` (fp32 on AVX-512, small maps or small weights).
    case conv2d(Conv2DGeometry, bf16: PreparedWeight<BF16Weights>?, float32: PreparedWeight<Tensor>?,
                panels: PreparedWeight<FP32Panels>?, hasResidual: Bool, activations: BF16Activations = .none)
    /// A first layer on RGB by a direct kernel, then the max pool that alone reads its output
    /// (ResNet's stem): the pool's output from the convolution's rows while they are in cache.
    case conv2dMaxPool(Conv2DGeometry, bf16: PreparedWeight<BF16Weights>?, float32: PreparedWeight<Tensor>?, pool: Pool2DParams,
                       activations: BF16Activations = .none)
    /// MobileNetV2's expansion (if any), depthwise convolution and projection as one step over row
    /// tiles (`InvertedResidual`); `depthwise` as `conv2d`'s `float32`.
    case invertedResidual(InvertedResidual, expand: PreparedPointwise?, depthwise: PreparedWeight<Tensor>?,
                          project: PreparedPointwise, hasResidual: Bool, activations: BF16Activations = .none)
    /// A 3x3 stride-1 conv by Winograd F(4x4, 3x3), with its weights transformed.
    case winogradConv2d(Conv2DGeometry, weights: PreparedWeight<WinogradWeights>, hasResidual: Bool,
                        activations: BF16Activations = .none)
    case dense(rows: Int, inFeatures: Int, outFeatures: Int, activation: Activation, bf16: PreparedWeight<BF16Weights>?,
               float32: PreparedWeight<Tensor>?, hasResidual: Bool)
    /// Inference batch norm that no pass could fold: y = x * scale + shift per channel.
    case channelAffine(scale: [Float], shift: [Float], count: Int)
    case activation(Activation, count: Int)
    case softmax(outer: Int, axis: Int, inner: Int)
    case pool2d(Pool2DParams, batch: Int, inH: Int, inW: Int, channels: Int)
    case globalPool(PoolKind, batch: Int, spatial: Int, channels: Int)
    case binary(BinaryOp, a: Shape, b: Shape, out: Shape)
    case concat(axis: Int, inputs: [Shape], out: Shape)
    case pad(input: Shape, before: [Int], after: [Int], value: Float)
    case transpose(input: Shape, permutation: [Int])
    /// Output shares the input's bytes: nothing to run.
    case alias
}

extension PreparedKernel {
    /// The kernel's re-laid-out weights, made if not yet (see `PreparedWeights`): for making all
    /// of a plan's at once, before its first run.
    func makeWeights() {
        switch self {
        case let .conv2d(_, bf16, float32, panels, _, _):
            _ = bf16?.weights
            _ = float32?.weights
            _ = panels?.weights
        case let .winogradConv2d(_, weights, _, _): _ = weights.weights
        case let .invertedResidual(_, expand, depthwise, project, _, _):
            expand?.makeWeights()
            _ = depthwise?.weights
            project.makeWeights()
        case let .conv2dMaxPool(_, bf16, float32, _, _):
            _ = bf16?.weights
            _ = float32?.weights
        case let .dense(_, _, _, _, bf16, float32, _):
            _ = bf16?.weights
            _ = float32?.weights
        case .channelAffine, .activation, .softmax, .pool2d, .globalPool, .binary, .concat, .pad, .transpose, .alias:
            break
        }
    }
}

/// The one place that maps ops to kernels: `prepare` binds sizes at plan time, `execute`
/// runs a prepared kernel. Both switches are exhaustive, so a new op cannot be forgotten.
enum KernelDispatch {
    static func prepare(node: Node, index: Int, shapes: [Shape], constants: [Tensor?],
                        preparedWeights: PreparedWeights, kernels: KernelOptions) throws -> PreparedKernel {
        let x = shapes[node.inputs[0]]
        let out = shapes[node.output]
        switch node.op {
        case .conv2d(let p):
            let w = shapes[node.inputs[1]]
            let g = Conv2DGeometry(batch: x[0], inH: x[1], inW: x[2], inC: x[3], outC: w[3], params: p)
            let hasResidual = node.inputs.count == 4
            if WinogradConv2D.applies(to: g, kernels: kernels), let weights = constants[node.inputs[1]] {
                let transformed = preparedWeights.winograd(node: index) {
                    // bf16 panels are widened for the transform only: the transformed weights replace them.
                    relaidOut(weights) {
                        weights.converted(to: .float32).withUnsafeFloats {
                            WinogradWeights(weights: $0.baseAddress!, channels: g.inC, outChannels: g.outC,
                                            packed: kernels.gemm == .avx512)
                        }
                    }
                }
                return .winogradConv2d(g, weights: transformed, hasResidual: hasResidual)
            }
            let bf16 = g.isDepthwise ? nil : bf16Weights(node: node, index: index, constants: constants,
                                                           depth: w[0] * w[1] * w[2], groups: p.groups,
                                                           preparedWeights: preparedWeights, kernels: kernels)
            let panels = bf16 == nil && FP32Panels.pays(for: g, kernels: kernels)
                ? fp32Panels(node: node, index: index, constants: constants, preparedWeights: preparedWeights) : nil
            // The GEMM reads panels when it has them: no widened copy besides.
            let float32 = bf16 == nil && panels == nil ? widenedWeights(node: node, index: index, constants: constants,
                                                                        preparedWeights: preparedWeights) : nil
            return .conv2d(g, bf16: bf16, float32: float32, panels: panels, hasResidual: hasResidual)
        case .dense(let p):
            let w = shapes[node.inputs[1]]
            let bf16 = bf16Weights(node: node, index: index, constants: constants, depth: w[0], groups: 1,
                                   preparedWeights: preparedWeights, kernels: kernels)
            let float32 = bf16 == nil ? widenedWeights(node: node, index: index, constants: constants,
                                                       preparedWeights: preparedWeights) : nil
            return .dense(rows: x.elementCount / w[0], inFeatures: w[0], outFeatures: w[1],
                          activation: p.activation, bf16: bf16, float32: float32, hasResidual: node.inputs.count == 4)
        case .batchNorm(let epsilon):
            let params = node.inputs.dropFirst().map { constants[$0]?.floats }
            guard let gamma = params[0], let beta = params[1], let mean = params[2], let variance = params[3] else {
                throw GraphError.invalidNode(node: node.name, op: node.op.name, detail: "scale, bias, mean and variance must be constants")
            }
            let scale = zip(gamma, variance).map { $0 / ($1 + epsilon).squareRoot() }
            let shift = (0..<scale.count).map { beta[$0] - mean[$0] * scale[$0] }
            return .channelAffine(scale: scale, shift: shift, count: x.elementCount)
        case .activation(let a):
            return .activation(a, count: x.elementCount)
        case .softmax(let axis):
            return .softmax(outer: x.dims[..<axis].reduce(1, *), axis: x[axis], inner: x.dims[(axis + 1)...].reduce(1, *))
        case .pool2d(let p):
            return .pool2d(p, batch: x[0], inH: x[1], inW: x[2], channels: x[3])
        case .globalPool(let kind, _):
            return .globalPool(kind, batch: x[0], spatial: x[1] * x[2], channels: x[3])
        case .binary(let op):
            return .binary(op, a: x, b: shapes[node.inputs[1]], out: out)
        case .concat(let axis):
            return .concat(axis: axis, inputs: node.inputs.map { shapes[$0] }, out: out)
        case let .pad(before, after, value):
            return .pad(input: x, before: before, after: after, value: value)
        case .transpose(let perm):
            return .transpose(input: x, permutation: perm)
        case .flatten, .reshape, .identity:
            return .alias
        }
    }

    /// The node's constant weights ([depth, groups * columns]) packed for the bf16 GEMM, once per
    /// executor (weights stored as bf16 panels are read in place); nil at fp32 or when the weights
    /// are not a constant.
    private static func bf16Weights(node: Node, index: Int, constants: [Tensor?], depth: Int, groups: Int,
                                    preparedWeights: PreparedWeights, kernels: KernelOptions) -> PreparedWeight<BF16Weights>? {
        guard kernels.precision == .bf16, let weights = constants[node.inputs[1]] else { return nil }
        let columns = weights.shape.elementCount / max(depth, 1)
        if let layout = weights.bf16Panels {
            // Panels packed for another reading of the matrix are widened instead (`widenedWeights`).
            guard layout == BF16PanelLayout(depth: depth, groupColumns: columns / max(groups, 1), groups: groups) else { return nil }
            return preparedWeights.bf16(node: index) { BF16Weights(panels: weights) }
        }
        return preparedWeights.bf16(node: index) {
            relaidOut(weights) {
                weights.withUnsafeFloats {
                    BF16Weights(weights: $0.baseAddress!, depth: depth, groupColumns: columns / groups, groups: groups)
                }
            }
        }
    }

    /// The node's constant weights ([depth, columns], the last dimension the columns) packed in
    /// the float32 GEMM's panels, once per executor; nil when the weights are not a constant.
    static func fp32Panels(node: Node, index: Int, constants: [Tensor?],
                           preparedWeights: PreparedWeights) -> PreparedWeight<FP32Panels>? {
        guard let weights = constants[node.inputs[1]], let columns = weights.shape.dims.last, columns > 0 else { return nil }
        let depth = weights.shape.elementCount / columns
        return preparedWeights.fp32Panels(node: index) {
            // bf16 panels (a `--bf16` file read at fp32) are widened for the packing only.
            relaidOut(weights) {
                weights.converted(to: .float32).withUnsafeFloats {
                    FP32Panels(weights: $0.baseAddress!, depth: depth, columns: columns)
                }
            }
        }
    }

    /// `make`'s copy of `weights` in a kernel's layout. A constant mapped from a `.zoo` is then let
    /// go of (its pages come back from the file if anything reads it again), so the weights are not
    /// in memory twice: peak RSS at batch 1 (Zen 5), resnet50 at bf16 from its fp32 file 198 -> 105 MB,
    /// vgg16 at fp32 849 -> 791 MB.
    private static func relaidOut<W>(_ weights: Tensor, _ make: () -> W) -> W {
        let made = make()
        weights.storage.releaseResidentPages()
        return made
    }

    /// Weights stored as bf16 panels, widened once to the row-major float32 the fp32 kernels read
    /// (fp32 precision, a depthwise or Winograd path, a CPU without bf16 units); nil for others.
    private static func widenedWeights(node: Node, index: Int, constants: [Tensor?],
                                       preparedWeights: PreparedWeights) -> PreparedWeight<Tensor>? {
        guard let weights = constants[node.inputs[1]], weights.bf16Panels != nil else { return nil }
        return preparedWeights.float32(node: index) { weights.converted(to: .float32) }
    }

    /// `kernel` (a convolution's) and the max pool `next` as one step, when `next` pools the
    /// convolution's output (`input`) and the direct kernel computes it; nil otherwise.
    static func fusedWithMaxPool(_ kernel: PreparedKernel, next: Node, input: ValueID, kernels: KernelOptions) -> PreparedKernel? {
        guard case let .conv2d(g, bf16, float32, panels, hasResidual, _) = kernel, panels == nil, !hasResidual,
              case .pool2d(let pool) = next.op, next.inputs == [input],
              Conv2D.poolsAfterDirect(g, pool: pool, kernels: kernels) else { return nil }
        return .conv2dMaxPool(g, bf16: bf16, float32: float32, pool: pool)
    }

    static func scratchFloats(_ kernel: PreparedKernel, threads: Int) -> Int {
        switch kernel {
        case let .conv2d(g, bf16, _, _, _, activations):
            Conv2D.scratchCount(g, threads: threads, bf16: bf16 != nil, activations: activations)
        case let .dense(rows, inFeatures, outFeatures, _, bf16, _, _):
            Dense.scratchCount(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, bf16: bf16 != nil)
        case .winogradConv2d(let g, _, _, _): WinogradConv2D.scratchCount(g, threads: threads)
        case let .conv2dMaxPool(g, _, _, pool, _): Conv2D.maxPooledScratchCount(g, pool: pool, threads: threads)
        case let .invertedResidual(block, _, _, _, _, activations): block.scratchCount(threads: threads, activations: activations)
        default: 0
        }
    }

    static func execute(_ kernel: PreparedKernel, inputs: [UnsafeRawPointer], output: UnsafeMutableRawPointer,
                        scratch: UnsafeMutableRawPointer, threads: Int, kernels: KernelOptions) {
        let f = inputs.map { $0.assumingMemoryBound(to: Float.self) }
        let y = output.assumingMemoryBound(to: Float.self)
        switch kernel {
        case let .conv2d(g, bf16, float32, panels, hasResidual, activations):
            // With bf16 panels and no `float32`, f[1] is the panels: the kernel reads `bf16Weights` only.
            Conv2D.run(g, input: f[0], weights: float32.map(floats) ?? f[1], bf16Weights: bf16?.weights,
                       fp32Panels: panels?.weights, bias: f[2], residual: hasResidual ? f[3] : nil,
                       output: y, scratch: scratch.assumingMemoryBound(to: Float.self), activations: activations,
                       threads: threads, kernels: kernels)
        case let .conv2dMaxPool(g, bf16, float32, pool, activations):
            Conv2D.runMaxPooled(g, pool: pool, input: f[0], weights: float32.map(floats) ?? f[1], bf16Weights: bf16?.weights,
                                bias: f[2], output: y, scratch: scratch.assumingMemoryBound(to: Float.self),
                                activations: activations, threads: threads, kernels: kernels)
        case let .invertedResidual(block, expand, depthwise, project, hasResidual, activations):
            // Inputs: the expansion's (input, weights, bias) if any, the depthwise layer's (input,
            // weights, bias) without its input, the projection's likewise, with its residual.
            let e = expand == nil ? 0 : 2, p = e + 3
            block.run(input: f[0], expandWeights: expand?.weights(f[1]), expandBias: expand == nil ? nil : f[2],
                      depthwiseWeights: depthwise.map(floats) ?? f[e + 1], depthwiseBias: f[e + 2],
                      projectWeights: project.weights(f[p]), projectBias: f[p + 1], residual: hasResidual ? f[p + 2] : nil,
                      output: y, scratch: scratch.assumingMemoryBound(to: Float.self), activations: activations,
                      threads: threads, kernels: kernels)
        case let .winogradConv2d(g, weights, hasResidual, activations):
            WinogradConv2D.run(g, weights: weights.weights, input: f[0], bias: f[2], residual: hasResidual ? f[3] : nil,
                               output: y, scratch: scratch.assumingMemoryBound(to: Float.self), activations: activations,
                               threads: threads, kernels: kernels)
        case let .dense(rows, inFeatures, outFeatures, activation, bf16, float32, hasResidual):
            Dense.run(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, input: f[0], weights: float32.map(floats) ?? f[1],
                      bf16Weights: bf16?.weights, bias: f[2], residual: hasResidual ? f[3] : nil, activation: activation,
                      output: y, scratch: scratch.assumingMemoryBound(to: Float.self), threads: threads, kernels: kernels)
        case let .channelAffine(scale, shift, count):
            Elementwise.channelAffine(input: f[0], scale: scale, shift: shift, channels: scale.count,
                                      count: count, output: y, threads: threads)
        case let .activation(a, count):
            Elementwise.activation(a, input: f[0], output: y, count: count, threads: threads)
        case let .softmax(outer, axis, inner):
            Softmax.run(input: f[0], output: y, outer: outer, axis: axis, inner: inner)
        case let .pool2d(p, batch, inH, inW, channels):
            Pool2D.run(p, batch: batch, inH: inH, inW: inW, channels: channels, input: f[0], output: y, threads: threads)
        case let .globalPool(kind, batch, spatial, channels):
            GlobalPool.run(kind, batch: batch, spatial: spatial, channels: channels, input: f[0], output: y)
        case let .binary(op, a, b, out):
            Elementwise.binary(op, a: f[0], aShape: a, b: f[1], bShape: b, output: y, outShape: out, threads: threads)
        case let .concat(axis, shapes, out):
            Concat.run(inputs: Array(zip(f, shapes)), axis: axis, output: y, outShape: out)
        case let .pad(input, before, after, value):
            ConstantPad.run(input: f[0], inShape: input, before: before, after: after, value: value, output: y)
        case let .transpose(input, perm):
            permute(source: inputs[0], shape: input, permutation: perm, destination: output, elementSize: 4)
        case .alias:
            break
        }
    }

    /// The float32 elements of prepared weights (the tensor lives as long as its `PreparedWeight`).
    static func floats(_ weights: PreparedWeight<Tensor>) -> UnsafePointer<Float> {
        weights.weights.rawPointer.assumingMemoryBound(to: Float.self)
    }
}
