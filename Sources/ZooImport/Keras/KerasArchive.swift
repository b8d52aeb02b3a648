import Foundation
import ZooTensor
import ZooZip

/// The parts of a Keras 3 `.keras` archive zoo reads: `config.json`, `metadata.json` and the
/// bytes of `model.weights.h5`, taken out through zoo's one zip reader (`ZipArchive`), which
/// checks names, sizes, compression ratio, CRC and the total against the memory budget.
struct KerasArchive {
    /// Largest `config.json` / `metadata.json` accepted.
    static let maxJSONBytes: UInt64 = 64 << 20
    /// Largest `model.weights.h5` accepted (4 GiB; VGG19 is about 550 MiB).
    static let maxWeightsBytes: UInt64 = 4 << 30

    var config: Data
    var metadata: Data?
    var weights: [UInt8]

    init(url: URL) throws {
        do {
            let limits = ZipLimits(maxEntryBytes: Self.maxWeightsBytes, maxTotalBytes: UInt64(MemoryBudget.current.bytes))
            let archive = try ZipArchive(url: url, limits: limits)
            guard archive.members["config.json"] != nil else {
                throw ImportError.malformed(file: url, at: "config.json", detail: "missing from the archive")
            }
            guard archive.members["model.weights.h5"] != nil else { throw ImportError.missingTensor(name: "model.weights.h5", file: url) }
            let hasMetadata = archive.members["metadata.json"] != nil
            try archive.checkReadable(["config.json", "model.weights.h5"] + (hasMetadata ? ["metadata.json"] : []))
            for json in ["config.json", "metadata.json"] where (archive.members[json]?.uncompressedSize ?? 0) > Self.maxJSONBytes {
                throw ImportError.malformed(file: url, at: json, detail: "declares more than the \(Self.maxJSONBytes) bytes accepted")
            }
            config = try archive.data("config.json")
            metadata = hasMetadata ? try archive.data("metadata.json") : nil
            weights = [UInt8](try archive.data("model.weights.h5"))
        } catch let error as ZipError {
            throw error.isTruncated ? ImportError.truncated(file: url, detail: error.description) : ImportError.zip(file: url, error)
        }
    }
}
