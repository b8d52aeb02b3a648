import Foundation
import ZooGraph
import ZooTensor

/// A loaded `.zoo` file: the graph, whose weights are borrowed from the memory-mapped file
/// (no copy, no parse of the weights), and the metadata stored with it.
public struct ZooFile: Sendable {
    /// The graph, its constants borrowed from the mapped file.
    public let graph: Graph
    /// The preprocessing, labels and provenance stored with it.
    public let metadata: ZooFileMetadata
    /// "major.minor" of the format that wrote the file.
    public let formatVersion: String

    /// The format version a `.zoo` file was written in ("major.minor"), from its header alone.
    public static func formatVersion(of url: URL) throws -> String {
        let file: MappedFile
        do { file = try MappedFile(url: url) } catch let error as MappedFileError { throw ZooFileError(file: url, detail: error.detail) }
        let meta = try SafetensorsHeader(file: file).metadata
        guard meta["format"] == ZooFileFormat.formatName, let version = meta["format_version"] else {
            throw ZooFileError(file: url, detail: "a safetensors file without zoo's graph (__metadata__.format is not \"zoo\")")
        }
        return version
    }

    /// Maps and checks a `.zoo` file; throws `ZooFileError` naming the file and the problem.
    public static func load(_ url: URL) throws -> ZooFile {
        func fail(_ detail: String) -> ZooFileError { ZooFileError(file: url, detail: detail) }
        let file: MappedFile
        do { file = try MappedFile(url: url) } catch let error as MappedFileError { throw fail(error.detail) }
        let header = try SafetensorsHeader(file: file)
        let meta = header.metadata

        guard meta["format"] == ZooFileFormat.formatName, let version = meta["format_version"] else {
            throw fail("a safetensors file without zoo's graph (__metadata__.format is not \"zoo\"); convert the source model with `zoo convert`")
        }
        guard let major = version.split(separator: ".").first.flatMap({ Int($0) }) else { throw fail("bad format_version '\(version)'") }
        guard major <= ZooFileFormat.majorVersion else {
            throw fail("written by a newer zoo (format \(version)); this zoo reads format \(ZooFileFormat.majorVersion).x")
        }
        guard let graphText = meta["graph"] else { throw fail("no graph in __metadata__") }
        let description: GraphDescription
        do {
            description = try GraphDescription(header: HeaderJSON.parse(graphText))
        } catch {
            throw fail("graph JSON is malformed: \(error)")
        }

        let panels = try BF16PanelsMetadata.decode(meta[BF16PanelsMetadata.key], entries: header.entries, fail: fail)
        let constantNames = Set(description.constantNames)
        let unused = header.entries.keys.filter { !constantNames.contains($0) && !$0.hasPrefix(ZooFileFormat.paddingPrefix) }
        guard unused.isEmpty else { throw fail("tensors that the graph does not use: \(unused.sorted().joined(separator: ", "))") }
        let graph: Graph
        do {
            graph = try description.graph { value in
                guard let entry = header.entries[value.name] else { throw fail("constant '\(value.name)' has no tensor") }
                let offset = header.dataStart + entry.begin
                if let layout = panels[value.name] { return try panelTensor(layout, value: value, bytes: file.bytes + offset, file: file) }
                // Tensors we wrote are aligned; a misaligned one (another writer) is copied once.
                if offset % max(entry.dtype.byteSize, 1) == 0, let t = file.tensor(shape: entry.shape, dtype: entry.dtype, offset: offset) {
                    return t
                }
                return Tensor(shape: entry.shape, dtype: entry.dtype,
                              bytes: UnsafeRawBufferPointer(start: file.bytes + offset, count: entry.end - entry.begin))
            }
        } catch let error as GraphError {
            throw fail("graph: \(error)")
        }
        if let problem = graph.misreadBF16Panels() { throw fail("\(BF16PanelsMetadata.key): \(problem)") }
        let metadata = ZooFileMetadata(preprocessing: meta["preprocessing"], labels: meta["labels"], provenance: meta["provenance"])
        return ZooFile(graph: graph, metadata: metadata, formatVersion: version)
    }

    /// The bf16 panels of a constant (their size already checked against the tensor), under the
    /// shape and dtype the graph declares; borrowed from the map, or copied once when misaligned
    /// (the kernels load whole 64-byte lines).
    private static func panelTensor(_ layout: BF16PanelLayout, value: GraphDescription.ValueEntry,
                                    bytes: UnsafeRawPointer, file: MappedFile) throws -> Tensor {
        let shape = Shape(value.shape)
        guard value.dtype == DType.bfloat16.rawValue, shape.checkedElementCount == layout.weightCount else {
            throw ZooFileError(file: file.url, detail: "\(BF16PanelsMetadata.key) '\(value.name)': \(layout) holds \(layout.weightCount) "
                               + "weights, the graph declares \(value.dtype) \(shape)")
        }
        if Int(bitPattern: bytes) % TensorStorage.alignment == 0,
           let tensor = Tensor.borrowingBF16Panels(bytes, layout: layout, shape: shape, owner: file) {
            return tensor
        }
        let storage = TensorStorage(byteCount: layout.byteCount)
        storage.bytes.copyMemory(from: bytes, byteCount: layout.byteCount)
        return Tensor(shape: shape, dtype: .bfloat16, storage: storage, bf16Panels: layout)
    }
}
