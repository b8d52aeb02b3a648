import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ZooGraph
import ZooTensor

/// Writes a graph and its weights as a `.zoo` file, atomically: the bytes go to a temporary
/// file beside the target, which is renamed into place only once complete.
public enum ZooFileWriter {
    /// With `fp16`, float32 weights of rank 2 and up are stored as float16 (biases and
    /// per-channel vectors stay float32: they are small and sensitive). With `bf16`, the conv and
    /// dense weights the bf16 GEMM reads are stored as bfloat16, already packed in its panels
    /// unless small (`Graph.storingGEMMWeightsAsBF16`), in a format 1.2 file.
    public static func write(_ graph: Graph, metadata: ZooFileMetadata, to url: URL, fp16: Bool = false, bf16: Bool = false) throws {
        precondition(!(fp16 && bf16), "weights are stored as float16 or as bfloat16, not both")
        let stored = bf16 ? graph.storingGEMMWeightsAsBF16() : fp16 ? storingWeightsAsFloat16(graph) : graph
        let layout = TensorLayout(stored)
        let header = try headerBytes(stored, layout: layout, metadata: metadata)

        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw ZooFileError(file: url, detail: "cannot create a file in \(folder.path)")
        }
        do {
            defer { try? handle.close() }
            var sizePrefix = UInt64(header.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &sizePrefix, count: 8))
            try handle.write(contentsOf: header)
            for entry in layout.entries {
                if let tensor = entry.tensor {
                    try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: tensor.rawPointer),
                                                      count: tensor.byteCount, deallocator: .none))
                } else {
                    try handle.write(contentsOf: Data(count: entry.end - entry.begin))
                }
            }
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ZooFileError(file: url, detail: "cannot be written: \(error.localizedDescription)")
        }
        // rename(2) replaces an existing file atomically (Foundation's replaceItemAt does not on Linux).
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ZooFileError(file: url, detail: "cannot be moved into place: \(reason)")
        }
    }

    /// The JSON header, padded with spaces so the data starts on a 64-byte boundary of the file.
    static func headerBytes(_ graph: Graph, layout: TensorLayout, metadata: ZooFileMetadata) throws -> Data {
        let panels = try BF16PanelsMetadata.encode(graph)
        var meta: [String: String] = [
            "format": ZooFileFormat.formatName,
            "format_version": graph.holdsBF16Weights ? ZooFileFormat.bf16Version : ZooFileFormat.version,
            "graph": String(decoding: try JSONEncoder.graphJSON.encode(GraphDescription(graph)), as: UTF8.self),
        ]
        meta[BF16PanelsMetadata.key] = panels
        meta["preprocessing"] = metadata.preprocessing
        meta["labels"] = metadata.labels
        meta["provenance"] = metadata.provenance
        var object: [String: Any] = ["__metadata__": meta]
        for entry in layout.entries {
            object[entry.name] = ["dtype": ZooFileFormat.safetensorsName(entry.dtype), "shape": entry.shape,
                                  "data_offsets": [entry.begin, entry.end]] as [String: Any]
        }
        var json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let total = 8 + json.count
        let padded = (total + ZooFileFormat.alignment - 1) / ZooFileFormat.alignment * ZooFileFormat.alignment
        json.append(Data(repeating: 0x20, count: padded - total))
        return json
    }

    /// Weights smaller than this stay float32 under `--fp16`: they are few bytes, and they are
    /// the ones with short sums (depthwise kernels, stems) where rounding does not average out.
    static let float16MinimumElements = 32_768

    /// The same graph with its large float32 weights converted to float16.
    static func storingWeightsAsFloat16(_ graph: Graph) -> Graph {
        graph.mappingConstants { _, t in
            t.dtype == .float32 && t.shape.rank >= 2 && t.elementCount >= float16MinimumElements ? t.converted(to: .float16) : t
        }
    }
}

/// Where each constant goes in the data section: 64-byte aligned, gaps filled with padding. The
/// vectors (biases, per-channel scales) come first, side by side: whatever reads them all (`zoo
/// info`'s parameter count, a first run's epilogues) faults in a few pages of the map instead of
/// one between every two weights.
struct TensorLayout {
    struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int
        /// nil for a padding entry.
        var tensor: Tensor?
    }
    var entries: [Entry] = []

    init(_ graph: Graph) {
        var offset = 0
        let constants = graph.values.indices.filter { graph.values[$0].constant != nil }
        let isVector = { (id: Int) in graph.values[id].constant!.shape.rank <= 1 }
        for id in constants.filter(isVector) + constants.filter({ !isVector($0) }) {
            let value = graph.values[id], tensor = value.constant!
            let aligned = (offset + ZooFileFormat.alignment - 1) / ZooFileFormat.alignment * ZooFileFormat.alignment
            if aligned > offset {
                entries.append(Entry(name: "\(ZooFileFormat.paddingPrefix)\(id)__", dtype: .uint8, shape: [aligned - offset],
                                     begin: offset, end: aligned, tensor: nil))
            }
            // bf16 panels are not row-major: safetensors sees them as a flat BF16 vector.
            let shape = tensor.bf16Panels.map { [$0.valueCount] } ?? tensor.shape.dims
            entries.append(Entry(name: value.name, dtype: tensor.dtype, shape: shape,
                                 begin: aligned, end: aligned + tensor.byteCount, tensor: tensor))
            offset = aligned + tensor.byteCount
        }
    }
}
