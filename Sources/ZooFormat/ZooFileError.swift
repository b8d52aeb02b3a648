import Foundation

/// A `.zoo` file that cannot be read or written, naming the file and the part that is wrong.
public struct ZooFileError: Error, CustomStringConvertible, Equatable {
    public let file: URL
    public let detail: String
    public init(file: URL, detail: String) { self.file = file; self.detail = detail }
    public var description: String { "\(file.lastPathComponent): \(detail)" }
}
