import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file being written next to its final place (`<file>.<random>.partial`), hashed as it is
/// written, that becomes the real file only through an atomic rename once its size and sha256
/// check out. Whatever fails, `discard()` removes it, so a half-written or corrupt file never
/// takes the cached file's name. Each writer has its own random name: two processes fetching
/// the same file at once cannot mix their bytes, and the last rename wins with a whole file.
final class PartialFile {
    let url: URL
    private let handle: FileHandle
    private var hasher = SHA256()
    private(set) var count: Int64 = 0
    private var finished = false

    /// Creates an empty partial file for `name` in `folder` (made if missing).
    init(in folder: URL, for name: String) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FetchError(folder.path, .io("cannot create the cache folder: \(Self.reason(error))"))
        }
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

    /// Appends `data` and feeds it to the hash.
    func write(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw FetchError(url.path, .io("cannot write: \(Self.reason(error))"))
        }
        hasher.update(data)
        count += Int64(data.count)
    }

    /// Checks the bytes written against `source` (size, then sha256), flushes them to disk and
    /// renames the file to `destination`. Errors name `subject`; on any error the partial file
    /// is removed. `note` explains a hash mismatch to the reader.
    func commit(as source: WeightSource, to destination: URL, subject: String, note: String) throws {
        defer { discard() }
        if let size = source.size, count != size {
            throw FetchError(subject, .sizeMismatch(found: count, expected: size))
        }
        let digest = hasher.finalizeHex()
        guard digest == source.sha256 else {
            throw FetchError(subject, .hashMismatch(found: digest, expected: source.sha256), note: note)
        }
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
