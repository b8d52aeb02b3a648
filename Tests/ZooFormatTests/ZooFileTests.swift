import Foundation
import Testing
import ZooFormat
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

@Suite struct ZooFileTests {
    let dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-format-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// conv (odd-sized weights) - max pool with a -inf pad - dense - softmax: every tensor size
    /// misaligns the next one, and the graph JSON carries an infinity.
    func sampleGraph() throws -> Graph {
        var f = TensorFactory(seed: 11)
        var b = GraphBuilder(name: "sample")
        let x = try b.input("input", shape: [1, 9, 9, 3])
        var h = try b.conv2d(x, weights: f.uniform([3, 3, 3, 5]), bias: f.uniform([5]),
                             params: Conv2DParams(kernel: Size2D(3, 3), activation: .relu6), name: "conv")
        h = try b.add(.pad(before: [0, 1, 1, 0], after: [0, 0, 0, 0], value: -.infinity), inputs: [h], name: "pad")
        h = try b.add(.pool2d(Pool2DParams(kind: .max, kernel: Size2D(2, 2), strides: Size2D(2, 2))), inputs: [h], name: "pool")
        h = try b.add(.flatten(axis: 1), inputs: [h], name: "flatten")
        // 80 x 410 = 32,800 weights: large enough for --fp16 to store as float16.
        h = try b.dense(h, weights: f.uniform([80, 410], -0.2...0.2), bias: f.uniform([410]), activation: .relu, name: "fc1")
        h = try b.dense(h, weights: f.uniform([410, 7]), bias: f.uniform([7]), name: "fc")
        h = try b.add(.softmax(axis: 1), inputs: [h], name: "probs")
        b.output(h)
        return b.build()
    }

    @Test func roundTripIsBitIdenticalAndBorrowsTheMap() throws {
        let graph = try sampleGraph()
        let url = dir.appendingPathComponent("m.zoo")
        let meta = ZooFileMetadata(preprocessing: #"{"mode":"tf"}"#, labels: #"["a","b"]"#, provenance: #"{"source":"test"}"#)
        try ZooFileWriter.write(graph, metadata: meta, to: url)
        let loaded = try ZooFile.load(url)
        #expect(loaded.metadata == meta)
        #expect(loaded.formatVersion == ZooFileFormat.version)
        #expect(loaded.graph.nodes.map(\.name) == graph.nodes.map(\.name))
        #expect(loaded.graph.values.compactMap(\.constant).allSatisfy { !$0.storage.isOwned }, "weights are used in place")
        var f = TensorFactory(seed: 12)
        let x = f.uniform([2, 9, 9, 3])
        #expect(try runGraph(loaded.graph, x).floats == runGraph(graph, x).floats)
    }

    @Test func everyTensorIsAlignedAndTheDataHasNoHoles() throws {
        let url = dir.appendingPathComponent("aligned.zoo")
        try ZooFileWriter.write(try sampleGraph(), metadata: ZooFileMetadata(), to: url)
        let data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect((8 + headerLength) % 64 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let ranges = header.filter { $0.key != "__metadata__" }
            .map { (($0.value as! [String: Any])["data_offsets"] as! [Int], $0.key) }
            .sorted { $0.0[0] < $1.0[0] }
        var end = 0
        for (offsets, name) in ranges {
            #expect(offsets[0] == end, "\(name) starts where the previous tensor ends (safetensors needs no holes)")
            if !name.hasPrefix("__zoo_pad_") { #expect(offsets[0] % 64 == 0, "\(name) is 64-byte aligned") }
            end = offsets[1]
        }
        #expect(end == data.count - 8 - headerLength, "the tensors cover the data section exactly")
        // The vectors (biases) come first, together, then the weights.
        let ranks = ranges.filter { !$0.1.hasPrefix("__zoo_pad_") }.map { ((header[$0.1] as! [String: Any])["shape"] as! [Int]).count }
        let firstWeight = try #require(ranks.firstIndex { $0 > 1 })
        #expect(firstWeight > 0 && ranks[..<firstWeight].allSatisfy { $0 <= 1 } && ranks[firstWeight...].allSatisfy { $0 > 1 }, "\(ranks)")
    }

    @Test func float16WeightsStayWithinTolerance() throws {
        let graph = try sampleGraph()
        let url = dir.appendingPathComponent("half.zoo")
        try ZooFileWriter.write(graph, metadata: ZooFileMetadata(), to: url, fp16: true)
        let loaded = try ZooFile.load(url)
        #expect(loaded.graph.values.filter { $0.dtype == .float16 }.map(\.name) == ["fc1/kernel"], "only the large weight is halved")
        #expect(loaded.graph.values.filter { $0.constant != nil && $0.shape.rank == 1 }.allSatisfy { $0.dtype == .float32 })
        var f = TensorFactory(seed: 13)
        let x = f.uniform([1, 9, 9, 3])
        let error = relativeL2(try runGraph(loaded.graph, x).floats, try runGraph(graph, x).floats)
        #expect(error <= 1e-3, "fp16 relative L2 \(error)")
    }

    /// A file whose header is `json` (padded) followed by `data` bytes.
    func file(_ json: String, data: Int = 64, headerSize: UInt64? = nil, raw: [UInt8]? = nil) throws -> URL {
        let url = dir.appendingPathComponent("bad-\(UUID().uuidString).zoo")
        let header = raw ?? Array(json.utf8)
        var size = (headerSize ?? UInt64(header.count)).littleEndian
        var bytes = Data(bytes: &size, count: 8)
        bytes.append(contentsOf: header)
        bytes.append(Data(count: data))
        try bytes.write(to: url)
        return url
    }

    @Test func lyingHeadersAreErrorsNotCrashes() throws {
        let meta = #""__metadata__":{"format":"zoo","format_version":"1.0","graph":"{}"}"#
        let cases: [(URL, String)] = [
            (try file("{}", headerSize: 1 << 40), "larger than the file"),
            (try file("{}", headerSize: UInt64.max), "larger than the file"),
            (try file(#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: 8), "truncated"),
            (try file(#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}"#), "not a range"),
            (try file(#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}}"#), "needs 16 bytes"),
            (try file(#"{"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#), "too large"),
            (try file(#"{"t":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#), "negative"),
            (try file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"U8","shape":[8],"data_offsets":[8,16]}}"#), "overlap"),
            (try file(#"{"t":{"dtype":"Q4","shape":[4],"data_offsets":[0,16]}}"#), "unsupported dtype"),
            (try file("", raw: [0x7B, 0xFF, 0xFE, 0x7D]), "not UTF-8"),
            (try file("[1, 2]"), "not a JSON object"),
            (try file(#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#), "without zoo's graph"),
            (try file("{" + meta.replacingOccurrences(of: "1.0", with: "2.0") + "}"), "newer zoo"),
            (try file("{" + meta + "}"), "graph JSON is malformed"),
            (try file("", raw: []).deletingLastPathComponent().appendingPathComponent("missing.zoo"), "No such file"),
        ]
        for (url, expected) in cases {
            #expect(throws: ZooFileError.self, "\(expected)") { try ZooFile.load(url) }
            do { _ = try ZooFile.load(url) } catch let e as ZooFileError {
                #expect(e.detail.contains(expected), "expected '\(expected)', got: \(e.description)")
            }
        }
        let empty = dir.appendingPathComponent("empty.zoo")
        try Data().write(to: empty)
        #expect { try ZooFile.load(empty) } throws: { ($0 as? ZooFileError)?.detail.contains("truncated") == true }
        #expect { try ZooFile.load(dir) } throws: { ($0 as? ZooFileError)?.detail.contains("is a folder") == true }
    }

    @Test func graphsThatLieAreRejected() throws {
        let graph = try sampleGraph()
        var description = GraphDescription(graph)
        // A node reading a value produced after it (a cycle in disguise).
        description.nodes[0].inputs[0] = description.nodes.last!.output
        let text = String(decoding: try JSONEncoder.graphJSON.encode(description), as: UTF8.self)
        #expect(throws: GraphError.self) { try description.graph { _ in Tensor(zeros: [1]) } }
        _ = text
        // Declared shapes must match what the ops compute.
        var wrongShape = GraphDescription(graph)
        let last = wrongShape.nodes.last!.output
        wrongShape.values[last].shape = [1, 8]
        #expect(throws: GraphError.self) {
            try wrongShape.graph { v in graph.values.first { $0.name == v.name }!.constant! }
        }
    }

    @Test func failedWriteLeavesNoFile() throws {
        let url = URL(fileURLWithPath: "/nonexistent-folder/m.zoo")
        #expect(throws: ZooFileError.self) { try ZooFileWriter.write(try sampleGraph(), metadata: ZooFileMetadata(), to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let partials = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
        #expect(partials.isEmpty)
    }
}
