import Foundation

/// A float32 `[rows, width]` `.npy` file written one row at a time, for outputs whose row count
/// is known only at the end (`zoo embed` over a list read from a pipe): rows go to a temporary
/// file beside the target behind a header with room for any row count, and `commit()` writes
/// the real header over it and renames the file into place. Memory stays at one row; a reader
/// never sees a half-written file, and an uncommitted writer leaves nothing behind.
public final class NPYRowWriter {
    /// The file `commit()` creates.
    public let url: URL
    /// Rows appended so far.
    public private(set) var rows = 0
    /// The row width, fixed by the first row.
    public private(set) var width: Int?
    private let temporary: URL
    private var handle: FileHandle?
    private var headerLength = 0

    /// A writer of `url`; nothing is created before the first row.
    public init(url: URL) {
        self.url = url
        temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
    }

    deinit { discard() }

    /// Appends one row; every row must be as wide as the first.
    public func append(_ row: [Float]) throws {
        if width == nil {
            width = row.count
            // Room for a row count of up to 18 digits: the real header is padded to this length.
            let reserved = NPY.header(descr: "<f4", dims: [999_999_999_999_999_999, row.count])
            headerLength = reserved.count
            guard FileManager.default.createFile(atPath: temporary.path, contents: reserved),
                  let opened = FileHandle(forUpdatingAtPath: temporary.path) else {
                throw NPYError(file: url, detail: "cannot be written (cannot create \(temporary.lastPathComponent) beside it)")
            }
            handle = opened
            _ = try? opened.seekToEnd()
        }
        guard row.count == width else { throw NPYError(file: url, detail: "row \(rows) has \(row.count) values, the first had \(width!)") }
        let bytes = row.withUnsafeBufferPointer { Data(buffer: $0) }
        do { try handle?.write(contentsOf: bytes) } catch {
            throw NPYError(file: url, detail: "cannot be written (\(error.localizedDescription))")
        }
        rows += 1
    }

    /// Writes the header with the real row count and moves the file into place. With no row
    /// appended there is nothing to commit, and nothing is written.
    public func commit() throws {
        guard let handle, let width else { return }
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: NPY.header(descr: "<f4", dims: [rows, width], length: headerLength))
            try handle.synchronize()
            try handle.close()
            self.handle = nil
        } catch {
            discard()
            throw NPYError(file: url, detail: "cannot be written (\(error.localizedDescription))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw NPYError(file: url, detail: "cannot be written (\(reason))")
        }
    }

    /// Removes the temporary file, if any.
    public func discard() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(at: temporary)
    }
}
