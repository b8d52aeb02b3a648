import Foundation
import ZIPFoundation

/// The zip layout of `torch.save` (torch >= 1.6): `<folder>/data.pkl` and one entry per
/// storage, `<folder>/data/<key>`. Entry names are checked before anything is read.
enum ZipCheckpoint {
    /// A storage larger than this is refused before it is read (4x VGG's largest layer).
    static let maxEntryBytes: UInt64 = 2 << 30

    static func read(url: URL) throws -> (PickleValue, StorageSource) {
        if let problem = try? ZIP64Check.problem(inFile: url) {
            throw CheckpointError("truncated or corrupt zip archive (\(problem))")
        }
        // From the file, not from memory: ZIPFoundation's in-memory reader traps when an offset
        // points before or past the data (a 4-byte "PK\3\4" file was enough), and keeps the whole
        // Data alive when the archive turns out to be broken.
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            // The caller has seen the zip signature: the end-of-archive records are what is missing.
            throw CheckpointError("truncated or corrupt zip archive (\(error))")
        }
        var entries: [String: Entry] = [:]
        for entry in archive {
            let path = entry.path
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !path.contains("\\"), !parts.contains(".."), !parts.contains(".") else {
                throw CheckpointError("zip entry '\(path)' points outside the archive")
            }
            entries[path] = entry
        }
        let pickles = entries.keys.filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/").count == 2 }
        guard pickles.count == 1, let pickleName = pickles.first else {
            throw CheckpointError("a zip archive without exactly one <folder>/data.pkl: not a torch.save file")
        }
        let folder = String(pickleName.dropLast("data.pkl".count))
        var reader = PickleReader(bytes: [UInt8](try extract(pickleName, entries, archive)))
        let root = try reader.read()

        var references: [String: StorageReference] = [:]
        StorageSource.references(in: root, into: &references)
        var source = StorageSource(bytes: [:])
        for key in references.keys {
            let name = folder + "data/" + key
            guard entries[name] != nil else { throw CheckpointError("storage '\(key)' has no entry \(name)") }
            source.bytes[key] = try extract(name, entries, archive)
        }
        return (root, source)
    }

    private static func extract(_ name: String, _ entries: [String: Entry], _ archive: Archive) throws -> Data {
        guard let entry = entries[name] else { throw CheckpointError("no entry \(name)") }
        guard entry.uncompressedSize <= maxEntryBytes else {
            throw CheckpointError("entry \(name) claims \(entry.uncompressedSize) bytes, over the \(maxEntryBytes)-byte limit")
        }
        var out = Data()
        // The declared size may lie: reserve at most 64 MiB up front and let real bytes grow the rest.
        out.reserveCapacity(Int(min(entry.uncompressedSize, 64 << 20)))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard UInt64(out.count + chunk.count) <= entry.uncompressedSize else {
                    throw CheckpointError("entry \(name) inflates past its declared size")
                }
                out.append(chunk)
            }
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError("entry \(name) cannot be read: truncated or corrupt archive (\(error))")
        }
        return out
    }
}
