import Foundation

/// A Git LFS pointer: the small text file a clone holds in place of a large file until
/// `git lfs pull` downloads it. Readers check for one when a file does not start as its
/// format should, so the user learns why instead of reading "bad magic".
public enum GitLFSPointer {
    /// What the missing file was meant to be, for the message.
    public enum Content: Sendable {
        /// A model file, an array file or an image.
        case model, array, image
    }

    /// The first line of every pointer file: the version URL of the LFS specification.
    static let firstLine = Array("version https://git-lfs.github.com/spec/v1".utf8)

    /// Whether `bytes`, the start of a file, are a pointer.
    public static func matches(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.starts(with: firstLine)
    }

    /// Whether the file at `url` is a pointer (false when it cannot be read).
    public static func matches(fileAt url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return matches((try? handle.read(upToCount: firstLine.count)) ?? Data())
    }

    /// "a Git LFS pointer, not the model; the weights were never downloaded (run git lfs pull)".
    public static func explanation(_ content: Content) -> String {
        let (what, missing) = switch content {
        case .model: ("the model", "the weights were")
        case .array: ("the array", "its data was")
        case .image: ("the image", "the image was")
        }
        return "a Git LFS pointer, not \(what); \(missing) never downloaded (run git lfs pull)"
    }
}
