import Foundation
import ZooTensor

/// Everything between an image file and a model's input tensor: decoding, geometry, value
/// mapping and layout. The presets reproduce what Keras and torchvision do to a photo.
public struct ImagePipeline: Sendable, Hashable {
    /// How the decoded image is brought to the model's input size.
    public enum Geometry: Sendable, Hashable {
        /// Stretched to exactly `width` x `height`, aspect ratio ignored: Keras'
        /// `load_img(path, target_size=(height, width))`.
        case resize(width: Int, height: Int, filter: ResizeFilter)
        /// Shorter side to `size`, then the centred `crop` x `crop`: torchvision's
        /// `Resize(size)` + `CenterCrop(crop)`.
        case shorterSideAndCenterCrop(size: Int, crop: Int, filter: ResizeFilter)
    }

    /// How the decoded image reaches the input size.
    public var geometry: Geometry
    /// How pixel values become input values.
    public var preprocessing: Preprocessing
    /// The tensor layout written: NHWC (Keras, and zoo's graphs) or NCHW (PyTorch, ONNX).
    public var layout: ImageLayout
    /// How files are decoded (EXIF orientation, the pixel limit).
    public var decodeOptions: ImageDecoder.Options

    /// A pipeline; by default NHWC with the default decode options.
    public init(geometry: Geometry, preprocessing: Preprocessing, layout: ImageLayout = .nhwc,
                decodeOptions: ImageDecoder.Options = ImageDecoder.Options()) {
        self.geometry = geometry
        self.preprocessing = preprocessing
        self.layout = layout
        self.decodeOptions = decodeOptions
    }

    /// Keras applications: `load_img(target_size=(size, size))` (nearest) then
    /// `preprocess_input` in `mode` (.caffe for VGG/ResNet, .tf for MobileNetV2), NHWC.
    /// EXIF orientation is applied, as for every preset; set `decodeOptions` to `.frameworks`
    /// for the exact tensor Keras (which ignores it) would build.
    public static func keras(size: Int = 224, preprocessing: Preprocessing) -> ImagePipeline {
        ImagePipeline(geometry: .resize(width: size, height: size, filter: .nearest), preprocessing: preprocessing)
    }

    /// torchvision ImageNet weights: `Resize(resize)` (bilinear, antialiased on PIL images),
    /// `CenterCrop(crop)`, `ToTensor`, `Normalize(ImageNet mean, std)`; NCHW as the models take it.
    public static func torchvision(resize: Int = 256, crop: Int = 224, layout: ImageLayout = .nchw) -> ImagePipeline {
        ImagePipeline(geometry: .shorterSideAndCenterCrop(size: resize, crop: crop, filter: .bilinear),
                      preprocessing: .torch, layout: layout)
    }

    /// The decoded image brought to the input size, still 8-bit.
    public func resized(_ image: RGBImage) -> RGBImage {
        switch geometry {
        case let .resize(width, height, filter):
            image.resized(width: width, height: height, filter: filter)
        case let .shorterSideAndCenterCrop(size, crop, filter):
            image.resizedAndCenterCropped(shorterSide: size, crop: crop, filter: filter)
        }
    }

    /// The input tensor for already decoded images, one batch entry each.
    public func tensor(from images: [RGBImage]) throws -> Tensor {
        try preprocessing.tensor(from: images.map(resized), layout: layout)
    }

    /// Decodes each file and returns the batch tensor the model would see.
    public func tensor(contentsOf urls: [URL]) throws -> Tensor {
        try tensor(from: urls.map { try ImageDecoder.decode(contentsOf: $0, options: decodeOptions) })
    }
}
