import Foundation
import Testing
import Zoo
import ZooTestSupport
import ZooVision

/// `Model.forEachClassification(of:)` / `forEachEmbedding(of:)`: results in input order, each
/// as soon as its batch is done, the images read lazily, a bad image its own error.
@Suite struct StreamingTests {
    /// A sequence of images that counts how many were taken from it.
    final class CountingImages: Sequence {
        let images: [ImageSource]
        private(set) var pulled = 0
        init(_ images: [ImageSource]) { self.images = images }
        func makeIterator() -> AnyIterator<ImageSource> {
            var i = 0
            return AnyIterator { [self] in
                guard i < images.count else { return nil }
                defer { i += 1 }
                pulled += 1
                return images[i]
            }
        }
    }

    static func images(count: Int, badAt bad: Int) -> [ImageSource] {
        var rng = SeededRandom(seed: 7)
        return (0..<count).map { i in
            if i == bad { return .encoded(Data("not an image".utf8), name: "bad.png") }
            let size = 24 + i
            let pixels = (0..<(size * size * 3)).map { _ in UInt8(rng.next() % 256) }
            return .encoded(PNGEncoder.rgb(width: size, height: size, pixels: pixels), name: "\(i).png")
        }
    }

    @Test func classificationsComeInOrderAsEachBatchIsDone() throws {
        let model = try Zoo.load("tiny-cnn")
        let images = Self.images(count: 10, badAt: 4)
        let source = CountingImages(images)
        var delivered: [(index: Int, pulledSoFar: Int, result: ImageResult<[Prediction]>)] = []
        model.forEachClassification(of: source, top: 3, batchSize: 3) { i, result in
            delivered.append((i, source.pulled, result))
        }
        #expect(delivered.map(\.index) == Array(0..<10), "every image once, in input order")
        #expect(delivered[0].pulledSoFar == 3, "the first result comes once its batch of 3 is read, not after all 10")
        #expect(delivered.map(\.pulledSoFar) == [3, 3, 3, 7, 7, 7, 7, 10, 10, 10], "results never wait for more than their batch")
        if case .failure(let error) = delivered[4].result {
            #expect("\(error)".contains("bad.png"), "\(error)")
        } else {
            Issue.record("the bad image is its own error")
        }
        // The same answers as the collecting call.
        let collected = model.classify(images, top: 3, batchSize: 3)
        for (streamed, whole) in zip(delivered.map(\.result), collected) {
            #expect((try? streamed.get()) == (try? whole.get()))
        }
    }

    @Test func embeddingsStreamToo() throws {
        let model = try Zoo.load("tiny-cnn")
        let images = Self.images(count: 5, badAt: 2)
        var rows: [Int: [Float]] = [:]
        var failed: [Int] = []
        model.forEachEmbedding(of: images.lazy, batchSize: 2) { i, result in
            switch result {
            case .success(let row): rows[i] = row
            case .failure: failed.append(i)
            }
        }
        #expect(failed == [2])
        #expect(rows.keys.sorted() == [0, 1, 3, 4])
        #expect(rows[3] == (try model.embed(images[3])), "a batch's rows are each image's own features")
    }

    @Test func anErrorThrownByTheBodyStopsTheRun() throws {
        struct Stop: Error {}
        let model = try Zoo.load("tiny-cnn")
        let source = CountingImages(Self.images(count: 9, badAt: -1))
        var seen = 0
        #expect(throws: Stop.self) {
            try model.forEachClassification(of: source, batchSize: 2) { _, _ in
                seen += 1
                if seen == 3 { throw Stop() }
            }
        }
        #expect(seen == 3 && source.pulled == 4, "nothing more is read once the body throws")
    }
}
