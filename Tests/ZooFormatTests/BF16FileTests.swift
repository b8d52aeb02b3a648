import Foundation
import Testing
import ZooFormat
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// `.zoo` files written with `--bf16`: conv and dense weights stored as bf16 panels, read in
/// place at bf16 precision and widened at fp32; files whose `bf16_panels` lie are refused.
@Suite struct BF16FileTests {
    let dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-bf16-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// conv 3x3 (im2col, or Winograd at fp32; odd depth 315, 72 columns: a partial panel) - conv 1x1 - grouped conv 3x3
    /// (2 groups) - depthwise 3x3 (stays float32) - global pool - dense (40 columns) - a small dense
    /// (bf16 row-major: its padded panels would outweigh its float32 weights).
    func sampleGraph() throws -> Graph {
        var f = TensorFactory(seed: 21)
        var b = GraphBuilder(name: "bf16-sample")
        let x = try b.input("input", shape: [1, 28, 28, 35])
        let same = Padding2D(top: 1, left: 1, bottom: 1, right: 1)
        var h = try b.conv2d(x, weights: f.uniform([3, 3, 35, 72], -0.1...0.1), bias: f.uniform([72], -0.1...0.1),
                             params: Conv2DParams(kernel: Size2D(3, 3), padding: same, activation: .relu), name: "conv1")
        h = try b.conv2d(h, weights: f.uniform([1, 1, 72, 72], -0.2...0.2), bias: f.uniform([72], -0.1...0.1),
                         params: Conv2DParams(kernel: Size2D(1, 1), activation: .relu), name: "conv2")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 36, 80], -0.1...0.1), bias: f.uniform([80], -0.1...0.1),
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: same, groups: 2, activation: .relu), name: "grouped")
        h = try b.conv2d(h, weights: f.uniform([3, 3, 1, 80], -0.3...0.3), bias: f.uniform([80], -0.1...0.1),
                         params: Conv2DParams(kernel: Size2D(3, 3), padding: same, groups: 80, activation: .relu), name: "depthwise")
        h = try b.add(.globalPool(.average, keepDims: false), inputs: [h], name: "pool")
        h = try b.dense(h, weights: f.uniform([80, 40], -0.5...0.5), bias: f.uniform([40], -0.1...0.1), activation: .relu, name: "fc1")
        h = try b.dense(h, weights: f.uniform([40, 10], -0.5...0.5), bias: f.uniform([10], -0.1...0.1), name: "fc")
        b.output(h)
        return b.build()
    }

    static let packedNames = ["conv1/kernel", "conv2/kernel", "fc1/kernel", "grouped/kernel"]

    func kernels(_ precision: KernelOptions.Precision, unit: KernelOptions.BF16Path = .amx, winograd: Bool = false) -> KernelOptions {
        // Winograd off by default: at bf16 without AMX it would take the 3x3 convolutions in float32.
        var options = KernelOptions.default
        options.precision = precision
        options.bf16 = unit
        options.winograd = winograd ? .avx512 : .off
        return options.runnable
    }

    func run(_ graph: Graph, _ x: Tensor, _ precision: KernelOptions.Precision, unit: KernelOptions.BF16Path = .amx,
             winograd: Bool = false) throws -> [Float] {
        try Executor(graph: graph, threads: 2, kernels: kernels(precision, unit: unit, winograd: winograd)).run(["input": x])["fc"]!.floats
    }

    func writeBoth() throws -> (graph: Graph, fp32: URL, bf16: URL) {
        let graph = try sampleGraph()
        let (fp32, bf16) = (dir.appendingPathComponent("fp32.zoo"), dir.appendingPathComponent("bf16.zoo"))
        try ZooFileWriter.write(graph, metadata: ZooFileMetadata(), to: fp32)
        try ZooFileWriter.write(graph, metadata: ZooFileMetadata(), to: bf16, bf16: true)
        return (graph, fp32, bf16)
    }

    @Test func gemmWeightsAreStoredAsPanelsAndBorrowedFromTheMap() throws {
        let (_, fp32, bf16) = try writeBoth()
        let loaded = try ZooFile.load(bf16)
        #expect(loaded.formatVersion == "1.2")
        let packed = loaded.graph.values.filter { $0.constant?.bf16Panels != nil }.map(\.name).sorted()
        #expect(packed == Self.packedNames, "depthwise, biases and the small dense are not packed")
        let small = loaded.graph.values.first { $0.name == "fc/kernel" }!
        #expect(small.dtype == .bfloat16 && small.constant!.byteCount == 40 * 10 * 2, "the small dense is bf16, row-major")
        #expect(loaded.graph.values.filter { $0.dtype == .bfloat16 }.count == 5, "depthwise weights and biases stay float32")
        let grouped = loaded.graph.values.first { $0.name == "grouped/kernel" }!.constant!
        #expect(grouped.bf16Panels == BF16PanelLayout(depth: 3 * 3 * 36, groupColumns: 40, groups: 2))
        #expect(grouped.shape == [3, 3, 36, 80] && grouped.dtype == .bfloat16)
        #expect(loaded.graph.values.compactMap(\.constant).allSatisfy { !$0.storage.isOwned }, "weights are used in place")
        let fp32Graph = try ZooFile.load(fp32).graph
        #expect(loaded.graph.holdsBF16Weights && !fp32Graph.holdsBF16Weights && loaded.graph.bf16PanelCount == 4)
        let sizes = try [fp32, bf16].map { try FileManager.default.attributesOfItem(atPath: $0.path)[.size] as! Int }
        #expect(sizes[1] < sizes[0], "bf16 file \(sizes[1]) bytes, fp32 \(sizes[0])")
    }

    /// At bf16, the file's panels give the very bits of weights packed at load; at fp32 the
    /// widened weights give the bits of float32 weights rounded to bf16, near the float32 file.
    @Test func bf16FileRunsLikeTheFloat32FileAtBothPrecisions() throws {
        let (graph, fp32URL, bf16URL) = try writeBoth()
        let (fp32File, bf16File) = (try ZooFile.load(fp32URL).graph, try ZooFile.load(bf16URL).graph)
        var f = TensorFactory(seed: 22)
        let x = f.uniform([3, 28, 28, 35])
        for unit in KernelOptions.BF16Path.allCases where KernelOptions.isAvailable(unit) {
            let (fromFile, packedAtLoad) = (try run(bf16File, x, .bf16, unit: unit), try run(fp32File, x, .bf16, unit: unit))
            #expect(fromFile.map(\.bitPattern) == packedAtLoad.map(\.bitPattern), "\(unit)")
        }
        let rounded = graph.replacingConstants { name, t in
            (Self.packedNames + ["fc/kernel"]).contains(name) ? t.converted(to: .bfloat16).converted(to: .float32) : nil
        }
        if KernelOptions.isAvailable(KernelOptions.BF16Path.avx512) {
            // Without AMX, conv1 (3x3, 28x28: 49 tiles, enough for Winograd at bf16) stays float32 Winograd, from the widened panels.
            // Its own output is compared: the next layers' bf16 rounding hides the difference.
            let kernels = kernels(.bf16, unit: .avx512, winograd: true)
            func conv1(_ g: Graph) throws -> [Float] {
                try Executor(graph: g.addingOutputs(["conv1"]), threads: 2, kernels: kernels).run(["input": x])["conv1"]!.floats
            }
            let fromPanels = try conv1(bf16File)
            #expect(fromPanels.map(\.bitPattern) == (try conv1(rounded)).map(\.bitPattern))
            let error = relativeL2(fromPanels, try conv1(fp32File))
            #expect(error > 0 && error < 1e-2, "Winograd from widened panels: relative L2 \(error)")
        }
        let widened = try run(bf16File, x, .fp32)
        #expect(widened.map(\.bitPattern) == (try run(rounded, x, .fp32)).map(\.bitPattern))
        let error = relativeL2(widened, try run(fp32File, x, .fp32))
        #expect(error > 0 && error < 1e-2, "fp32 from bf16 weights: relative L2 \(error)")
    }

    @Test func float32FilesAreUnchanged() throws {
        let (_, fp32, _) = try writeBoth()
        #expect(try ZooFile.formatVersion(of: fp32) == "1.1")
        let header = try ZooHeaderEditing.header(of: fp32)
        let meta = header["__metadata__"] as! [String: String]
        #expect(meta["bf16_panels"] == nil)
        #expect(Set(meta.keys) == ["format", "format_version", "graph"])
        #expect(header.values.compactMap { ($0 as? [String: Any])?["dtype"] as? String }.allSatisfy { $0 == "F32" || $0 == "U8" })
        #expect((header["conv1/kernel"] as! [String: Any])["shape"] as! [Int] == [3, 3, 35, 72])
    }

    /// (what lies, `bf16_panels` entries merged over the true ones, or the whole text when not an object, the error).
    static let lies: [(String, String, String)] = [
        ("swapped depth and columns", #"{"conv1/kernel":{"depth":72,"group_columns":315,"groups":1}}"#, "node 'conv1' reads it as depth 315, 1 group of 72 columns"),
        ("size mismatch", #"{"conv1/kernel":{"depth":315,"group_columns":200,"groups":1}}"#, "packs into 143360 bytes, the tensor holds 61440"),
        ("weights mismatch", #"{"conv1/kernel":{"depth":315,"group_columns":70,"groups":1}}"#, "holds 22050 weights, the graph declares bfloat16 [3,3,35,72]"),
        ("unknown tensor", #"{"nope":{"depth":315,"group_columns":72,"groups":1}}"#, "names 'nope', which is not a tensor of the file"),
        ("negative", #"{"conv1/kernel":{"depth":-315,"group_columns":72,"groups":1}}"#, "must each be 1 to 2147483647"),
        ("huge", #"{"conv1/kernel":{"depth":9223372036854775807,"group_columns":72,"groups":1}}"#, "must each be 1 to 2147483647"),
        ("not numbers", #"{"conv1/kernel":{"depth":"315","group_columns":72,"groups":1}}"#, "needs integer depth, group_columns and groups"),
        ("a fraction", #"{"conv1/kernel":{"depth":315.5,"group_columns":72,"groups":1}}"#, "needs integer depth, group_columns and groups"),
        ("not an object", "[1, 2]", "bf16_panels is not a JSON object"),
        ("a float32 tensor", #"{"conv1/bias":{"depth":8,"group_columns":9,"groups":1}}"#, "the tensor is float32 [72], bf16 panels are bfloat16 of rank 1"),
    ]

    /// Each lie in `bf16_panels` is one clear error naming the file, never a trap or a read past the tensor.
    @Test(arguments: lies)
    func lyingPanelsAreRefused(_ name: String, _ panels: String, _ expected: String) throws {
        let (_, _, bf16) = try writeBoth()
        let hostile = dir.appendingPathComponent("hostile.zoo")
        var all = try JSONSerialization.jsonObject(with: Data((try ZooHeaderEditing.header(of: bf16)["__metadata__"] as! [String: String])["bf16_panels"]!.utf8)) as! [String: Any]
        var text = panels
        if let lie = try? JSONSerialization.jsonObject(with: Data(panels.utf8)) as? [String: Any] {
            for (key, value) in lie { all[key] = value }
            text = String(decoding: try JSONSerialization.data(withJSONObject: all), as: UTF8.self)
        }
        try ZooHeaderEditing.rewrite(bf16, to: hostile, metadata: "bf16_panels", text)
        #expect(throws: ZooFileError.self, "\(name)") { try ZooFile.load(hostile) }
        do { _ = try ZooFile.load(hostile) } catch {
            #expect("\(error)".hasPrefix("hostile.zoo: "), "\(name): \(error)")
            #expect("\(error)".contains(expected), "\(name): \(error)")
        }
    }

    @Test func panelsWithoutTheirMetadataAreRefused() throws {
        let (_, _, bf16) = try writeBoth()
        let hostile = dir.appendingPathComponent("stripped.zoo")
        try ZooHeaderEditing.rewrite(bf16, to: hostile, metadata: "bf16_panels", nil)
        do {
            _ = try ZooFile.load(hostile)
            Issue.record("a file whose panels lost their layout was read")
        } catch {
            #expect("\(error)".contains("stripped.zoo: graph: ") && "\(error)".contains("conv1/kernel"), "\(error)")
        }
    }
}
