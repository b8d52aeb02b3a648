import ZooTensor

/// The order of the three channels in the model's input.
public enum ChannelOrder: String, Sendable, Hashable, Codable {
    /// Red, green, blue: what PIL and torchvision give.
    case rgb
    /// Caffe-trained models (Keras VGG and ResNet v1) want blue first.
    case bgr
}

/// Where the channel axis goes in the input tensor.
public enum ImageLayout: String, Sendable, Hashable, Codable {
    /// `[N, H, W, 3]`: Keras, and this runtime's internal layout.
    case nhwc
    /// `[N, 3, H, W]`: ONNX and PyTorch models.
    case nchw
}

/// How pixel bytes become a model's float32 input, value by value, in float32 arithmetic
/// and in the same operation order as Keras' `imagenet_utils.preprocess_input` and
/// torchvision's `ToTensor` + `Normalize`, so the tensors match theirs to the last bit.
public enum Preprocessing: Sendable, Hashable {
    /// Keras `caffe`: RGB -> BGR, then minus the ImageNet mean (103.939, 116.779, 123.68 in BGR
    /// order), no scaling. VGG16/19 and ResNet50/101/152.
    case caffe
    /// Keras `tf`: x / 127.5 - 1, in [-1, 1]. MobileNetV2.
    case tf
    /// Keras `torch` and torchvision: x / 255, minus mean (0.485, 0.456, 0.406), divided by
    /// std (0.229, 0.224, 0.225), RGB.
    case torch
    /// Any other normalisation: channels put in `order`, then (x / divisor - mean[c]) / std[c],
    /// with mean and std given in that same channel order.
    case meanStd(mean: [Float], std: [Float], divisor: Float, order: ChannelOrder)

    /// The preset named as Keras names it: "caffe", "tf" or "torch".
    public init?(mode: String) {
        switch mode {
        case "caffe": self = .caffe
        case "tf": self = .tf
        case "torch": self = .torch
        default: return nil
        }
    }

    /// The arithmetic each case stands for.
    public var parameters: (mean: [Float], std: [Float]?, divisor: Float?, order: ChannelOrder) {
        switch self {
        case .caffe: ([103.939, 116.779, 123.68], nil, nil, .bgr)
        case .tf: ([1, 1, 1], nil, 127.5, .rgb)
        case .torch: ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225], 255, .rgb)
        case let .meanStd(mean, std, divisor, order): (mean, std, divisor, order)
        }
    }

    /// A float32 tensor of `images` (all of one size): `[N, H, W, 3]` or `[N, 3, H, W]`.
    public func tensor(from images: [RGBImage], layout: ImageLayout = .nhwc) throws -> Tensor {
        guard let first = images.first else { return Tensor(zeros: [0, 0, 0, 3]) }
        for (index, image) in images.enumerated() where image.width != first.width || image.height != first.height {
            throw VisionError.sizeMismatch(expected: (first.width, first.height), found: (image.width, image.height), index: index)
        }
        let (h, w) = (first.height, first.width)
        let p = parameters
        precondition(p.mean.count == 3 && (p.std?.count ?? 3) == 3, "mean and std need 3 values each")
        let shape: Shape = layout == .nhwc ? [images.count, h, w, 3] : [images.count, 3, h, w]
        var tensor = Tensor(zeros: shape)
        // One table per output channel: every byte value maps to one float, computed once
        // with the frameworks' exact operation order.
        let tables = (0..<3).map { c in (0...255).map { value(UInt8($0), channel: c, p) } }
        let plane = h * w
        tensor.withUnsafeMutableFloats { out in
            for (n, image) in images.enumerated() {
                image.pixels.withUnsafeBufferPointer { px in
                    for c in 0..<3 {
                        let sourceChannel = p.order == .rgb ? c : 2 - c
                        let table = tables[c]
                        for i in 0..<plane {
                            let v = table[Int(px[i * 3 + sourceChannel])]
                            switch layout {
                            case .nhwc: out[(n * plane + i) * 3 + c] = v
                            case .nchw: out[(n * 3 + c) * plane + i] = v
                            }
                        }
                    }
                }
            }
        }
        return tensor
    }

    /// One input value in float32, operations in the frameworks' order:
    /// caffe `x - mean`, tf `x / 127.5 - 1`, torch `(x / 255 - mean) / std`.
    private func value(_ byte: UInt8, channel c: Int, _ p: (mean: [Float], std: [Float]?, divisor: Float?, order: ChannelOrder)) -> Float {
        var x = Float(byte)
        if let divisor = p.divisor { x /= divisor }
        x -= p.mean[c]
        if let std = p.std { x /= std[c] }
        return x
    }
}
