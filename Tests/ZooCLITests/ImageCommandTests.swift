import Foundation
import Testing
import Zoo
import ZooTensor
import ZooTestSupport

/// `predict`, `preprocess`, `embed`, `list` and `fetch` on the real EfficientNet-Lite0, whose
/// weights tools/setup caches (in CI too).
@Suite struct ImageCommandTests {
    let cat = SampleImages.url("cat.jpg").path
    let coffee = SampleImages.url("coffee.jpg").path

    @Test func predictPrintsRankLabelIdAndScore() throws {
        let r = try ZooExecutable.run(["predict", cat, "--top", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == cat, "the path as given heads the block")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("  1  Egyptian_cat") && lines[1].contains("n02124075") && lines[1].hasSuffix("0.4106"), "\(lines[1])")
    }

    @Test func predictJSONFollowsTheDocumentedSchema() throws {
        let r = try ZooExecutable.run(["predict", "--json", "--top", "2", cat, coffee])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["model"] as? String == "efficientnet-lite0")
        let images = object?["images"] as? [[String: Any]] ?? []
        #expect(images.map { $0["file"] as? String } == [cat, coffee])
        let first = (images.first?["predictions"] as? [[String: Any]])?.first
        #expect(first?["rank"] as? Int == 1)
        #expect(first?["index"] as? Int == 285)
        #expect(first?["id"] as? String == "n02124075")
        #expect(first?["label"] as? String == "Egyptian_cat")
        #expect(abs((first?["score"] as? Double ?? 0) - 0.4106) < 1e-4)
    }

    @Test func aFolderWithOneBadImageStillClassifiesTheRest() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: coffee, toPath: dir.appendingPathComponent("a.jpg").path)
        try Data(try Data(contentsOf: URL(fileURLWithPath: cat)).prefix(2000)).write(to: dir.appendingPathComponent("b.jpg"))
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let r = try ZooExecutable.run(["predict", "--top", "1", dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("a.jpg") && r.stdout.contains("espresso"), "\(r.stdout)")
        #expect(!r.stdout.contains("notes.txt"), "non-image files are not images of the folder")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("zoo: skipped 1 not image files") && $0.contains("notes.txt") }, "skipped files are named: \(r.stderr)")
        let errors = lines.filter { !$0.hasPrefix("zoo: skipped") }
        #expect(errors.count == 1 && errors[0].hasPrefix("zoo: error: ") && errors[0].contains("b.jpg") && errors[0].contains("truncated"), "\(r.stderr)")
    }

    @Test func badImagesAndModelsAreOneLineErrors() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let noImages = dir.appendingPathComponent("no-images")
        try FileManager.default.createDirectory(at: noImages, withIntermediateDirectories: true)
        let empty = dir.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        for (args, text) in [(["predict", empty.path], "empty.png"), (["predict", "/nonexistent.jpg"], "no such file"),
                             (["predict", "--model", "nope", cat], "nope"), (["predict", noImages.path], "no images")] {
            let r = try ZooExecutable.run(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("zoo: error: ") && r.stderr.contains(text), "\(args): \(r.stderr)")
        }
    }

    @Test func preprocessWritesTheTensorTheModelSees() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.npy")
        let r = try ZooExecutable.run(["preprocess", cat, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let x = try NPY.read(contentsOf: out)
        #expect(x.shape == [1, 3, 224, 224])
        let expected = try Zoo.load("efficientnet-lite0").preprocess([.file(URL(fileURLWithPath: cat))])
        #expect(x.floats == expected.floats)
        // (x - 127) / 128 of bytes: every value lies in [-127/128, 1].
        #expect(x.floats.allSatisfy { $0 >= -127.0 / 128 && $0 <= 1 })
    }

    @Test func embedWritesOneRowPerImage() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("e.npy")
        let r = try ZooExecutable.run(["embed", "--model", "efficientnet-lite0", "-o", out.path, cat, coffee])
        #expect(r.status == 0, "\(r.stderr)")
        let e = try NPY.read(contentsOf: out)
        #expect(e.shape == [2, 1280])
        let unknown = try ZooExecutable.run(["embed", "--layer", "no_such_layer", "-o", out.path, cat])
        #expect(unknown.status == 1 && unknown.stderr.contains("no_such_layer"), "\(unknown.stderr)")
    }

    @Test func fetchFromAFileChecksItsHash() throws {
        let home = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let wrong = home.appendingPathComponent("wrong.pth")
        try Data("definitely not the weights".utf8).write(to: wrong)
        let r = try ZooExecutable.run(["fetch", "efficientnet-lite0", "--from", wrong.path], environment: ["ZOO_HOME": home.path])
        #expect(r.status == 1)
        // A file of the wrong size is refused before hashing; either way it is named and not cached.
        #expect(r.stderr.contains("wrong.pth") && (r.stderr.contains("sha256") || r.stderr.contains("expected 18,826,032")), "\(r.stderr)")
        let cached = try FileManager.default.subpathsOfDirectory(atPath: home.path).filter { $0.hasSuffix(".pth") || $0.hasSuffix(".zoo") }
        #expect(cached == ["wrong.pth"], "nothing was cached: \(cached)")
        let listed = try ZooExecutable.run(["list"], environment: ["ZOO_HOME": home.path])
        #expect(listed.stdout.contains("efficientnet-lite0") && listed.stdout.contains("not cached"), "\(listed.stdout)")
    }

    @Test func predictWithoutCachedWeightsSaysHowToGetThem() throws {
        let home = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        // Offline, so nothing is fetched: the one line says what to download and where to put it.
        let r = try ZooExecutable.run(["predict", cat], environment: ["ZOO_HOME": home.path, "ZOO_OFFLINE": "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("efficientnet-lite0-57934424.pth") && r.stderr.contains("offline") && r.stderr.contains("--weights"), "\(r.stderr)")
    }
}
