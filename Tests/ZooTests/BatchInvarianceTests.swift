import Foundation
import Testing
import Zoo

/// An image's results do not depend on the batch it runs in: every kernel choice is made per
/// image, not per batch (Winograd counts its tiles per image), so a served request batched with
/// others, a shard with another `--batch`, and one file of a folder all get the same bits.
@Suite struct BatchInvarianceTests {
    static let photos = ["cat.jpg", "coffee.jpg", "rocket.jpg", "astronaut.jpg"]
        .map { ImageSource.file(EfficientNetLite0Tests.samples.appendingPathComponent($0)) }

    /// tiny-cnn's 3x3 layers are where batches of 3 or more once took Winograd and batch 1 did not.
    @Test func tinyCNNEmbeddingsAndScoresAreTheSameBitsAtEveryBatchSize() throws {
        let model = try Zoo.load("tiny-cnn")
        let images = Self.photos + Self.photos
        let alone = try model.embed(images, batchSize: 1).map { try $0.get() }
        for batchSize in [3, 8] {
            let batched = try model.embed(images, batchSize: batchSize).map { try $0.get() }
            #expect(batched.map { $0.map(\.bitPattern) } == alone.map { $0.map(\.bitPattern) }, "batch size \(batchSize)")
        }
        let single = try model.classify(images, batchSize: 1).map { try $0.get().map(\.score.bitPattern) }
        let eight = try model.classify(images, batchSize: 8).map { try $0.get().map(\.score.bitPattern) }
        #expect(eight == single)
    }
}
