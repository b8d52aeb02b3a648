import Foundation
import ZIPFoundation
import ZooPyTorch

/// The parts of a Keras 3 `.keras` archive zoo reads: `config.json`, `metadata.json` and the
/// bytes of `model.weights.h5`. Entries are checked before anything is extracted: names must
/// stay inside the archive, sizes are bounded, and every extracted byte is counted and its
/// CRC verified, so a lying header cannot make extraction run away.
struct KerasArchive {
    /// Largest `config.json` / `metadata.json` accepted.
    static let maxJSONBytes: UInt64 = 64 << 20
    /// Largest `model.weights.h5` accepted (4 GiB; VGG19 is about 550 MiB).
    static let maxWeightsBytes: UInt64 = 4 << 30

    var config: Data
    var metadata: Data?
    var weights: [UInt8]

    init(url: URL) throws {
        if let problem = try? ZIP64Check.problem(inFile: url) {
            throw ImportError.malformed(file: url, at: "zip archive", detail: problem)
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            // The caller has seen the zip signature: the end-of-archive records are what is missing.
            throw ImportError.truncated(file: url, detail: "the zip archive cannot be opened (\(error)): cut short or corrupt")
        }
        var entries: [String: Entry] = [:]
        for entry in archive {
            let path = entry.path
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !path.contains("\\"), !parts.contains(".."), !path.contains("\0") else {
                throw ImportError.malformed(file: url, at: "zip entry '\(path)'", detail: "path escapes the archive")
            }
            guard entries[path] == nil else {
                throw ImportError.malformed(file: url, at: "zip entry '\(path)'", detail: "entry appears twice")
            }
            entries[path] = entry
        }
        guard let configEntry = entries["config.json"] else {
            throw ImportError.malformed(file: url, at: "config.json", detail: "missing from the archive")
        }
        guard let weightsEntry = entries["model.weights.h5"] else {
            throw ImportError.missingTensor(name: "model.weights.h5", file: url)
        }
        config = try Self.extract(configEntry, from: archive, limit: Self.maxJSONBytes, file: url)
        metadata = try entries["metadata.json"].map { try Self.extract($0, from: archive, limit: Self.maxJSONBytes, file: url) }
        weights = [UInt8](try Self.extract(weightsEntry, from: archive, limit: Self.maxWeightsBytes, file: url))
    }

    private static func extract(_ entry: Entry, from archive: Archive, limit: UInt64, file: URL) throws -> Data {
        guard entry.type == .file else {
            throw ImportError.malformed(file: file, at: entry.path, detail: "not a regular file")
        }
        let declared = entry.uncompressedSize
        guard declared <= limit else {
            throw ImportError.malformed(file: file, at: entry.path, detail: "declares \(declared) bytes, more than the \(limit) accepted")
        }
        var data = Data()
        // The declared size may lie: reserve at most 64 MiB up front and let real bytes grow the rest.
        data.reserveCapacity(Int(min(declared, 64 << 20)))
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard UInt64(data.count + chunk.count) <= declared else { throw ArchiveOverrun() }
                data.append(chunk)
            }
        } catch is ArchiveOverrun {
            throw ImportError.malformed(file: file, at: entry.path, detail: "holds more bytes than its header declares")
        } catch {
            throw ImportError.truncated(file: file, detail: "\(entry.path): \(error)")
        }
        guard UInt64(data.count) == declared, checksum == entry.checksum else {
            throw ImportError.truncated(file: file, detail: "\(entry.path): contents do not match the zip header (size or CRC)")
        }
        return data
    }

    private struct ArchiveOverrun: Error {}
}
