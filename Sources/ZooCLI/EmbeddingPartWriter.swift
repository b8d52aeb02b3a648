import Foundation
import ZooTensor

/// `zoo embed -o OUT.npy` written as the rows come: the rows into an `NPYRowWriter`, each row's
/// position and path into a temporary rows file beside it, so memory does not grow with the
/// number of images. `commit(keepRows:)` moves both into place (the rows file only when it is
/// needed: with `--shard`, or when an image failed); until then nothing is visible.
final class EmbeddingPartWriter {
    private let npy: NPYRowWriter
    private let rowsURL: URL
    private let temporaryRows: URL
    private var rowsHandle: FileHandle?

    init(url: URL) {
        npy = NPYRowWriter(url: url)
        rowsURL = EmbeddingParts.rowsFile(of: url)
        temporaryRows = rowsURL.deletingLastPathComponent()
            .appendingPathComponent(".\(rowsURL.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
    }

    deinit { discard() }

    var rows: Int { npy.rows }

    func append(_ vector: [Float], position: Int, path: String) throws {
        try npy.append(vector)
        if rowsHandle == nil {
            guard FileManager.default.createFile(atPath: temporaryRows.path, contents: nil),
                  let opened = FileHandle(forWritingAtPath: temporaryRows.path) else {
                throw CLIError("\(rowsURL.path): cannot be written")
            }
            rowsHandle = opened
        }
        try rowsHandle?.write(contentsOf: Data(EmbeddingParts.rowsLine(position: position, path: path).utf8))
    }

    /// Moves the `.npy` into place, and the rows file when `keepRows`; with no row, nothing.
    func commit(keepRows: Bool) throws {
        guard npy.rows > 0 else { return discard() }
        try rowsHandle?.close()
        rowsHandle = nil
        try npy.commit()
        if keepRows {
            guard rename(temporaryRows.path, rowsURL.path) == 0 else {
                throw CLIError("\(rowsURL.path): cannot be written (\(String(cString: strerror(errno))))")
            }
        }
        try? FileManager.default.removeItem(at: temporaryRows)
    }

    func discard() {
        npy.discard()
        try? rowsHandle?.close()
        rowsHandle = nil
        try? FileManager.default.removeItem(at: temporaryRows)
    }
}
