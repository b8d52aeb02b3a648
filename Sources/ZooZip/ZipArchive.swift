import Foundation
import ZIPFoundation

/// The one zip reader of zoo, used by `.keras`, `.pth` and wheels. Opening it checks the whole
/// archive before anything is inflated: the ZIP64 records (`ZIP64Check`), every entry's name
/// (`ZipEntryPath`) and that no name appears twice. Reading an entry checks its declared size
/// and compression ratio against `ZipLimits` first, then holds the inflated bytes to the size
/// the header declares and to the archive's total, and verifies the CRC.
public final class ZipArchive {
    /// One entry's name and declared sizes.
    public struct Member: Sendable {
        /// The entry's name inside the archive.
        public let path: String
        /// The size its header declares once inflated.
        public let uncompressedSize: UInt64
        /// Its stored (compressed) size.
        public let compressedSize: UInt64
        /// Whether it is a file (not a folder or link).
        public let isFile: Bool
    }

    /// The bounds this archive's entries are held to.
    public let limits: ZipLimits
    /// Every entry by name.
    public let members: [String: Member]
    /// Bytes inflated so far from this archive, counted against `limits.maxTotalBytes`.
    public private(set) var inflatedBytes: UInt64 = 0
    private let archive: Archive
    private let entries: [String: Entry]
    /// Names found more than once (only kept when `checksEveryName` is off; refused when read).
    private let duplicated: Set<String>

    /// Opens and checks the archive at `url` (from the file, never from memory: ZIPFoundation's
    /// in-memory reader traps on offsets outside the data).
    public init(url: URL, limits: ZipLimits) throws {
        self.limits = limits
        if let problem = try? ZIP64Check.problem(inFile: url) { throw ZipError("truncated or corrupt zip archive (\(problem))", truncated: true) }
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw ZipError("truncated or corrupt zip archive: cannot be opened (\(error))", truncated: true)
        }
        var entries: [String: Entry] = [:], members: [String: Member] = [:], duplicated: Set<String> = []
        for entry in archive {
            let path = entry.path
            guard ZipEntryPath.isSafe(path) || !limits.checksEveryName else { throw ZipError("zip entry '\(path)': path escapes the archive") }
            guard entries[path] == nil else {
                if limits.checksEveryName { throw ZipError("zip entry '\(path)': appears twice") }
                duplicated.insert(path)
                continue
            }
            entries[path] = entry
            members[path] = Member(path: path, uncompressedSize: UInt64(entry.uncompressedSize),
                                   compressedSize: UInt64(entry.compressedSize), isFile: entry.type == .file)
        }
        self.entries = entries
        self.members = members
        self.duplicated = duplicated
    }

    /// Checks that entries `names` may be read together, before any of them is: each exists,
    /// is a file, and fits the per-entry, ratio and total limits. Readers call this first so
    /// that a hostile archive fails at once rather than after inflating its first gigabytes.
    public func checkReadable(_ names: [String]) throws {
        var total = inflatedBytes
        for name in names {
            guard ZipEntryPath.isSafe(name) else { throw ZipError("zip entry '\(name)': path escapes the archive") }
            guard !duplicated.contains(name) else { throw ZipError("zip entry '\(name)': appears twice") }
            guard let member = members[name] else { throw ZipError("zip entry '\(name)': missing from the archive") }
            guard member.isFile else { throw ZipError("zip entry '\(name)': not a regular file") }
            let declared = member.uncompressedSize
            guard declared <= limits.maxEntryBytes else {
                throw ZipError("zip entry '\(name)': declares \(declared) bytes, more than the \(limits.maxEntryBytes) accepted")
            }
            if declared > limits.ratioCheckedAbove, declared / max(member.compressedSize, 1) > limits.maxCompressionRatio {
                throw ZipError("zip entry '\(name)': \(member.compressedSize) bytes inflate to \(declared), more than "
                               + "\(limits.maxCompressionRatio) times (a zip bomb, not weights)")
            }
            let (sum, overflow) = total.addingReportingOverflow(declared)
            guard !overflow, sum <= limits.maxTotalBytes else {
                throw ZipError("the zip entries read inflate to more than \(limits.maxTotalBytes) bytes in total "
                               + "(the memory limit; see --max-memory)")
            }
            total = sum
        }
    }

    /// Streams entry `name` to `consumer` in chunks, after `checkReadable([name])`.
    public func read(_ name: String, into consumer: (Data) throws -> Void) throws {
        try checkReadable([name])
        let entry = entries[name]!
        let declared = UInt64(entry.uncompressedSize)
        var count: UInt64 = 0
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                count += UInt64(chunk.count)
                guard count <= declared else { throw Overrun() }
                do { try consumer(chunk) } catch { throw ConsumerFailure(error: error) }
            }
        } catch is Overrun {
            throw ZipError("zip entry '\(name)': holds more bytes than its header declares")
        } catch let failure as ConsumerFailure {
            throw failure.error  // the caller's own error (a full disk, say), not the archive's
        } catch {
            throw ZipError("zip entry '\(name)': cannot be read: truncated or corrupt archive (\(error))", truncated: true)
        }
        inflatedBytes += count
        guard count == declared, checksum == entry.checksum else {
            throw ZipError("zip entry '\(name)': contents do not match the zip header (size or CRC)", truncated: true)
        }
    }

    /// The bytes of entry `name`, checked as `read(_:into:)` does.
    public func data(_ name: String) throws -> Data {
        var data = Data()
        // The declared size may lie: reserve at most 64 MiB up front and let real bytes grow the rest.
        data.reserveCapacity(Int(min(members[name]?.uncompressedSize ?? 0, 64 << 20)))
        try read(name) { data.append($0) }
        return data
    }

    private struct Overrun: Error {}
    private struct ConsumerFailure: Error { let error: any Error }
}
