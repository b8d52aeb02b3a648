import ZooTensor
import ZooVision

/// Streaming over many images: each result is handed out as soon as its batch is done, in
/// input order, and nothing is kept afterwards, so a run over millions of images (a list read
/// from a pipe, one shard of a catalogue) holds one batch at a time.
///
/// ```swift
/// let files = try String(contentsOfFile: "list.txt", encoding: .utf8).split(separator: "\n")
/// try model.forEachClassification(of: files.lazy.map { .file(URL(fileURLWithPath: String($0))) }) { i, result in
///     print(files[i], (try? result.get().first?.label) ?? "error")
/// }
/// ```
extension Model {
    /// The top-`k` classes of each image, handed to `body` with the image's position in
    /// `images`, in order, as soon as its batch is done; a bad image is its own error result
    /// and the run goes on. `images` is read lazily, one batch ahead at most. An error thrown
    /// by `body` stops the run and is rethrown.
    public func forEachClassification<S: Sequence, E: Error>(
        of images: S, top k: Int = 5, batchSize: Int = 8, _ body: (Int, ImageResult<[Prediction]>) throws(E) -> Void
    ) throws(E) where S.Element == ImageSource {
        try streamBatches(images, batchSize: batchSize, compute: { batch in Result { try classifications(of: batch, top: k) } },
                          deliver: body)
    }

    /// The features of each image from `layer` (default: the model's embedding layer),
    /// flattened, handed to `body` as `forEachClassification(of:top:batchSize:_:)` does.
    public func forEachEmbedding<S: Sequence, E: Error>(
        of images: S, layer: String? = nil, batchSize: Int = 8, _ body: (Int, ImageResult<[Float]>) throws(E) -> Void
    ) throws(E) where S.Element == ImageSource {
        try streamBatches(images, batchSize: batchSize, compute: { batch in Result { try rows(try features(of: batch, layer: layer)) } },
                          deliver: body)
    }

    /// The top-`k` classes of each image of one preprocessed batch.
    func classifications(of batch: Tensor, top k: Int) throws -> [[Prediction]] {
        guard labels != nil else { throw ZooError.noPreprocessing(model: name) }
        let out = try executor.run([inputName: batch])[graph.outputs[0].name]!
        return try rows(out).map { try predictions(fromScores: $0, top: k) }
    }
}
