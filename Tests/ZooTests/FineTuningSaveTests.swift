import Foundation
import Testing
import Zoo
import ZooFormat
import ZooGraph
import ZooTensor
import ZooTestSupport

/// A fine-tuned model saved as `.zoo` and loaded back through the ordinary path.
@Suite struct FineTuningSaveTests {
    @Test func savedModelPredictsExactlyLikeTheInMemoryOne() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 12, seed: 3)
        let backbone = try FineTuningFixtures.edgeBackbone()
        var tuned = try backbone.replacingHead(classes: data.classes, hidden: [8], seed: 2)
        let report = try tuned.fit(data, epochs: 5, validationSplit: 0.25, seed: 2)
        let folder = try FineTuningFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("shapes.zoo")
        try tuned.save(to: url)

        let loaded = try Zoo.load(file: url)
        #expect(loaded.labels?.classes.map(\.name) == data.classes)
        #expect(loaded.labels?.classes.map(\.id) == data.classes)
        #expect(loaded.pipeline == FineTuningFixtures.pipeline)
        #expect(!loaded.outputsLogits && loaded.embeddingLayer == "features")
        #expect(loaded.graph.outputs.first?.name == "probabilities")

        let images = data.samples.prefix(8).map(\.image)
        let inMemory = try tuned.classifier()
        #expect(try loaded.classify(images, top: 4).map { try $0.get() } == inMemory.classify(images, top: 4).map { try $0.get() })
        let x = try loaded.preprocess(images)
        let fromFile = try loaded.run(["input": x])["probabilities"]!.floats
        #expect(fromFile == (try inMemory.run(["input": x])["probabilities"]!.floats))

        // The float64 training head agrees to float32 rounding.
        let features = try backbone.embeddings(images).floats.map(Double.init)
        let logits = tuned.head.logits(features, count: 8)
        for r in 0..<8 {
            let row = logits[(r * 4)..<(r * 4 + 4)]
            let sum = row.reduce(0) { $0 + exp($1 - row.max()!) }
            for j in 0..<4 { #expect(abs(exp(row[r * 4 + j] - row.max()!) / sum - Double(fromFile[r * 4 + j])) < 1e-5) }
        }
        // The backbone's embedding is still there.
        #expect(try loaded.embeddings(images).floats == backbone.embeddings(images).floats)

        let provenance = try #require(try ZooFile.load(url).metadata.provenance)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(provenance.utf8)) as? [String: Any])
        #expect(json["base_model"] as? String == "edge-features")
        let dataset = json["dataset"] as? [String: [String: Int]]
        #expect(dataset?["classes"] == Dictionary(uniqueKeysWithValues: data.classes.map { ($0, 12) }))
        #expect(dataset?["validation"]?.values.allSatisfy { $0 == 3 } == true)
        let metrics = json["metrics"] as? [String: Any]
        #expect(metrics?["accuracy"] as? Double == report.final.accuracy)
        #expect(metrics?["confusion"] as? [[Int]] == report.final.confusion)
        #expect((json["training"] as? [String: Any])?["seed"] as? Int == 2)
    }

    @Test func aFineTunedFileCanBeFineTunedAgain() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 4, seed: 2)
        let folder = try FineTuningFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("first.zoo")
        try FineTuningFixtures.edgeBackbone().replacingHead(classes: ["x", "y", "z"]).save(to: first)
        var second = try Zoo.load(file: first).replacingHead(classes: data.classes)
        try second.fit(data, epochs: 1, validationSplit: 0)
        let graph = try second.graph()
        // The old head is cut away with everything after the embedding.
        #expect(graph.nodes.filter { $0.name.hasPrefix("head/") }.map(\.name) == ["head/logits", "head/probabilities"])
        #expect(graph.parameterCount == (try ShapeImages.edgeFeatureGraph().parameterCount) + 99 * 4 + 4)
    }

    @Test func truncationKeepsOnlyWhatTheValueNeeds() throws {
        let graph = try Zoo.loadGraph("tiny-cnn")
        let cut = try graph.truncated(at: "avg_pool", outputName: "features")
        #expect(cut.outputs.map(\.name) == ["features"])
        #expect(!cut.nodes.contains { $0.name == "predictions" } && cut.value(named: "predictions/kernel") == nil)
        var factory = TensorFactory(seed: 1)
        let x = factory.uniform([3, 32, 32, 3])
        let full = try Executor(graph: graph.addingOutputs(["avg_pool"])).run(["input": x])["avg_pool"]!.floats
        #expect(try runGraph(cut, x).floats == full)

        var builder = try cut.extendingBuilder(name: "grown")
        let pooled = try #require(builder.value(named: "avg_pool"))
        builder.output(try builder.add(.activation(.sigmoid), inputs: [pooled], name: "squashed"))
        let grown = builder.build()
        #expect(grown.name == "grown" && grown.outputs.map(\.name) == ["squashed"])
        let squashed = try runGraph(grown, x).floats
        #expect(zip(squashed, full).allSatisfy { abs($0 - 1 / (1 + exp(-$1))) < 1e-6 })
        #expect(throws: GraphError.self) { try graph.truncated(at: "nope") }
    }
}
