import ArgumentParser
import Foundation

/// `--force`, for the commands that write `.npy` files.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write the .npy output even over an existing file that is not a .npy.")
    var force = false
}

/// The rules every command's output path passes before any work is done, so that zoo never
/// destroys a file the user gave it (issue 15: `zoo embed -o photo.jpg photo.jpg` overwrote the
/// photo). Writing itself is atomic everywhere (`NPY.write`, `ZooFileWriter`, the index):
/// a temporary file in the same folder, renamed over the target.
enum OutputFile {
    /// What a command is about to write, for the `.npy` rule.
    enum Kind { case npy, other }

    /// Throws unless `path` may be written: its folder exists; it is not a folder; it is not
    /// one of `inputs` (same device and inode, or the same path when it does not exist yet);
    /// and, for `.npy` output, an existing file there is a `.npy` (or empty) unless `force`.
    static func check(_ path: String, inputs: [String], kind: Kind, force: Bool = false) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("\(path): the folder \(folder.path) does not exist")
        }
        guard let target = identity(of: path) else {
            let standardized = url.standardizedFileURL.path
            if inputs.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.path == standardized }) {
                throw CLIError("\(path): is also an input; refusing to write over it")
            }
            return
        }
        guard !target.isFolder else { throw CLIError("\(path): is a folder, not a file to write") }
        for input in inputs where identity(of: input).map({ $0.device == target.device && $0.inode == target.inode }) == true {
            throw CLIError("\(path): is also an input (\(input)); refusing to write over it")
        }
        if kind == .npy, !force, target.size > 0, !startsLikeNPY(path) {
            throw CLIError("\(path): exists and is not a .npy file; refusing to write .npy bytes over it (pass --force)")
        }
    }

    private struct Identity { var device: UInt64, inode: UInt64, size: Int64, isFolder: Bool }

    private static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                        isFolder: (info.st_mode & S_IFMT) == S_IFDIR)
    }

    private static func startsLikeNPY(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 6)) ?? Data()
        return head == Data([0x93]) + Data("NUMPY".utf8)
    }
}
