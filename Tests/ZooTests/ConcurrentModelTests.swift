import Foundation
import Testing
import Zoo
import ZooTestSupport
import ZooVision

/// One loaded `Model` serving eight tasks at once gives bit-identical results to serial calls
/// (DESIGN.md: a loaded model is `Sendable` and many tasks may run it at once). The README's
/// testing section runs this suite under the thread sanitizer too.
@Suite struct ConcurrentModelTests {
    /// Everything the public API returns for one task's work, compared bit for bit.
    struct Outcome: Equatable {
        var predictions: [Prediction]
        var batchPredictions: [[Prediction]]
        var embedding: [UInt32]
        var innerLayer: [UInt32]
        var raw: [UInt32]

        /// Task `i` classifies, embeds and runs image `i`, and classifies a batch of `i + 1`
        /// images, so that tasks also plan new batch sizes and build a layer's executor at once.
        init(_ model: Model, task i: Int, images: [ImageSource]) throws {
            let image = images[i]
            predictions = try model.classify(image, top: 4)
            batchPredictions = try model.classify(Array(images[...i]), top: 2).map { try $0.get() }
            embedding = try model.embed(image).map(\.bitPattern)
            innerLayer = try model.embeddings([image], layer: "colour").floats.map(\.bitPattern)
            raw = try model.run(["input": try model.preprocess([image])])["probabilities"]!.floats.map(\.bitPattern)
        }
    }

    @Test func eightTasksMatchSerialCallsBitForBit() async throws {
        // A fine-tuned model saved as .zoo and loaded through Zoo.load(file:): preprocessing,
        // labels, a classifier head and an embedding output, on two threads per run.
        let data = try FineTuningFixtures.shapesDataset(perClass: 2, seed: 5)
        let tuned = try FineTuningFixtures.edgeBackbone().replacingHead(classes: data.classes, hidden: [8], seed: 1)
        let scratch = try Scratch()
        try tuned.save(to: scratch.url("shapes.zoo"))
        let images = data.samples.prefix(8).map(\.image)

        let serialModel = try Zoo.load(file: scratch.url("shapes.zoo"), options: LoadOptions(threads: 2))
        let serial = try images.indices.map { try Outcome(serialModel, task: $0, images: images) }

        let model = try Zoo.load(file: scratch.url("shapes.zoo"), options: LoadOptions(threads: 2))
        let concurrent = try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
            for i in images.indices {
                group.addTask { (i, try Outcome(model, task: i, images: images)) }
            }
            var out = [Outcome?](repeating: nil, count: images.count)
            for try await (i, outcome) in group { out[i] = outcome }
            return out
        }
        #expect(concurrent.count == 8)
        for i in images.indices {
            #expect(concurrent[i] == serial[i], "task \(i)")
        }
    }
}
