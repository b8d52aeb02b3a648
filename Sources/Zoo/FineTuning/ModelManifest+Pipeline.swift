import ZooVision

extension ModelManifest {
    /// The manifest-shaped card a saved model carries, describing `pipeline` in the manifest's
    /// own terms, so that loading the file rebuilds the same pipeline.
    init(cardFor pipeline: ImagePipeline, name: String, architecture: String, inputName: String, output: String,
         embedding: String?) throws {
        var spec = PreprocessingSpec(geometry: "", size: nil, resize: nil, crop: nil, filter: "", mode: "", mean: nil, std: nil,
                                     divisor: nil, channel_order: nil, note: nil)
        let size: Int
        switch pipeline.geometry {
        case let .resize(width, height, filter):
            guard width == height else {
                throw FineTuningError.unsuitableModel(model: architecture, detail: "a \(width)x\(height) resize cannot be recorded (square sizes only)")
            }
            (spec.geometry, spec.size, spec.filter, size) = ("resize", width, filter.rawValue, width)
        case let .shorterSideAndCenterCrop(resize, crop, filter):
            (spec.geometry, spec.resize, spec.crop, spec.filter, size) = ("shorter_side_center_crop", resize, crop, filter.rawValue, crop)
        }
        switch pipeline.preprocessing {
        case .caffe: spec.mode = "caffe"
        case .tf: spec.mode = "tf"
        case .torch: spec.mode = "torch"
        case let .meanStd(mean, std, divisor, order):
            (spec.mode, spec.mean, spec.std, spec.divisor, spec.channel_order) = ("mean_std", mean, std, divisor, order.rawValue)
        }
        self.init(name: name, family: "", architecture: architecture, description: nil,
                  input: Input(name: inputName, size: size, layout: pipeline.layout.rawValue), preprocessing: spec,
                  output: output, embedding: embedding, labels: "", parameters: nil, weights: [], license: "")
    }
}
