/// Every layout conversion zoo makes, in one place. Inside, activations are NHWC and
/// convolution weights HWIO (`[KH, KW, C/groups, O]`), dense weights `[in, out]`; the source
/// frameworks' layouts (PyTorch and ONNX NCHW/OIHW, Keras' depthwise kernels, flatten order)
/// are converted here, once, when a model is imported.
public enum Layout {
    /// NCHW -> NHWC as an axis permutation: NHWC axis `i` is NCHW axis `nchwToNHWC[i]`.
    public static let nchwToNHWC = [0, 2, 3, 1]
    /// NHWC -> NCHW: NCHW axis `i` is NHWC axis `nhwcToNCHW[i]`; equivalently NCHW axis `a`
    /// sits at NHWC position `nhwcToNCHW[a]`.
    public static let nhwcToNCHW = [0, 3, 1, 2]

    /// Whether an NCHW shape holds the same bytes in the same order as its NHWC form (at most
    /// one of C and H*W is larger than 1), so a free reshape can stand for the transpose.
    public static func isTrivialTranspose(nchw: [Int]) -> Bool { nchw[1] == 1 || nchw[2] * nchw[3] == 1 }

    /// A PyTorch/ONNX convolution weight `[O, C/groups, KH, KW]` as HWIO `[KH, KW, C/groups, O]`.
    public static func hwio(fromOIHW weight: Tensor) -> Tensor { weight.transposed([2, 3, 1, 0]) }

    /// A PyTorch `Linear` / ONNX `Gemm(transB=1)` weight `[out, in]` as `[in, out]`.
    public static func inputMajor(fromOutputMajor weight: Tensor) -> Tensor { weight.transposed([1, 0]) }

    /// A Keras depthwise kernel `[KH, KW, C, multiplier]` as the grouped HWIO weight
    /// `[KH, KW, 1, C * multiplier]` (groups = C): the same bytes, output channel c*m + j.
    public static func groupedHWIO(fromKerasDepthwise kernel: Tensor) -> Tensor {
        let k = kernel.shape
        return kernel.reshaped([k[0], k[1], 1, k[2] * k[3]])
    }

    /// The rows of a dense weight `[C*H*W, out]` that follows a flatten, from the C,H,W order of
    /// an NCHW flatten (PyTorch, ONNX) to the H,W,C order of zoo's NHWC flatten.
    public static func hwcRows(_ weight: Tensor, channels c: Int, height h: Int, width w: Int) -> Tensor {
        let cols = weight.shape[1]
        return weight.reshaped([c, h * w, cols]).transposed([1, 0, 2]).reshaped([c * h * w, cols])
    }
}

/// TensorFlow's "SAME" padding (Keras `padding="same"`, ONNX `auto_pad=SAME_UPPER`, the
/// static padding of EfficientNet-Lite's PyTorch port): output `ceil(input / stride)`, the odd
/// pixel of padding after the input (before it for ONNX's `SAME_LOWER`).
public enum SamePadding {
    /// Output extent and padding before and after along one axis.
    public static func resolve(input: Int, kernel: Int, stride: Int, dilation: Int = 1,
                               oddPixelFirst: Bool = false) -> (output: Int, before: Int, after: Int) {
        let span = (kernel - 1) * dilation + 1
        let output = (input + stride - 1) / stride
        let total = max((output - 1) * stride + span - input, 0)
        let small = total / 2, large = total - small
        return oddPixelFirst ? (output, large, small) : (output, small, large)
    }
}
