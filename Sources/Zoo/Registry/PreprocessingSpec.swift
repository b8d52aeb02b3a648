import ZooVision

/// How an image becomes a model's input tensor, in the source framework's own terms, as a
/// manifest and a `.zoo` file's card record it:
/// ```json
/// { "geometry": "shorter_side_center_crop", "resize": 256, "crop": 224, "filter": "bilinear", "mode": "torch" }
/// ```
public struct PreprocessingSpec: Codable, Sendable, Hashable {
    /// How the decoded image reaches the input size.
    public enum Geometry: String, Codable, Sendable {
        /// Keras: stretched to size x size.
        case resize
        /// torchvision: shorter side to `resize`, then the centred `crop` x `crop`.
        case shorterSideCenterCrop = "shorter_side_center_crop"
    }

    /// How pixel values are mapped: Keras' preset names, or explicit mean and std.
    public enum Mode: String, Codable, Sendable {
        /// Keras' presets: `caffe` (BGR, ImageNet means subtracted), `tf` (scaled to [-1, 1]), `torch` (ImageNet mean and std).
        case caffe, tf, torch
        /// The manifest's own `mean` and `std` (after dividing by `divisor`).
        case meanStd = "mean_std"
    }

    /// How the image reaches the input size.
    public var geometry: Geometry
    /// The side of the stretched image (`resize` geometry); nil for the input size.
    public var size: Int?
    /// The shorter side's length before the crop (`shorter_side_center_crop`).
    public var resize: Int?
    /// The centred crop's side (`shorter_side_center_crop`).
    public var crop: Int?
    /// PIL's resampling filter.
    public var filter: ResizeFilter
    /// How pixel values are mapped.
    public var mode: Mode
    /// Per-channel means for `mean_std`.
    public var mean: [Float]?
    /// Per-channel standard deviations for `mean_std`.
    public var std: [Float]?
    /// What pixel values are divided by before `mean` and `std` (`mean_std`; default 1).
    public var divisor: Float?
    /// The channel order `mean_std` writes (default RGB).
    public var channel_order: ChannelOrder?
    /// Where the recipe comes from, for people reading the manifest.
    public var note: String?

    /// The recipe of `pipeline` and the input size it produces (the inverse of `pipeline(input:)`);
    /// nil for what a recipe cannot say (a resize to a non-square size).
    static func recording(_ pipeline: ImagePipeline) -> (spec: PreprocessingSpec, inputSize: Int)? {
        var spec = PreprocessingSpec(geometry: .resize, filter: .nearest, mode: .caffe)
        let inputSize: Int
        switch pipeline.geometry {
        case let .resize(width, height, filter):
            guard width == height else { return nil }
            (spec.size, spec.filter, inputSize) = (width, filter, width)
        case let .shorterSideAndCenterCrop(resize, crop, filter):
            (spec.geometry, spec.resize, spec.crop, spec.filter, inputSize) = (.shorterSideCenterCrop, resize, crop, filter, crop)
        }
        switch pipeline.preprocessing {
        case .caffe: spec.mode = .caffe
        case .tf: spec.mode = .tf
        case .torch: spec.mode = .torch
        case let .meanStd(mean, std, divisor, order):
            (spec.mode, spec.mean, spec.std, spec.divisor, spec.channel_order) = (.meanStd, mean, std, divisor, order)
        }
        return (spec, inputSize)
    }

    init(geometry: Geometry, filter: ResizeFilter, mode: Mode) {
        self.geometry = geometry
        self.filter = filter
        self.mode = mode
    }

    /// The pipeline this recipe describes for `input`; errors name `model`.
    func pipeline(input: ModelManifest.Input, appliesEXIFOrientation: Bool, model: String) throws -> ImagePipeline {
        func bad(_ detail: String) -> ZooError { .badManifest(name: model, detail: detail) }
        let geometry: ImagePipeline.Geometry
        switch self.geometry {
        case .resize:
            let side = size ?? input.size
            geometry = .resize(width: side, height: side, filter: filter)
        case .shorterSideCenterCrop:
            guard let resize, let crop else { throw bad("shorter_side_center_crop needs resize and crop") }
            geometry = .shorterSideAndCenterCrop(size: resize, crop: crop, filter: filter)
        }
        let preprocessing: Preprocessing
        switch mode {
        case .caffe: preprocessing = .caffe
        case .tf: preprocessing = .tf
        case .torch: preprocessing = .torch
        case .meanStd:
            guard let mean, let std, mean.count == 3, std.count == 3 else { throw bad("mean_std needs 3 means and 3 stds") }
            preprocessing = .meanStd(mean: mean, std: std, divisor: divisor ?? 1, order: channel_order ?? .rgb)
        }
        return ImagePipeline(geometry: geometry, preprocessing: preprocessing, layout: input.layout,
                             decodeOptions: ImageDecoder.Options(appliesEXIFOrientation: appliesEXIFOrientation))
    }
}
