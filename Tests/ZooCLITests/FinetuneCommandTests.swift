import Foundation
import Testing
import Zoo
import ZooTestSupport
import ZooVision

/// `zoo finetune` on generated PNGs over a small fixed backbone (see `ShapeImages`), then the
/// result through `predict`, `info` and `embed --index`.
@Suite struct FinetuneCommandTests {
    /// `perClass` 32x32 PNGs per class under `root/class_name/`.
    static func writeDataset(_ root: URL, perClass: Int) throws {
        var rng = SeededRandom(seed: 5)
        for (label, name) in ShapeImages.classes.enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let png = PNGEncoder.rgb(width: 32, height: 32, pixels: ShapeImages.pixels(label: label, rng: &rng))
                try png.write(to: folder.appendingPathComponent(String(format: "img%03d.png", i)))
            }
        }
    }

    /// A `.zoo` whose embedding is the edge features (its own two-class head is replaced).
    static func writeBaseModel(_ url: URL) throws {
        let pipeline = ImagePipeline(geometry: .resize(width: 32, height: 32, filter: .bilinear), preprocessing: .tf)
        let model = try Model(graph: ShapeImages.edgeFeatureGraph(), pipeline: pipeline, outputsLogits: false, embeddingLayer: "features")
        try model.replacingHead(classes: ["a", "b"]).save(to: url)
    }

    @Test func finetuneThenPredictInfoAndIndex() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data"), base = dir.appendingPathComponent("base.zoo")
        let out = dir.appendingPathComponent("shapes.zoo")
        try Self.writeDataset(data, perClass: 20)
        try Data("not an image".utf8).write(to: data.appendingPathComponent("red_circle/notes.txt"))
        try Self.writeBaseModel(base)

        let r = try ZooExecutable.run(["finetune", "--model", base.path, "--data", data.path, "--optimizer", "adam", "--epochs", "60", "--lr", "0.01",
                                   "--hidden", "32", "--batch-size", "16", "--val-split", "0.25", "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Dataset: 80 images in 4 classes (blue_circle 20, blue_square 20, red_circle 20, red_square 20)"), "\(r.stdout)")
        #expect(r.stdout.contains("epoch  1/60  loss "), "\(r.stdout)")
        #expect(r.stdout.contains("Validation (20 images") && r.stdout.contains("Confusion matrix"), "\(r.stdout)")
        #expect(ShapeImages.classes.allSatisfy { r.stdout.contains($0) })
        let warnings = r.stderr.split(separator: "\n")
        #expect(warnings.count == 1 && warnings[0].hasPrefix("zoo: warning: ") && warnings[0].contains("notes.txt"), "\(r.stderr)")
        #expect(!r.stderr.contains("\r"), "no progress bar when stderr is not a terminal")

        let images = ShapeImages.classes.map { data.appendingPathComponent($0).appendingPathComponent("img000.png").path }
        let p = try ZooExecutable.run(["predict", "--model", out.path, "--top", "1"] + images)
        #expect(p.status == 0, "\(p.stderr)")
        let top = p.stdout.split(separator: "\n").filter { $0.hasPrefix("  1  ") }.map { $0.split(separator: " ")[1] }
        #expect(top.map(String.init) == ShapeImages.classes, "\(p.stdout)")

        let info = try ZooExecutable.run(["info", out.path])
        #expect(info.status == 0 && info.stdout.contains("Output probabilities: [1,4]") && info.stdout.contains("head/logits"), "\(info.stdout)")

        let indexFile = dir.appendingPathComponent("index.json")
        let e = try ZooExecutable.run(["embed", "--model", out.path, "--index", indexFile.path,
                                   data.appendingPathComponent("blue_circle").path, data.appendingPathComponent("red_square").path])
        #expect(e.status == 0, "\(e.stderr)")
        let index = try EmbeddingIndex(contentsOf: indexFile)
        #expect(index.labels == ["blue_circle", "red_square"] && index.count == 40 && index.dimension == 99)
        // Embedding the same images again replaces their entries.
        #expect(try ZooExecutable.run(["embed", "--model", out.path, "--index", indexFile.path, images[0]]).status == 0)
        #expect(try EmbeddingIndex(contentsOf: indexFile).count == 40)
    }

    @Test func badDatasetsAndOptionsAreOneLineErrors() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base.zoo"), out = dir.appendingPathComponent("out.zoo").path
        try Self.writeBaseModel(base)
        let data = dir.appendingPathComponent("data")
        try Self.writeDataset(data, perClass: 2)
        for name in ShapeImages.classes.dropFirst() { try FileManager.default.removeItem(at: data.appendingPathComponent(name)) }
        func finetune(_ extra: [String]) throws -> ZooRun {
            try ZooExecutable.run(["finetune", "--model", base.path, "--data", data.path, "-o", out] + extra)
        }
        for (result, status, text) in [
            (try finetune([]), Int32(1), "need at least 2"),
            (try ZooExecutable.run(["finetune", "--model", base.path, "--data", dir.appendingPathComponent("nope").path, "-o", out]), 1, "no such folder"),
            (try finetune(["--epochs", "0"]), 2, "--epochs"),
            (try finetune(["--val-split", "1"]), 2, "--val-split"),
            (try ZooExecutable.run(["finetune", "--model", base.path, "--data", data.path, "-o", dir.appendingPathComponent("x.npy").path]), 2, ".zoo"),
        ] {
            #expect(result.status == status, "\(text): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("zoo: error: ") && result.stderr.contains(text), "\(result.stderr)")
        }
        try FileManager.default.createDirectory(at: data.appendingPathComponent("empty_class"), withIntermediateDirectories: true)
        let empty = try finetune([])
        #expect(empty.status == 1 && empty.stderr.contains("'empty_class' holds no images"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "no output after a failure")
    }
}
