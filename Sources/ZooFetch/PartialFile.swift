import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file being written next to its final place (`<file>.<random>.partial`), hashed as it is
/// written with every hash its source gives,
/// that becomes the real file only through an atomic rename once its size and hashes check
/// out. Whatever fails, `discard()` removes it, so a half-written or corrupt file never takes
/// the cached file's name. Each writer has its own random name: two processes fetching the
/// same file at once cannot mix their bytes, and the last rename wins with a whole file.
final class PartialFile {
    let url: URL
    /// What the bytes must be: the file's name, size and digests.
    let source: WeightSource
    private let handle: FileHandle
    private var checksums: Checksums
    /// Bytes written.
    private(set) var count: Int64 = 0
    private var finished = false

    /// Creates an empty partial file for `source`'s file in `folder` (made if missing).
    init(in folder: URL, for source: WeightSource) throws {
        let name = source.file
        self.source = source
        checksums = Checksums(for: source)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FetchError(folder.path, .io("cannot create the cache folder: \(Self.reason(error))"))
        }
        Self.removeStale(in: folder, for: name)
        let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
        url = folder.appendingPathComponent("\(name).\(suffix).partial")
        // O_EXCL: never write into a file someone else created under the same name.
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FetchError(url.path, .io("cannot create: \(String(cString: strerror(errno)))"))
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    deinit { discard() }

    /// A partial file untouched this long has no live writer (a download fails after a
    /// minute without data): it was left by a process that was killed.
    static let staleAge: TimeInterval = 3600

    /// Removes `name`'s partial files in `folder` older than `staleAge`.
    static func removeStale(in folder: URL, for name: String, now: Date = Date()) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for other in names where other.hasPrefix(name + ".") && other.hasSuffix(".partial") {
            let url = folder.appendingPathComponent(other)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > staleAge
            else { continue }
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// Appends `data` and feeds it to the hashes.
    func write(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw FetchError(url.path, .io("cannot write: \(Self.reason(error))"))
        }
        checksums.update(data)
        count += Int64(data.count)
    }

    /// Checks the bytes written against the source (size, every hash it gives, the sha256
    /// prefix in its name, its pin in `pins` when its publisher gives no full hash), flushes them
    /// to disk and renames the file to `destination`. A first use pins the sha256 before the
    /// rename, so a cached file of such a source always has its pin. Errors name `subject`; on
    /// any error the partial file is removed. `note` explains a hash mismatch to the reader.
    @discardableResult
    func commit(to destination: URL, subject: String, note: String, pins: PinnedHashes) throws -> PinOutcome {
        defer { discard() }
        if let size = source.size, count != size {
            throw FetchError(subject, .sizeMismatch(found: count, expected: size))
        }
        let digests = checksums.finish()
        let outcome = try WeightsCache.check(digests, of: source, pins: pins, subject: subject, note: note)
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw FetchError(url.path, .io("cannot flush to disk: \(Self.reason(error))"))
        }
        finished = true
        // rename(2) replaces an existing file atomically; FileManager.moveItem would refuse.
        guard rename(url.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: url)
            throw FetchError(destination.path, .io("cannot move the verified file into place: \(reason)"))
        }
        return outcome
    }

    /// Empties the file to start over (the server ignored a Range request and sent it whole).
    func reset() throws {
        do {
            try handle.truncate(atOffset: 0)
            try handle.seek(toOffset: 0)
        } catch {
            throw FetchError(url.path, .io("cannot truncate: \(Self.reason(error))"))
        }
        checksums = Checksums(for: source)
        count = 0
    }

    /// Closes and removes the file unless it was committed. Safe to call more than once.
    func discard() {
        guard !finished else { return }
        finished = true
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }

    static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}
