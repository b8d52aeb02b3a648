// Contract for the kernels the graph executor calls. Every kernel works on NHWC float32 in
// contiguous row-major buffers. The helper implementing kernels replaces these stubs, one file
// per kernel (Conv2D.swift, Dense.swift, ...), keeping the signatures.
import ZooTensor

public enum Conv2D {
    /// Floats of scratch memory one `run` needs with `threads` threads (0 when none).
    public static func scratchCount(_ g: Conv2DGeometry, threads: Int) -> Int { fatalError("stub") }
    /// output[N,OH,OW,O] = act(conv(input[N,H,W,C], weights[KH,KW,C/groups,O]) + bias[O] + residual[N,OH,OW,O])
    public static func run(_ g: Conv2DGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                           output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>?, threads: Int) { fatalError("stub") }
}

public enum Dense {
    /// output[rows,out] = act(input[rows,in] x weights[in,out] + bias[out] + residual[rows,out])
    public static func run(rows: Int, inFeatures: Int, outFeatures: Int, input: UnsafePointer<Float>,
                           weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                           activation: Activation, output: UnsafeMutablePointer<Float>, threads: Int) { fatalError("stub") }
}

public enum Pool2D {
    /// output[N,OH,OW,C] from input[N,H,W,C]; OH/OW from `params.outputSize`.
    public static func run(_ params: Pool2DParams, batch: Int, inH: Int, inW: Int, channels: Int,
                           input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) { fatalError("stub") }
}

public enum GlobalPool {
    /// output[N,C] = mean or max over the `spatial` positions of input[N,spatial,C].
    public static func run(_ kind: PoolKind, batch: Int, spatial: Int, channels: Int,
                           input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) { fatalError("stub") }
}

public enum Elementwise {
    public static func activation(_ act: Activation, input: UnsafePointer<Float>,
                                  output: UnsafeMutablePointer<Float>, count: Int, threads: Int) { fatalError("stub") }
    /// Numpy broadcasting of `a` and `b` to `outShape`.
    public static func binary(_ op: BinaryOp, a: UnsafePointer<Float>, aShape: Shape, b: UnsafePointer<Float>, bShape: Shape,
                              output: UnsafeMutablePointer<Float>, outShape: Shape, threads: Int) { fatalError("stub") }
    /// output[i, c] = input[i, c] * scale[c] + shift[c] over `count` elements with `channels` innermost.
    public static func channelAffine(input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                     channels: Int, count: Int, output: UnsafeMutablePointer<Float>, threads: Int) { fatalError("stub") }
}

public enum Softmax {
    /// Softmax along the middle axis of input viewed as [outer, axis, inner].
    public static func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                           outer: Int, axis: Int, inner: Int) { fatalError("stub") }
}

public enum Concat {
    /// Concatenates along `axis`; every input has `outShape` except on that axis.
    public static func run(inputs: [(pointer: UnsafePointer<Float>, shape: Shape)], axis: Int,
                           output: UnsafeMutablePointer<Float>, outShape: Shape) { fatalError("stub") }
}

public enum ConstantPad {
    /// Pads each axis with `before[i]` and `after[i]` elements of `value` (non-negative pads).
    public static func run(input: UnsafePointer<Float>, inShape: Shape, before: [Int], after: [Int], value: Float,
                           output: UnsafeMutablePointer<Float>) { fatalError("stub") }
}
