import Foundation

/// Where harnesses put an input for entry points that read a path rather than bytes.
public enum FuzzInput {
    /// This process's own scratch folder (forked or parallel fuzzers each get theirs), on a
    /// RAM disk when there is one: every input is written here.
    public static let folder: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm")
                                                                      : FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("zoo-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Writes the input to `input.<pathExtension>` in `folder`, replacing the previous input,
    /// and returns its URL. A failed write is a broken machine, not a finding: it stops the run.
    public static func file(_ bytes: UnsafePointer<UInt8>, _ count: Int, pathExtension: String) -> URL {
        let url = folder.appendingPathComponent("input.\(pathExtension)")
        do {
            try Data(bytes: bytes, count: count).write(to: url)
        } catch {
            fatalError("cannot write the fuzz input to \(url.path): \(error)")
        }
        return url
    }
}
