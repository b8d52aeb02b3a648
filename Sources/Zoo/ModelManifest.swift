import Foundation
import ZooFetch
import ZooVision

/// A zoo model's manifest (`zoo/manifests/NAME.json`): the architecture, the input and how
/// images become it, the labels, and where the weights come from.
public struct ModelManifest: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var name: String
        public var size: Int
        /// "nchw" (PyTorch, ONNX) or "nhwc" (Keras).
        public var layout: String
    }

    /// How an image becomes the input tensor, in the source framework's own terms.
    public struct PreprocessingSpec: Codable, Sendable {
        /// "resize" (Keras: stretch to size x size) or "shorter_side_center_crop" (torchvision).
        public var geometry: String
        public var size: Int?
        public var resize: Int?
        public var crop: Int?
        /// "nearest", "bilinear" or "bicubic" (PIL's filters).
        public var filter: String
        /// "caffe", "tf", "torch" (Keras' names) or "mean_std".
        public var mode: String
        public var mean: [Float]?
        public var std: [Float]?
        public var divisor: Float?
        public var channel_order: String?
        public var note: String?
    }

    public var name: String
    public var family: String
    public var architecture: String
    public var description: String?
    public var input: Input
    public var preprocessing: PreprocessingSpec
    /// "logits" (softmax applied when classifying) or "probabilities".
    public var output: String
    /// Name of the graph value holding the pooled features (`embed`'s default layer).
    public var embedding: String?
    /// Label file in the zoo (e.g. `imagenet_classes.json`).
    public var labels: String
    public var parameters: Int?
    public var weights: [WeightSource]
    public var license: String

    /// The image pipeline this manifest describes, or an error naming the bad field.
    public func pipeline(appliesEXIFOrientation: Bool = true) throws -> ImagePipeline {
        let p = preprocessing
        func bad(_ detail: String) -> ZooError { .badManifest(name: name, detail: detail) }
        guard let filter = ResizeFilter(rawValue: p.filter) else { throw bad("unknown filter '\(p.filter)'") }
        let geometry: ImagePipeline.Geometry
        switch p.geometry {
        case "resize":
            let size = p.size ?? input.size
            geometry = .resize(width: size, height: size, filter: filter)
        case "shorter_side_center_crop":
            guard let resize = p.resize, let crop = p.crop else { throw bad("shorter_side_center_crop needs resize and crop") }
            geometry = .shorterSideAndCenterCrop(size: resize, crop: crop, filter: filter)
        default:
            throw bad("unknown geometry '\(p.geometry)'")
        }
        let mode: Preprocessing
        if let preset = Preprocessing(mode: p.mode) {
            mode = preset
        } else if p.mode == "mean_std", let mean = p.mean, let std = p.std, mean.count == 3, std.count == 3 {
            let order = ChannelOrder(rawValue: p.channel_order ?? "rgb") ?? .rgb
            mode = .meanStd(mean: mean, std: std, divisor: p.divisor ?? 1, order: order)
        } else {
            throw bad("unknown preprocessing mode '\(p.mode)' (or mean_std without 3 means and stds)")
        }
        guard let layout = ImageLayout(rawValue: input.layout) else { throw bad("unknown layout '\(input.layout)'") }
        return ImagePipeline(geometry: geometry, preprocessing: mode, layout: layout,
                             decodeOptions: ImageDecoder.Options(appliesEXIFOrientation: appliesEXIFOrientation))
    }
}
