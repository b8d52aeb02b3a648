import Foundation

/// A `.zoo` file that cannot be read or written, naming the file and the part that is wrong.
public struct ZooFileError: Error, CustomStringConvertible, Equatable {
    /// The file that failed.
    public let file: URL
    /// What is wrong with it.
    public let detail: String
    /// An error about `file`.
    public init(file: URL, detail: String) { self.file = file; self.detail = detail }
    /// The error in one line, naming the file.
    public var description: String { "\(file.lastPathComponent): \(detail)" }
}
