/// Explicit, possibly asymmetric, spatial padding in pixels.
public struct Padding2D: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Rows or columns of padding on each side.
    public var top, left, bottom, right: Int
    /// Padding of these sizes; the default pads nothing.
    public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
        self.top = top; self.left = left; self.bottom = bottom; self.right = right
    }
    /// No padding.
    public static let zero = Padding2D()
    /// Whether no side is padded.
    public var isZero: Bool { self == .zero }
    /// `[top,left,bottom,right]`.
    public var description: String { "[\(top),\(left),\(bottom),\(right)]" }
}

/// Height/width pair (kernel size, stride, dilation).
public struct Size2D: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Height and width.
    public var h, w: Int
    /// A size of `h` rows and `w` columns.
    public init(_ h: Int, _ w: Int) { self.h = h; self.w = w }
    /// 1x1.
    public static let one = Size2D(1, 1)
    /// `HxW`.
    public var description: String { "\(h)x\(w)" }
}

/// 2-D convolution. Weights are HWIO `[KH, KW, C/groups, O]`; depthwise is `groups == C`.
/// Output: `act(conv(x) + bias + residual)`, bias and residual optional.
public struct Conv2DParams: Sendable, Hashable, Codable {
    /// The kernel's height and width.
    public var kernel: Size2D
    /// Step between windows, vertically and horizontally.
    public var strides: Size2D
    /// Spacing between kernel taps (1 for an ordinary convolution).
    public var dilations: Size2D
    /// Explicit padding of the input, per side (for `paddingRule`, the padding at the declared size).
    public var padding: Padding2D
    /// How `padding` follows the input size; nil: it is explicit and fixed. Optional so that graphs
    /// stored before the rule existed read as explicit.
    public var paddingRule: PaddingRule?
    /// Channel groups: 1 for a full convolution, the input channels for a depthwise one.
    public var groups: Int
    /// Applied to the output (fused by the passes).
    public var activation: Activation
    /// A convolution with these parameters; the defaults are stride 1, no dilation, no padding, one group.
    public init(kernel: Size2D, strides: Size2D = .one, dilations: Size2D = .one,
                padding: Padding2D = .zero, paddingRule: PaddingRule? = nil, groups: Int = 1, activation: Activation = .none) {
        self.kernel = kernel; self.strides = strides; self.dilations = dilations
        self.padding = padding; self.paddingRule = paddingRule; self.groups = groups; self.activation = activation
    }
}

/// A convolution's parameters bound to concrete tensor sizes (NHWC in and out).
public struct Conv2DGeometry: Sendable, Hashable {
    /// Batch size and the input's height, width and channels.
    public var batch, inH, inW, inC: Int
    /// The output's height, width and channels.
    public var outH, outW, outC: Int
    /// The convolution's parameters.
    public var params: Conv2DParams

    /// Output size follows the usual floor rule: (in + pads - dilation*(k-1) - 1) / stride + 1.
    public init(batch: Int, inH: Int, inW: Int, inC: Int, outC: Int, params: Conv2DParams) {
        self.batch = batch; self.inH = inH; self.inW = inW; self.inC = inC; self.outC = outC
        self.params = params
        let p = params
        outH = (inH + p.padding.top + p.padding.bottom - p.dilations.h * (p.kernel.h - 1) - 1) / p.strides.h + 1
        outW = (inW + p.padding.left + p.padding.right - p.dilations.w * (p.kernel.w - 1) - 1) / p.strides.w + 1
    }

    /// Whether each output channel reads only its own input channel (groups = input channels > 1).
    public var isDepthwise: Bool { params.groups == inC && params.groups > 1 }
}

/// Max or average pooling.
public enum PoolKind: String, Sendable, Hashable, Codable { case max, average }

/// Max or average pooling over NHWC.
public struct Pool2DParams: Sendable, Hashable, Codable {
    /// Max or average.
    public var kind: PoolKind
    /// The window's height and width.
    public var kernel: Size2D
    /// Step between windows.
    public var strides: Size2D
    /// Spacing between window taps (max pooling).
    public var dilations: Size2D
    /// Explicit padding of the input, per side (for `paddingRule`, the padding at the declared size).
    public var padding: Padding2D
    /// How `padding` follows the input size; nil: it is explicit and fixed (as in `Conv2DParams`).
    public var paddingRule: PaddingRule?
    /// Average pooling: divide by the full window including explicit padding (not the
    /// ceil-mode overhang), as ONNX count_include_pad=1 and PyTorch do.
    public var countIncludePad: Bool
    /// Output size rounds up, so a last partial window is kept (it must start inside the
    /// input or left padding, PyTorch's rule).
    public var ceilMode: Bool
    /// A pooling with these parameters; by default no dilation, no padding, floor rounding.
    public init(kind: PoolKind, kernel: Size2D, strides: Size2D, dilations: Size2D = .one,
                padding: Padding2D = .zero, paddingRule: PaddingRule? = nil, countIncludePad: Bool = false, ceilMode: Bool = false) {
        self.kind = kind; self.kernel = kernel; self.strides = strides; self.dilations = dilations
        self.padding = padding; self.paddingRule = paddingRule; self.countIncludePad = countIncludePad; self.ceilMode = ceilMode
    }

    /// Output extent along one axis.
    public static func outputExtent(input: Int, kernel: Int, stride: Int, dilation: Int,
                                    padBegin: Int, padEnd: Int, ceilMode: Bool) -> Int {
        let span = input + padBegin + padEnd - dilation * (kernel - 1) - 1
        guard span >= 0 else { return 0 }
        if !ceilMode { return span / stride + 1 }
        var out = (span + stride - 1) / stride + 1
        // The last window must start inside the input or the leading padding.
        if (out - 1) * stride >= input + padBegin { out -= 1 }
        return out
    }

    /// The output's height and width for an input of `inH` x `inW`.
    public func outputSize(inH: Int, inW: Int) -> (h: Int, w: Int) {
        (Self.outputExtent(input: inH, kernel: kernel.h, stride: strides.h, dilation: dilations.h,
                           padBegin: padding.top, padEnd: padding.bottom, ceilMode: ceilMode),
         Self.outputExtent(input: inW, kernel: kernel.w, stride: strides.w, dilation: dilations.w,
                           padBegin: padding.left, padEnd: padding.right, ceilMode: ceilMode))
    }
}

/// Element-wise arithmetic: a + b, a - b, a * b, a / b.
public enum BinaryOp: String, Sendable, Hashable, Codable { case add, sub, mul, div }
