import Foundation
import Testing
import ZooTestSupport

/// The bad-input cases of DESIGN.md at the command line: every command prints one line,
/// `zoo: error: ...`, exits with status 1, and leaves no output or temporary file behind. What
/// each parser says in detail is tested in ZooTests/BadInputTests.swift.
@Suite struct BadInputCommandTests {
    let scratch: Scratch
    let cat = SampleImages.url("cat.jpg").path

    init() throws { scratch = try Scratch() }

    /// Runs `zoo arguments` and expects the one error line naming `text`, and nothing new in the scratch folder.
    func expectRefused(_ arguments: [String], containing text: String, environment: [String: String] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = scratch.contents
        let r = try ZooExecutable.run(arguments, environment: environment)
        expectOneErrorLine(r, status: 1, containing: text, arguments.joined(separator: " "), sourceLocation: sourceLocation)
        #expect(scratch.contents == before, "left behind: \(scratch.contents.subtracting(before))", sourceLocation: sourceLocation)
    }

    func out(_ name: String) -> String { scratch.url(name).path }

    @Test func truncatedFiles() throws {
        let model = ONNXModelWriter.convReLU().serialized()
        let onnx = try scratch.file("model.onnx", Array(model.prefix(model.count / 2))).path
        try expectRefused(["convert", onnx, "-o", out("m.zoo")], containing: "model.onnx: truncated")
        try expectRefused(["infer", "--model", onnx, "--input", cat, "-o", out("y.npy")], containing: "model.onnx: truncated")
        let npy = try scratch.file("x.npy", HandMadeFiles.npy(shape: [1, 32, 32, 3], data: 100)).path
        try expectRefused(["infer", "--model", "tiny-cnn", "--input", npy, "-o", out("y.npy")], containing: "x.npy: truncated")
        let jpeg = try scratch.file("photo.jpg", try Data(contentsOf: URL(fileURLWithPath: cat)).prefix(5000)).path
        try expectRefused(["preprocess", jpeg, "-o", out("x2.npy")], containing: "photo.jpg: JPEG image file is truncated")
        try expectRefused(["embed", "-o", out("e.npy"), jpeg], containing: "photo.jpg: JPEG image file is truncated")
    }

    @Test func zeroByteFiles() throws {
        for name in ["model.onnx", "model.h5", "model.keras", "model.pth", "model.zoo"] {
            let model = try scratch.file(name, Data()).path
            try expectRefused(["convert", model, "-o", out("m.zoo")], containing: "\(name): ")
        }
        let npy = try scratch.file("x.npy", Data()).path
        try expectRefused(["infer", "--model", "tiny-cnn", "--input", npy, "-o", out("y.npy")], containing: "x.npy: empty file")
        let png = try scratch.file("photo.png", Data()).path
        try expectRefused(["preprocess", png, "-o", out("x.npy")], containing: "photo.png: empty file")
    }

    @Test func folderWhereAFileIsExpected() throws {
        for name in ["model.onnx", "model.pth", "model.zoo"] {
            let folder = try scratch.subfolder(name).path
            try expectRefused(["convert", folder, "-o", out("m.zoo")], containing: "\(name): is a folder")
        }
        let npy = try scratch.subfolder("x.npy").path
        try expectRefused(["infer", "--model", "tiny-cnn", "--input", npy, "-o", out("y.npy")], containing: "x.npy: is a folder")
    }

    @Test func gitLFSPointerWhereTheModelShouldBe() throws {
        let onnx = try scratch.file("model.onnx", HandMadeFiles.gitLFSPointer).path
        let r = try ZooExecutable.run(["convert", onnx, "-o", out("m.zoo")])
        #expect(r.status == 1)
        #expect(r.stderr == "zoo: error: model.onnx: a Git LFS pointer, not the model; the weights were never downloaded (run git lfs pull)\n")
        let expected = "a Git LFS pointer, not the model; the weights were never downloaded (run git lfs pull)"
        let pth = try scratch.file("model.pth", HandMadeFiles.gitLFSPointer).path
        try expectRefused(["predict", "--model", pth, cat], containing: "model.pth: \(expected)")
        try expectRefused(["info", try scratch.file("model.keras", HandMadeFiles.gitLFSPointer).path], containing: "model.keras: \(expected)")
        let home = try scratch.subfolder("home").path
        try expectRefused(["fetch", "efficientnet-lite0", "--from", pth], containing: "model.pth: \(expected)", environment: ["ZOO_HOME": home])
        for label in ["a", "b"] {
            try FileManager.default.copyItem(atPath: cat, toPath: try scratch.subfolder("data/\(label)").appendingPathComponent("cat.jpg").path)
        }
        try expectRefused(["finetune", "--model", pth, "--data", scratch.url("data").path, "-o", out("f.zoo")], containing: "model.pth: \(expected)")
        let npy = try scratch.file("x.npy", HandMadeFiles.gitLFSPointer).path
        try expectRefused(["infer", "--model", "tiny-cnn", "--input", npy, "-o", out("y.npy")], containing: "x.npy: a Git LFS pointer, not the array")
        let jpeg = try scratch.file("photo.jpg", HandMadeFiles.gitLFSPointer).path
        try expectRefused(["preprocess", jpeg, "-o", out("x2.npy")], containing: "photo.jpg: a Git LFS pointer, not the image")
    }

    /// Every command that writes checks the output's folder before doing any work.
    @Test func outputInAFolderThatDoesNotExist() throws {
        let missing = scratch.url("no-such-folder")
        let x = try scratch.file("x.npy", HandMadeFiles.npy(shape: [1, 32, 32, 3], data: 3072 * 4)).path
        let commands = [
            ["convert", "tiny-cnn", "-o", missing.appendingPathComponent("m.zoo").path],
            ["infer", "--model", "tiny-cnn", "--input", x, "-o", missing.appendingPathComponent("y.npy").path],
            ["preprocess", cat, "-o", missing.appendingPathComponent("x.npy").path],
            ["embed", "-o", missing.appendingPathComponent("e.npy").path, cat],
            ["finetune", "--data", scratch.folder.path, "-o", missing.appendingPathComponent("f.zoo").path],
        ]
        for arguments in commands {
            try expectRefused(arguments, containing: "the folder \(missing.path) does not exist")
        }
    }

    @Test func outputPathThatIsAFolder() throws {
        let folder = try scratch.subfolder("m.zoo").path
        try expectRefused(["convert", "tiny-cnn", "-o", folder], containing: "m.zoo: ")
    }

    /// Files whose structure lies or attacks, through `zoo convert` (which writes).
    @Test(arguments: HostileModel.allCases)
    func hostileModel(_ model: HostileModel) throws {
        let url = try scratch.file(model.fileName, model.bytes())
        try expectRefused(["convert", url.path, "-o", out("m.zoo")], containing: "\(model.fileName): \(model.expected)")
    }

    /// A 30000x30000 PNG header on a 65-byte file fails at once, without asking for 2.7 GB.
    @Test func hugePNGHeader() throws {
        let png = try scratch.file("photo.png", HandMadeFiles.pngHeader(width: 30000, height: 30000)).path
        let start = ContinuousClock.now
        try expectRefused(["preprocess", png, "-o", out("x.npy")], containing: "photo.png: 30000x30000 is 900000000 pixels")
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}

/// Models built to break the importers, each with the text its error must contain.
enum HostileModel: String, CaseIterable, Sendable {
    case cyclicGraph, unproducedInput, overflowingShape, negativeDimension, shortData, externalDataOutside,
         pickleCallingSystem, pthEntryEscaping, kerasEntryEscaping

    var fileName: String {
        switch self {
        case .pickleCallingSystem, .pthEntryEscaping: "model.pth"
        case .kerasEntryEscaping: "model.keras"
        default: "model.onnx"
        }
    }

    var expected: String {
        switch self {
        case .cyclicGraph: "node 'a' (Add): the graph has a cycle: 'a' -> 'b' -> 'a'"
        case .unproducedInput: "node 'y' (Relu): reads 'ghost', which no node, graph input or initializer defines"
        case .overflowingShape: "initializer 'w': dims [65536,65536,65536,65536] overflow the element count"
        case .negativeDimension: "initializer 'w': negative or huge dimension -3"
        case .shortData: "initializer 'w': raw_data holds 44 bytes; dims [4,3,1,1] of FLOAT need 48"
        case .externalDataOutside: "initializer 'w': external data location '../weights.bin' is outside the model's folder"
        case .pickleCallingSystem: "pickle names posix.system, which a state dict never needs (refused, nothing was run)"
        case .pthEntryEscaping: "zip entry '../outside': path escapes the archive"
        case .kerasEntryEscaping: "zip entry '../outside.txt': path escapes the archive"
        }
    }

    func bytes() -> Data {
        var m = ONNXModelWriter.convReLU()
        switch self {
        case .cyclicGraph:
            m.nodes = [.init("Add", ["x", "b"], ["a"]), .init("Relu", ["a"], ["b"])]
            m.outputs = ["b"]
        case .unproducedInput: m.nodes[1].inputs = ["ghost"]
        case .overflowingShape: m.initializers[0].dims = [65536, 65536, 65536, 65536]
        case .negativeDimension: m.initializers[0].dims = [4, -3, 1, 1]
        case .shortData: m.initializers[0].values.removeLast()
        case .externalDataOutside: m.initializers[0].externalLocation = "../weights.bin"
        case .pickleCallingSystem:
            return Data(PickleWriter.pickle(.call(.global(module: "posix", name: "system"), [.string("touch pwned")])))
        case .pthEntryEscaping:
            var zip = StoredZip()
            zip.add("archive/data.pkl", Data(PickleWriter.pickle(.dict([]))))
            zip.add("../outside", Data("escaped".utf8))
            return zip.archive()
        case .kerasEntryEscaping:
            var zip = StoredZip()
            zip.add("config.json", Data("{}".utf8))
            zip.add("../outside.txt", Data("escaped".utf8))
            return zip.archive()
        }
        return Data(m.serialized())
    }
}
