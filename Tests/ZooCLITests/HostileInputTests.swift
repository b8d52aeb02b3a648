import Foundation
import Testing
import ZooTestSupport

/// Issue 15's table, held: every hostile input (built here, or the fuzzers' known files) through
/// every command that reads its kind of file gives exit 1 (2 for flags), exactly one
/// `zoo: error:` line naming the file, no output left behind, and a peak resident set of the
/// child process (helpers included) under 1 GB.
@Suite struct HostileInputTests {
    let scratch: Scratch
    let cat = SampleImages.url("cat.jpg").path
    static let rssLimit = 1 << 30
    static let knownFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/fuzz/known")

    init() throws { scratch = try Scratch() }

    func out(_ name: String) -> String { scratch.url(name).path }

    /// Runs `zoo arguments`, expecting one error line containing `text`, nothing new in the
    /// scratch folder and bounded memory.
    func expectRefused(_ arguments: [String], containing text: String, status: Int32 = 1, environment: [String: String] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = scratch.contents
        let r = try MeasuredRun.run(arguments, environment: environment, in: scratch.folder)
        let comment = arguments.joined(separator: " ")
        #expect(r.status == status, "\(comment): status \(r.status), stderr \(r.stderr)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 && lines[0].hasPrefix("zoo: error: "), "\(comment): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(text), "\(comment): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.peakRSSBytes < Self.rssLimit, "\(comment): peak RSS \(r.peakRSSBytes)", sourceLocation: sourceLocation)
        #expect(scratch.contents.subtracting(before).filter { !$0.hasPrefix(".stderr") }.isEmpty,
                "\(comment): left behind \(scratch.contents.subtracting(before))", sourceLocation: sourceLocation)
    }

    @Test func padOf100000() throws {
        let onnx = try scratch.file("pad.onnx", HostileFiles.pad100000()).path
        let x = try scratch.file("x.npy", HandMadeFiles.npy(shape: [1, 3, 16, 16], data: 3 * 16 * 16 * 4)).path
        let needs = "pad.onnx: running this model at batch 1 needs 960 GB of activation memory (limit"
        try expectRefused(["infer", "--model", onnx, "--input", x, "-o", out("y.npy")], containing: needs)
        try expectRefused(["convert", onnx, "-o", out("m.zoo")], containing: needs)
        try expectRefused(["bench", "--model", onnx, "--runs", "1"], containing: needs)
        try expectRefused(["info", onnx], containing: needs)
    }

    @Test func declaredHugeInput() throws {
        let onnx = try scratch.file("huge.onnx", HostileFiles.hugeInput()).path
        let needs = "huge.onnx: running this model at batch 1 needs 360 GB of activation memory"
        try expectRefused(["convert", onnx, "-o", out("m.zoo")], containing: needs)
        try expectRefused(["bench", "--model", onnx, "--runs", "1"], containing: needs)
    }

    @Test func batchFlagsBeyondMemory() throws {
        let zoo = out("m.zoo")
        #expect(try ZooExecutable.run(["convert", "tiny-cnn", "-o", zoo]).status == 0)
        defer { try? FileManager.default.removeItem(atPath: zoo) }
        try expectRefused(["info", zoo, "--batch", "1000000000000"],
                          containing: "m.zoo: running this model at batch 1000000000000 needs")
        try expectRefused(["bench", "--model", zoo, "--batch", "1000000000000", "--runs", "1"],
                          containing: "m.zoo: running this model at batch 1000000000000 needs")
        try expectRefused(["bench", "--model", zoo, "--batch", "100000", "--runs", "1", "--max-memory", "1G"],
                          containing: "m.zoo: running this model at batch 100000 needs 4.5 GB of activation memory (limit 1.1 GB")
        try expectRefused(["bench", "--model", zoo, "--batch", "100000", "--runs", "1"],
                          containing: "m.zoo: running this model at batch 100000 needs", environment: ["ZOO_MAX_MEMORY": "512M"])
        try expectRefused(["info", zoo, "--max-memory", "lots"], containing: "--max-memory takes a size", status: 2)
    }

    @Test func dropoutRatioFedAtRunTime() throws {
        let onnx = try scratch.file("dropout.onnx", HostileFiles.dropoutRatioInput()).path
        let x = try scratch.file("x.npy", HandMadeFiles.npy(shape: [3, 4, 5], data: 60 * 4)).path
        let r = try scratch.file("r.npy", HandMadeFiles.npy(shape: [], data: 4)).path
        let result = try ZooExecutable.run(["infer", "--model", onnx, "--input", "x=\(x)", "--input", "r=\(r)", "-o", out("y.npy")])
        // Inference-time Dropout is the identity, whatever the ratio.
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: scratch.url("y.npy")).suffix(240) == Data(contentsOf: URL(fileURLWithPath: x)).suffix(240))
    }

    @Test func pthZipBomb() throws {
        let pth = try scratch.file("bomb.pth", HostileFiles.pthZipBomb()).path
        let bomb = "bomb.pth: zip entry 'archive/data/"
        try expectRefused(["info", pth], containing: bomb)
        try expectRefused(["convert", pth, "-o", out("m.zoo")], containing: bomb)
        try expectRefused(["predict", "--model", pth, cat], containing: bomb)
        try expectRefused(["embed", "--model", pth, "-o", out("e.npy"), cat], containing: bomb)
    }

    @Test func widePNGStaysSmall() throws {
        let png = try scratch.file("wide.png", HostileFiles.widePNG()).path
        let r = try MeasuredRun.run(["preprocess", "--model", "efficientnet-lite0", png, "-o", out("x.npy")], in: scratch.folder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.peakRSSBytes < Self.rssLimit, "peak RSS \(r.peakRSSBytes)")
        #expect(FileManager.default.fileExists(atPath: out("x.npy")))
    }

    /// Issue 15: a folder of 13000x13000 JPEGs took 3.0 GB, every full-size decode of a batch held
    /// at once. Each is now reduced to the model's input as soon as it is decoded: three of them
    /// (1.5 GB of RGB pixels together) are classified with one decode's memory.
    @Test func aFolderOfHugeJPEGsIsClassifiedInBoundedMemory() throws {
        let folder = scratch.url("huge-photos")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let jpeg = FlatJPEG.grey(width: 13000, height: 13000)
        for i in 0..<3 { try jpeg.write(to: folder.appendingPathComponent("\(i).jpg")) }
        let r = try MeasuredRun.run(["predict", "--model", "tiny-cnn", "--top", "1", folder.path], in: scratch.folder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.peakRSSBytes < Self.rssLimit, "peak RSS \(r.peakRSSBytes)")
    }

    @Test func decodedImageOverTheBudget() throws {
        try expectRefused(["preprocess", "--model", "efficientnet-lite0", cat, "-o", out("x.npy"), "--max-memory", "100k"],
                          containing: "cat.jpg: out of memory: decoding ")
    }

    /// libhdf5's known crashes and its 4 GB read happen in the import helper, not in zoo.
    @Test(arguments: ["crash-h5hg-read-bad-index.h5", "crash-h5o-attribute-message-overflow.h5", "oom-vlen-length-4gb.h5",
                           "oom-metadata-entry-4gb.h5", "oom-small-blocks-2gb.h5"])
    func knownHDF5Findings(_ name: String) throws {
        let file = try scratch.file(name, Data(contentsOf: Self.knownFolder.appendingPathComponent(name))).path
        try expectRefused(["info", file], containing: "\(name): ")
        try expectRefused(["convert", file, "-o", out("m.zoo")], containing: "\(name): ")
        try expectRefused(["predict", "--model", file, "--arch", "vgg16", cat], containing: "\(name): ")
        try expectRefused(["infer", "--model", file, "--input", cat, "-o", out("y.npy")], containing: "\(name): ")
    }
}
