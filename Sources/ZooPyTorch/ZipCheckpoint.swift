import Foundation
import ZooTensor
import ZooZip

/// The zip layout of `torch.save` (torch >= 1.6): `<folder>/data.pkl` and one entry per
/// storage, `<folder>/data/<key>`, read through zoo's one zip reader (`ZipArchive`).
enum ZipCheckpoint {
    /// A storage larger than this is refused before it is read (4x VGG's largest layer).
    static let maxEntryBytes: UInt64 = 2 << 30

    static func read(url: URL) throws -> (PickleValue, StorageSource) {
        do {
            let limits = ZipLimits(maxEntryBytes: maxEntryBytes, maxTotalBytes: UInt64(MemoryBudget.current.bytes))
            let archive = try ZipArchive(url: url, limits: limits)
            let pickles = archive.members.keys.filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/").count == 2 }
            guard pickles.count == 1, let pickleName = pickles.first else {
                throw CheckpointError("a zip archive without exactly one <folder>/data.pkl: not a torch.save file")
            }
            let folder = String(pickleName.dropLast("data.pkl".count))
            var reader = PickleReader(bytes: [UInt8](try archive.data(pickleName)))
            let root = try reader.read()

            var references: [String: StorageReference] = [:]
            StorageSource.references(in: root, into: &references)
            // Every storage is checked against what the pickle says it holds, and all of them
            // against the limits together, before the first one is inflated.
            for (key, reference) in references {
                let name = folder + "data/" + key
                guard let member = archive.members[name] else { throw CheckpointError("storage '\(key)' has no entry \(name)") }
                let element = UInt64(StorageSource.dtype(ofStorage: reference.storageType)?.byteSize ?? 8)
                let (needed, overflow) = UInt64(max(reference.elementCount, 0)).multipliedReportingOverflow(by: element)
                guard !overflow, member.uncompressedSize <= needed else {
                    throw CheckpointError("storage '\(key)': entry \(name) declares \(member.uncompressedSize) bytes; "
                                          + "the pickle says it holds \(reference.elementCount) elements")
                }
            }
            try archive.checkReadable(references.keys.sorted().map { folder + "data/" + $0 })
            var source = StorageSource(bytes: [:])
            for key in references.keys { source.bytes[key] = try archive.data(folder + "data/" + key) }
            return (root, source)
        } catch let error as ZipError {
            throw CheckpointError(error.description)
        }
    }
}
