import Foundation
import Testing
import Zoo
import ZooTensor
import ZooTestSupport
import ZooVision

/// Files whose structure lies or attacks: cycles, values nothing produces, shapes that overflow
/// or go negative, data shorter than declared, paths out of the model's folder, pickles that
/// call the shell, a decompression bomb's header.
extension BadInputTests {
    /// Where a hostile shape can be declared.
    enum ShapeSite: String, CaseIterable, Sendable {
        case onnxInitializer, onnxGraphInput, zooHeader, npyHeader, pthTensor

        var format: InputFormat {
            switch self {
            case .onnxInitializer, .onnxGraphInput: .onnx
            case .zooHeader: .zoo
            case .npyHeader: .npy
            case .pthTensor: .pthZip
            }
        }

        /// A small file declaring `dims` at this site (with 12 floats of data where data goes).
        func file(dims: [Int], in scratch: Scratch) throws -> URL {
            let values = (0..<12).map(Float.init)
            switch self {
            case .onnxInitializer:
                var m = ONNXModelWriter.convReLU()
                m.initializers[0].dims = dims.map(Int64.init)
                return try scratch.file(format.fileName, m.serialized())
            case .onnxGraphInput:
                var m = ONNXModelWriter.convReLU()
                m.inputs[0].dims = dims.map(Int64.init)
                return try scratch.file(format.fileName, m.serialized())
            case .zooHeader:
                let shape = dims.map(String.init).joined(separator: ",")
                return try scratch.file(format.fileName, HandMadeFiles.safetensors(#"{"t":{"dtype":"F32","shape":[\#(shape)],"data_offsets":[0,48]}}"#, data: 48))
            case .npyHeader:
                return try scratch.file(format.fileName, HandMadeFiles.npy(shape: dims, data: 48))
            case .pthTensor:
                let tensor = PickleWriter.tensor(storageKey: "0", storageCount: 12, size: dims, stride: dims.map { _ in 1 })
                return try scratch.file(format.fileName, PickleWriter.zipCheckpoint(.dict([("w", tensor)]), storages: ["0": values]))
            }
        }
    }

    @Test func cyclicONNXGraph() throws {
        var m = ONNXModelWriter()
        m.inputs = [("x", [1, 4])]
        m.nodes = [.init("Add", ["x", "b"], ["a"]), .init("Relu", ["a"], ["b"])]
        m.outputs = ["b"]
        let url = try scratch.file("model.onnx", m.serialized())
        expectRefused(url, as: .onnx, kind: "ImportError.malformed", containing: "node 'a' (Add): the graph has a cycle: 'a' -> 'b' -> 'a'", in: scratch)
    }

    @Test func onnxNodeReadsAValueNothingProduces() throws {
        var m = ONNXModelWriter.convReLU()
        m.nodes[1].inputs = ["ghost"]
        let url = try scratch.file("model.onnx", m.serialized())
        expectRefused(url, as: .onnx, kind: "ImportError.malformed",
                      containing: "node 'y' (Relu): reads 'ghost', which no node, graph input or initializer defines", in: scratch)
    }

    /// 65536^4 = 2^64 elements: every dimension is small, their product overflows Int.
    @Test(arguments: ShapeSite.allCases)
    func elementCountOverflowsInt(_ site: ShapeSite) throws {
        let url = try site.file(dims: [65536, 65536, 65536, 65536], in: scratch)
        let (kind, text) = switch site {
        case .onnxInitializer: ("ImportError.malformed", "initializer 'w': dims [65536,65536,65536,65536] overflow the element count")
        case .onnxGraphInput: ("ImportError.malformed", "graph input 'x': shape [65536,65536,65536,65536] overflows")
        case .zooHeader: ("ZooFileError", "tensor 't': shape [65536, 65536, 65536, 65536] is negative or too large")
        case .npyHeader: ("NPYError", "shape [65536,65536,65536,65536] is too large")
        case .pthTensor: ("CheckpointError", "w: bad size [65536, 65536, 65536, 65536]")
        }
        expectRefused(url, as: site.format, kind: kind, containing: text, in: scratch)
    }

    @Test(arguments: ShapeSite.allCases)
    func negativeDimension(_ site: ShapeSite) throws {
        let url = try site.file(dims: [4, -3, 1, 1], in: scratch)
        let (kind, text) = switch site {
        case .onnxInitializer: ("ImportError.malformed", "initializer 'w': negative or huge dimension -3")
        case .onnxGraphInput: ("ImportError.malformed", "graph input 'x': dimension 1 is -3; a dimension must be 1 to 2147483647")
        case .zooHeader: ("ZooFileError", "tensor 't': shape [4, -3, 1, 1] is negative or too large")
        case .npyHeader: ("NPYError", "non-negative")
        case .pthTensor: ("CheckpointError", "w: bad size [4, -3, 1, 1]")
        }
        expectRefused(url, as: site.format, kind: kind, containing: text, in: scratch)
    }

    /// A zero dimension: an empty image input, or a convolution with no filters.
    @Test func zeroDimensionsInAnONNXModel() throws {
        let input = try ShapeSite.onnxGraphInput.file(dims: [1, 3, 0, 4], in: scratch)
        expectRefused(input, as: .onnx, kind: "ImportError.malformed",
                      containing: "graph input 'x': dimension 2 is 0; a dimension must be 1 to 2147483647", in: scratch)
        var m = ONNXModelWriter.convReLU()
        m.initializers[0] = .init("w", dims: [0, 3, 1, 1], values: [])
        let weights = try scratch.file("model.onnx", m.serialized())
        expectRefused(weights, as: .onnx, kind: "ImportError.malformed", containing: "node 'c' (Conv", in: scratch)
    }

    /// Sizes in a `.zoo` graph whose arithmetic would overflow Int (they used to trap).
    @Test(arguments: [
        (#""dilations":{"h":1,"w":1}"#, #""dilations":{"h":4611686018427387904,"w":1}"#, "node 'conv1' (Conv2D): kernel, strides and dilations"),
        (#"{"keepDims":false,"kind":"average","type":"global_pool"}"#, #"{"dims":[65536,65536,65536,65536],"type":"reshape"}"#,
         "node 'avg_pool' (Reshape): cannot reshape [1,16,16,16] to [65536, 65536, 65536, 65536]"),
        (#"{"keepDims":false,"kind":"average","type":"global_pool"}"#,
         #"{"after":[0,4611686018427387904,0,0],"before":[0,0,0,0],"type":"pad","value":0}"#, "node 'avg_pool' (Pad): pads"),
        (#""shape":[1,32,32,3]"#, #""shape":[1,1099511627776,1099511627776,3]"#, "value 'input' has a bad shape"),
    ])
    func zooGraphWhoseSizesOverflow(_ original: String, _ replacement: String, _ text: String) throws {
        let url = try scratch.file("model.zoo", try zooFile(replacingInGraph: original, with: replacement))
        expectRefused(url, as: .zoo, kind: "ZooFileError", containing: text, in: scratch)
    }

    /// A batch of zero images is an error of the call, not a crash.
    @Test func zeroBatchThroughTheModelAPI() throws {
        let model = try Zoo.load(file: try scratch.file("model.onnx", ONNXModelWriter.convReLU().serialized()))
        #expect(throws: (any Error).self) { try model.run(["x": Tensor(zeros: [0, 3, 4, 4])]) }
    }

    @Test(arguments: [InputFormat.onnx, .zoo, .npy, .pthZip])
    func tensorDataShorterThanDeclared(_ format: InputFormat) throws {
        let url: URL
        let (kind, text): (String, String)
        switch format {
        case .onnx:
            var m = ONNXModelWriter.convReLU()
            m.initializers[0].values.removeLast()
            url = try scratch.file(format.fileName, m.serialized())
            (kind, text) = ("ImportError.malformed", "initializer 'w': raw_data holds 44 bytes; dims [4,3,1,1] of FLOAT need 48")
        case .zoo:
            url = try scratch.file(format.fileName, HandMadeFiles.safetensors(#"{"t":{"dtype":"F32","shape":[4,3],"data_offsets":[0,44]}}"#, data: 44))
            (kind, text) = ("ZooFileError", "tensor 't': shape [4,3] of F32 needs 48 bytes, data_offsets give 44")
        case .npy:
            url = try scratch.file(format.fileName, HandMadeFiles.npy(shape: [4, 3], data: 44))
            (kind, text) = ("NPYError", "truncated: shape [4,3] needs 48 bytes of data, the file has 44")
        default:
            let tensor = PickleWriter.tensor(storageKey: "0", storageCount: 12, size: [4, 3], stride: [3, 1])
            url = try scratch.file(format.fileName, PickleWriter.zipCheckpoint(.dict([("w", tensor)]), storages: ["0": Array(repeating: 1, count: 11)]))
            (kind, text) = ("CheckpointError", "w: storage '0' claims 12 elements but holds 11")
        }
        expectRefused(url, as: format, kind: kind, containing: text, in: scratch)
    }

    /// Stride 0 repeats one stored float 2^40 times: a 4 TB tensor from a file of a few hundred bytes.
    @Test func pthViewFarLargerThanItsStorage() throws {
        let tensor = PickleWriter.tensor(storageKey: "0", storageCount: 1, size: [1 << 20, 1 << 20], stride: [0, 0])
        let url = try scratch.file("model.pth", PickleWriter.zipCheckpoint(.dict([("w", tensor)]), storages: ["0": [1]]))
        expectRefused(url, as: .pthZip, kind: "CheckpointError", containing: "w: size [1048576, 1048576] has 1099511627776 elements", in: scratch)
    }

    /// External data must stay in the model's folder: no `..`, no absolute path, no symbolic link out.
    @Test(arguments: ["../weights.bin", "/etc/passwd", "sub/../../weights.bin", "link.bin"])
    func onnxExternalDataOutsideTheModelsFolder(_ location: String) throws {
        let outside = try Scratch()
        let secret = try outside.file("weights.bin", Data(count: 48))
        let modelFolder = scratch.folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: modelFolder, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(at: modelFolder.appendingPathComponent("link.bin"), withDestinationURL: secret)
        try FileManager.default.copyItem(at: secret, to: scratch.folder.appendingPathComponent("weights.bin"))
        var m = ONNXModelWriter.convReLU()
        m.initializers[0].externalLocation = location
        let url = modelFolder.appendingPathComponent("model.onnx")
        try Data(m.serialized()).write(to: url)
        expectRefused(url, as: .onnx, kind: "ImportError.malformed",
                      containing: "initializer 'w': external data location '\(location)' is outside the model's folder", in: scratch)
    }

    @Test(arguments: ["../outside.txt", "/tmp/outside.txt", "a/../../outside.txt"])
    func kerasZipEntryEscapingTheFolder(_ entry: String) throws {
        var zip = StoredZip()
        zip.add("config.json", Data("{}".utf8))
        zip.add(entry, Data("escaped".utf8))
        zip.add("model.weights.h5", Data())
        let url = try scratch.file("model.keras", zip.archive())
        expectRefused(url, as: .keras, kind: "ImportError.zip", containing: "zip entry '\(entry)': path escapes the archive", in: scratch)
    }

    @Test(arguments: ["../outside", "/tmp/outside", "archive/../../outside"])
    func pthZipEntryEscapingTheFolder(_ entry: String) throws {
        var zip = StoredZip()
        zip.add("archive/data.pkl", Data(PickleWriter.pickle(.dict([]))))
        zip.add(entry, Data("escaped".utf8))
        let url = try scratch.file("model.pth", zip.archive())
        expectRefused(url, as: .pthZip, kind: "CheckpointError", containing: "zip entry '\(entry)': path escapes the archive", in: scratch)
    }

    /// `os.system` pickles as `posix.system` on Linux and `nt.system` on Windows. Nothing runs:
    /// the command would create a file.
    @Test(arguments: [(InputFormat.pthLegacy, "os"), (.pthLegacy, "posix"), (.pthZip, "os"), (.pthZip, "nt")])
    func pickleCallingOSSystem(_ layout: InputFormat, _ module: String) throws {
        let marker = scratch.folder.appendingPathComponent("pwned")
        let call = PickleWriter.pickle(.call(.global(module: module, name: "system"), [.string("touch '\(marker.path)'")]))
        var zip = StoredZip()
        zip.add("archive/data.pkl", Data(call))
        let url = try scratch.file("model.pth", layout == .pthZip ? zip.archive() : Data(call))
        expectRefused(url, as: layout, kind: "CheckpointError",
                      containing: "pickle names \(module).system, which a state dict never needs (refused, nothing was run)", in: scratch)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    /// A 30000x30000 PNG header on a file of 65 bytes: refused from the header, before any pixel
    /// memory (2.7 GB) is asked for.
    @Test func hugePNGHeaderOnATinyFile() throws {
        let url = try scratch.file("photo.png", HandMadeFiles.pngHeader(width: 30000, height: 30000))
        let start = ContinuousClock.now
        expectRefused(url, as: .png, kind: "VisionError.tooManyPixels",
                      containing: "30000x30000 is 900000000 pixels, more than the limit of 178956970", in: scratch)
        #expect(ContinuousClock.now - start < .seconds(1))
    }
}
