import ZooTensor
import ZooVision

extension Model {
    /// Pulls images from `images` one at a time, runs `compute` on them `batchSize` at a time and
    /// hands `deliver` one result per image, in input order, as soon as it is known. Each image
    /// is decoded and brought to the model's input size as soon as it is read, so a batch holds
    /// model-size pixels only, whatever the files' sizes; an image that fails to decode gets its
    /// own error and the batch goes on without it. Nothing is kept once delivered, so memory
    /// does not grow with the number of images, and the sequence may be lazy (a list read from
    /// a pipe): image `i + batchSize` is not read before image `i`'s batch was delivered.
    func streamBatches<S: Sequence, T, E: Error>(
        _ images: S, batchSize: Int, compute: (Tensor) -> Result<[T], any Error>,
        deliver: (Int, ImageResult<T>) throws(E) -> Void
    ) throws(E) where S.Element == ImageSource {
        let batchSize = max(batchSize, 1)
        var pending: [(index: Int, image: RGBImage)] = []
        // Results not yet delivered: a decode failure waits for the batch before it.
        var ready: [Int: ImageResult<T>] = [:]
        var next = 0
        func deliverReady() throws(E) {
            while let result = ready.removeValue(forKey: next) {
                try deliver(next, result)
                next += 1
            }
        }
        func flush() throws(E) {
            guard !pending.isEmpty else { return }
            let outcome = Result { () throws in
                let pipeline = try requirePipeline()
                return try pipeline.preprocessing.tensor(from: pending.map(\.image), layout: pipeline.layout)
            }.flatMap(compute)
            switch outcome {
            case .success(let values):
                for (entry, value) in zip(pending, values) { ready[entry.index] = .success(value) }
            case .failure(let error):
                for entry in pending { ready[entry.index] = .failure(error) }
            }
            pending.removeAll(keepingCapacity: true)
            try deliverReady()
        }
        for (i, image) in images.enumerated() {
            do {
                let pipeline = try requirePipeline()
                pending.append((i, pipeline.resized(try image.decoded(pipeline.decodeOptions))))
            } catch {
                ready[i] = .failure(error)
                try deliverReady()
            }
            if pending.count >= batchSize { try flush() }
        }
        try flush()
    }

    /// `streamBatches` collected into an array, `onResult` seeing each result as it comes.
    func forEachBatch<T>(_ images: [ImageSource], batchSize: Int, onResult: ((Int, ImageResult<T>) -> Void)?,
                         _ body: (Tensor) throws -> [T]) -> [ImageResult<T>] {
        var results: [ImageResult<T>] = []
        results.reserveCapacity(images.count)
        streamBatches(images, batchSize: batchSize, compute: { batch in Result { try body(batch) } }) { i, result in
            results.append(result)
            onResult?(i, result)
        }
        return results
    }
}
