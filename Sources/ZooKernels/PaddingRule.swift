import ZooTensor

/// How a convolution's or pool's padding was decided, so that a graph can be rebuilt for another
/// input size. Explicit padding (PyTorch, ONNX pads, Keras `ZeroPadding2D`) stays as it is; Keras'
/// `same` depends on the input's size and parity, so it is recomputed from the input each time.
public enum PaddingRule: String, Sendable, Hashable, Codable {
    /// TensorFlow/Keras `same`: output `ceil(input / stride)`, the odd pixel of padding after.
    case same

    /// The padding this rule gives for an input of `inH` x `inW`.
    public func padding(inH: Int, inW: Int, kernel: Size2D, strides: Size2D, dilations: Size2D) -> Padding2D {
        let v = SamePadding.resolve(input: inH, kernel: kernel.h, stride: strides.h, dilation: dilations.h)
        let h = SamePadding.resolve(input: inW, kernel: kernel.w, stride: strides.w, dilation: dilations.w)
        return Padding2D(top: v.before, left: h.before, bottom: v.after, right: h.after)
    }
}
