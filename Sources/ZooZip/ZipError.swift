/// What is wrong with a zip archive, without the archive's name: each reader (`.keras`, `.pth`,
/// wheels) puts the file in front in its own error type.
public struct ZipError: Error, CustomStringConvertible, Sendable {
    /// Whether the archive is cut short or unreadable (as opposed to readable but refused).
    public let isTruncated: Bool
    /// The problem in one line.
    public let description: String

    init(_ description: String, truncated: Bool = false) {
        self.description = description
        isTruncated = truncated
    }
}
