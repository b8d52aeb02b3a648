import ZooTensor
import ZooVision

extension Model {
    /// Runs `body` over the images `batchSize` at a time and hands out one result per image.
    /// Each image is decoded and brought to the model's input size as soon as it is read, so a
    /// batch holds model-size pixels only, whatever the files' sizes; an image that fails to
    /// decode gets its own error and the batch goes on without it.
    func forEachBatch<T>(_ images: [ImageSource], batchSize: Int, onResult: ((Int, ImageResult<T>) -> Void)?,
                         _ body: (Tensor) throws -> [T]) -> [ImageResult<T>] {
        var results = [ImageResult<T>?](repeating: nil, count: images.count)
        var pending: [(index: Int, image: RGBImage)] = []
        var reported = 0
        func report() {
            while reported < images.count, let result = results[reported] {
                onResult?(reported, result)
                reported += 1
            }
        }
        func flush() {
            guard !pending.isEmpty else { return }
            do {
                let pipeline = try requirePipeline()
                let batch = try pipeline.preprocessing.tensor(from: pending.map(\.image), layout: pipeline.layout)
                for (entry, value) in zip(pending, try body(batch)) { results[entry.index] = .success(value) }
            } catch {
                for entry in pending { results[entry.index] = .failure(error) }
            }
            pending.removeAll(keepingCapacity: true)
            report()
        }
        for (i, image) in images.enumerated() {
            do {
                let pipeline = try requirePipeline()
                pending.append((i, pipeline.resized(try image.decoded(pipeline.decodeOptions))))
            } catch {
                results[i] = .failure(error)
                report()
            }
            if pending.count >= max(batchSize, 1) { flush() }
        }
        flush()
        return results.map { $0! }
    }
}
