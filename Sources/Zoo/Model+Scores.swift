import ZooVision

extension Model {
    /// The top-`k` classes from one row of the model's first output, as `classify` ranks them:
    /// softmax applied when the model outputs logits, best first, ties in index order. For
    /// callers that run the model themselves (the service's dynamic batches, its classification
    /// extension).
    public func predictions(fromScores row: [Float], top k: Int) throws -> [Prediction] {
        guard let labels else { throw ZooError.noPreprocessing(model: name) }
        guard row.count == labels.count else {
            throw ZooError.badArgument("\(name) outputs \(row.count) scores but has \(labels.count) class labels")
        }
        return labels.top(k, of: outputsLogits ? softmax(row) : row)
    }
}
