import Foundation
import Testing
import Zoo
import ZooTestSupport
import ZooVision

/// The DocC article Sources/Zoo/Zoo.docc/GettingStarted.md, compiled and run. Each of its
/// ```swift blocks must appear, line for line, in one of the functions below (the bodies the
/// article shows; the parameters are the files a reader has), so the article cannot drift from the API.
@Suite struct GettingStartedArticleTests {
    static let cat = URL(fileURLWithPath: "zoo/samples/cat.jpg")

    // MARK: The article's code

    @discardableResult
    func classify(_ photo: URL) throws -> Model {
        let model = try Zoo.load("efficientnet-lite0")
        for prediction in try model.classify(.file(photo), top: 3) {
            print(prediction.label, prediction.id, prediction.score)   // Egyptian_cat n02124075 0.41...
        }
        return model
    }

    func classifyMany(_ photos: [URL], model: Model) {
        let results = model.classify(photos.map { ImageSource.file($0) }, top: 1)
        for (photo, result) in zip(photos, results) {
            switch result {
            case .success(let predictions): print(photo.lastPathComponent, predictions[0].label)
            case .failure(let error): print(photo.lastPathComponent, "failed:", error)
            }
        }
    }

    func embed(_ labelled: [(URL, String)], query: URL, model: Model) throws -> Prediction {
        var index = EmbeddingIndex(model: model.name)
        for (photo, label) in labelled {
            try index.add(try model.embed(.file(photo)), label: label, id: photo.lastPathComponent)
        }
        let guess = try index.classify(try model.embed(.file(query)), top: 1)[0]
        print(guess.label, guess.score)
        return guess
    }

    func fineTune(_ folder: URL, output: URL, model: Model) throws -> Model {
        let dataset = try ImageFolderDataset(folder: folder)
        var tuned = try model.replacingHead(classes: dataset.classes)
        let report = try tuned.fit(dataset)
        print("accuracy on \(report.evaluatedOn):", report.final.accuracy)
        try tuned.save(to: output)
        let classifier = try Zoo.load(file: output)
        return classifier
    }

    func convert(_ source: String, output: URL) throws -> ModelConverter.Report {
        let converted = try ModelConverter.convert(source, to: output)
        print(converted.parameterCount, "parameters,", converted.fileBytes, "bytes")
        print("bit-identical to the source:", converted.probeBitIdentical)
        return converted
    }

    // MARK: Running it

    @Test func classifyAndEmbedRun() throws {
        let model = try classify(Self.cat)
        #expect(try model.classify(.file(Self.cat), top: 1)[0].label == "Egyptian_cat")
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.jpg")
        try Data("not a JPEG".utf8).write(to: broken)
        classifyMany([Self.cat, broken], model: model)
        let results = model.classify([ImageSource.file(Self.cat), .file(broken)], top: 1)
        #expect((try? results[0].get()) != nil)
        #expect((try? results[1].get()) == nil)

        let samples = URL(fileURLWithPath: "zoo/samples")
        let labelled = [(Self.cat, "cat"), (samples.appendingPathComponent("rocket.jpg"), "rocket")]
        #expect(try embed(labelled, query: Self.cat, model: model).label == "cat")
    }

    @Test func fineTuneRuns() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Two classes of generated shapes, four 32x32 PNGs each.
        var rng = SeededRandom(seed: 3)
        for label in 0..<2 {
            for i in 0..<4 {
                let pixels = ShapeImages.pixels(label: label, rng: &rng)
                let url = folder.appendingPathComponent("images/\(ShapeImages.classes[label])/\(i).png")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try PNGEncoder.rgb(width: 32, height: 32, pixels: pixels).write(to: url)
            }
        }
        let model = try Zoo.load("efficientnet-lite0")
        let classifier = try fineTune(folder.appendingPathComponent("images"), output: folder.appendingPathComponent("shapes.zoo"), model: model)
        let first = folder.appendingPathComponent("images/\(ShapeImages.classes[0])/0.png")
        #expect(Set(ShapeImages.classes.prefix(2)).contains(try classifier.classify(.file(first), top: 1)[0].label))
    }

    @Test func convertRuns() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try convert("tiny-cnn", output: folder.appendingPathComponent("tiny.zoo"))
        #expect(report.probeBitIdentical)
        #expect(FileManager.default.fileExists(atPath: report.output.path))
    }

    // MARK: The article shows this code

    @Test func articleBlocksAreInThisFile() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let article = try String(contentsOf: root.appendingPathComponent("Sources/Zoo/Zoo.docc/GettingStarted.md"), encoding: .utf8)
        let blocks = Self.swiftBlocks(in: article)
        #expect(blocks.count >= 5, "expected the import line and the classify, batch, embed, fine-tune and convert blocks")
        let source = try String(contentsOf: here, encoding: .utf8).components(separatedBy: "\n").map(Self.normalized)
        for block in blocks {
            let found = source.indices.contains { i in Array(source[i..<min(i + block.count, source.count)]) == block }
            #expect(found, "GettingStarted.md shows code that GettingStartedArticleTests does not run:\n\(block.joined(separator: "\n"))")
        }
    }

    /// The lines of each ```swift block, trimmed.
    static func swiftBlocks(in markdown: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in markdown.components(separatedBy: "\n") {
            let trimmed = normalized(line)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if let lines = current, trimmed == "```" {
                blocks.append(lines)
                current = nil
            } else if current != nil, !trimmed.isEmpty {
                current!.append(trimmed)
            }
        }
        return blocks
    }

    static func normalized(_ line: String) -> String { line.trimmingCharacters(in: .whitespaces) }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-article-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
