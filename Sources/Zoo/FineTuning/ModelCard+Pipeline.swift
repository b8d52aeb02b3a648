import ZooVision

extension ModelCard {
    /// The card a saved fine-tuned model carries, describing `pipeline` in the manifest's own
    /// terms, so that loading the file rebuilds the same pipeline.
    init(for pipeline: ImagePipeline, name: String, architecture: String, inputName: String,
         output: ModelManifest.Output, embedding: String?) throws {
        guard let (spec, size) = PreprocessingSpec.recording(pipeline) else {
            throw FineTuningError.unsuitableModel(model: architecture, detail: "a non-square resize cannot be recorded (square sizes only)")
        }
        self.init(name: name, architecture: architecture, input: ModelManifest.Input(name: inputName, size: size, layout: pipeline.layout),
                  preprocessing: spec, output: output, embedding: embedding)
    }
}
