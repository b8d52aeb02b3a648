import ZooTensor

/// What can go wrong reading an image or a labels file. Every case names the file (the path as
/// given, or the name passed with in-memory data) and the problem, e.g.
/// `photos/cat.jpg: image file is truncated`.
public enum VisionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path does not exist, is a folder, or cannot be read.
    case unreadable(file: String, detail: String)
    /// The file has no bytes at all.
    case empty(file: String)
    /// The bytes are not an image in any format `ImageFormat` lists.
    case notAnImage(file: String)
    /// A Git LFS pointer stands where the image should be: it was never downloaded.
    case gitLFSPointer(file: String)
    /// The data stops before the image does (PIL: "image file is truncated").
    case truncated(file: String, format: ImageFormat)
    /// The decoder rejected the data; `detail` is its own message.
    case corrupt(file: String, format: ImageFormat, detail: String)
    /// A valid file of a kind not handled (12-bit JPEG, unusual colour space...).
    case unsupported(file: String, format: ImageFormat, detail: String)
    /// More pixels than allowed (PIL's decompression-bomb limit by default), refused before
    /// any pixel memory is allocated.
    case tooManyPixels(file: String, width: Int, height: Int, limit: Int)
    /// Memory for the pixels could not be had.
    case outOfMemory(file: String, detail: String)
    /// The format's library cannot be opened; `reason` names it and what to install.
    case libraryUnavailable(file: String, format: ImageFormat, reason: String)
    /// Images in one batch must share a size.
    case sizeMismatch(expected: (width: Int, height: Int), found: (width: Int, height: Int), index: Int)
    /// A labels file that cannot be used.
    case badLabels(file: String, detail: String)

    /// The error in one line, naming the image or file.
    public var description: String {
        switch self {
        case let .unreadable(file, detail): "\(file): \(detail)"
        case let .empty(file): "\(file): empty file (0 bytes), not an image"
        case let .notAnImage(file): "\(file): not a \(ImageFormat.supportedList) image"
        case let .gitLFSPointer(file): "\(file): \(GitLFSPointer.explanation(.image))"
        case let .truncated(file, format): "\(file): \(format) image file is truncated"
        case let .corrupt(file, format, detail): "\(file): broken \(format) data: \(detail)"
        case let .unsupported(file, format, detail): "\(file): unsupported \(format): \(detail)"
        case let .tooManyPixels(file, width, height, limit):
            "\(file): \(width)x\(height) is \(width * height) pixels, more than the limit of \(limit) (a decompression bomb?)"
        case let .outOfMemory(file, detail): "\(file): out of memory: \(detail)"
        case let .libraryUnavailable(file, format, reason): "\(file): cannot decode \(format): \(reason)"
        case let .sizeMismatch(expected, found, index):
            "image \(index) is \(found.width)x\(found.height), the batch is \(expected.width)x\(expected.height)"
        case let .badLabels(file, detail): "\(file): \(detail)"
        }
    }

    /// Equal when both describe the same problem.
    public static func == (lhs: VisionError, rhs: VisionError) -> Bool {
        lhs.description == rhs.description
    }
}
