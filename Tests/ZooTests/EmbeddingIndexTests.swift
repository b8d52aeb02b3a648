import Foundation
import Testing
import Zoo
import ZooTensor
import ZooTestSupport

/// Few-shot classification by labelled embeddings.
@Suite struct EmbeddingIndexTests {
    static func sample() throws -> EmbeddingIndex {
        var index = EmbeddingIndex(model: "test")
        try index.add([1, 0, 0], label: "x", id: "x1")
        try index.add([0.9, 0.1, 0], label: "x", id: "x2")
        try index.add([0, 2, 0], label: "y", id: "y1")
        try index.add([0, 0, 5], label: "z")
        return index
    }

    @Test func nearestNeighboursByCosine() throws {
        let index = try Self.sample()
        #expect(index.count == 4 && index.dimension == 3 && index.labels == ["x", "y", "z"])
        #expect(index.entries.last?.id == "z/1")
        let near = try index.nearest([10, 1, 0], k: 2)
        #expect(near.map(\.id) == ["x2", "x1"])
        #expect(abs(near[0].similarity - Float(9.1 / (Double(10 * 10 + 1).squareRoot() * Double(0.81 + 0.01).squareRoot()))) < 1e-6)
        #expect(try index.nearest([0, 0, -1], k: 10).last?.label == "z", "all entries, the opposite direction last")
    }

    @Test func nearestCentroidClassification() throws {
        let index = try Self.sample()
        let top = try index.classify([0.2, 1, 0], top: 3)
        #expect(top.map(\.label) == ["y", "x", "z"])
        #expect(top[0].id == "y" && top[0].index == 1)
        // Centroids average unit vectors: x's is the mean of (1,0,0) and (0.9,0.1,0)/|.|.
        let x = try #require(index.centroids().first { $0.label == "x" }).vector
        let n = (0.81 + 0.01).squareRoot()
        #expect(abs(x[0] - Float((1 + 0.9 / n) / 2)) < 1e-6 && abs(x[1] - Float(0.1 / n / 2)) < 1e-6)
    }

    @Test func removeByIdAndByLabel() throws {
        var index = try Self.sample()
        #expect(index.remove(id: "x1") && !index.remove(id: "x1"))
        #expect(index.remove(label: "z") == 1 && index.labels == ["x", "y"])
        try index.add([0, 0, 1], label: "z")
        #expect(index.entries.last?.id == "z/1", "a freed id is used again")
    }

    @Test func badVectorsAreRefused() throws {
        var index = try Self.sample()
        #expect(throws: FineTuningError.self) { try index.add([1, 2], label: "x") }
        #expect(throws: FineTuningError.self) { try index.add([0, 0, 0], label: "x") }
        #expect(throws: FineTuningError.self) { try index.add([.nan, 0, 1], label: "x") }
        #expect(throws: FineTuningError.self) { try index.add([1, 1, 1], label: "x", id: "x1") }
        #expect(throws: FineTuningError.self) { try index.nearest([1, 0], k: 1) }
        #expect(throws: FineTuningError.self) { try EmbeddingIndex().classify([1, 0, 0]) }
    }

    @Test func saveAndLoadKeepEveryBit() throws {
        let folder = try FineTuningFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var index = try Self.sample()
        try index.add([Float.pi, -1e-30, 3e38], label: "odd values")
        let url = folder.appendingPathComponent("index.json")
        try index.save(to: url)
        let loaded = try EmbeddingIndex(contentsOf: url)
        #expect(loaded.entries == index.entries && loaded.model == "test" && loaded.dimension == 3)

        try Data("{\"format\": \"something else\"}".utf8).write(to: url)
        #expect(throws: FineTuningError.self) { try EmbeddingIndex(contentsOf: url) }
        #expect(throws: FineTuningError.self) { try EmbeddingIndex(contentsOf: folder.appendingPathComponent("missing.json")) }
        let broken = #"{"format": "zoo-embedding-index", "version": 1, "dimension": 2, "entries": [{"id": "a", "label": "a", "vector": "AAAAAA=="}]}"#
        try Data(broken.utf8).write(to: url)
        #expect(throws: FineTuningError.self) { try EmbeddingIndex(contentsOf: url) }
    }

    /// The rows of a `[N, D]` embedding tensor (what `Model.embed` and `zoo embed` give), on
    /// the generated shapes: nearest-centroid on the backbone's features, no training.
    @Test func indexesModelEmbeddings() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 20, seed: 11)
        let backbone = try FineTuningFixtures.edgeBackbone()
        let (train, test) = data.stratifiedSplit(validationFraction: 0.5, seed: 1)
        let features = try backbone.embeddings(train.map { data.samples[$0].image })
        let index = try EmbeddingIndex(embeddings: features, labels: train.map { data.classes[data.samples[$0].label] },
                                       model: backbone.name)
        #expect(index.count == 40 && index.dimension == 99 && index.entries[0].id == "blue_circle/1")
        let queries = try backbone.embeddings(test.map { data.samples[$0].image })
        let rows = (0..<test.count).map { Array(queries.floats[($0 * 99)..<(($0 + 1) * 99)]) }
        let predicted = try index.classify(rows, top: 1).map { $0[0].label }
        let correct = zip(predicted, test).filter { $0 == data.classes[data.samples[$1].label] }.count
        print("synthetic shapes: nearest-centroid accuracy \(Double(correct) / Double(test.count)) (\(correct)/\(test.count))")
        #expect(correct > test.count / 4, "better than chance")
        #expect(throws: FineTuningError.self) { try EmbeddingIndex(embeddings: features, labels: ["too few"]) }
    }
}
