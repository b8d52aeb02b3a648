import Foundation
import ZooTensor
import ZooZip

/// What can go wrong reading a model file. Every case names the file and the part that is
/// wrong, e.g. `resnet50.h5: conv2_block1_0_conv/kernel: expected [1,1,64,256], found [1,1,64,64]`.
public enum ImportError: Error, CustomStringConvertible {
    /// The file is not of the expected kind at all (wrong magic, not HDF5, not protobuf).
    case notAModel(file: URL, detail: String)
    /// A Git LFS pointer stands where the model should be: the weights were never downloaded.
    case gitLFSPointer(file: URL)
    /// The file is cut short or a length inside it runs past its end.
    case truncated(file: URL, detail: String)
    /// A structural problem at a named place inside the file.
    case malformed(file: URL, at: String, detail: String)
    /// A tensor the architecture needs is not in the file.
    case missingTensor(name: String, file: URL)
    /// Tensors in the file that the architecture does not use.
    case unusedTensors(names: [String], file: URL)
    /// A tensor whose shape is not the one the architecture needs.
    case shapeMismatch(tensor: String, expected: Shape, found: Shape, file: URL)
    /// An operator or layer zoo does not support, with why.
    case unsupportedOp(type: String, node: String, detail: String, file: URL)
    /// A tensor of an element type zoo does not read.
    case unsupportedDType(tensor: String, dtype: String, file: URL)
    /// A C library call failed; `message` is its own error text.
    case library(call: String, message: String, file: URL)
    /// A zip archive (`.keras`) that `ZipArchive` refused or could not read.
    case zip(file: URL, ZipError)
    /// Several problems found in one pass over the file, reported together.
    case many([ImportError])

    /// The error in one line, starting with the file name.
    public var description: String {
        switch self {
        case let .notAModel(file, detail): "\(file.lastPathComponent): \(detail)"
        case let .gitLFSPointer(file): "\(file.lastPathComponent): \(GitLFSPointer.explanation(.model))"
        case let .truncated(file, detail): "\(file.lastPathComponent): truncated: \(detail)"
        case let .malformed(file, at, detail): "\(file.lastPathComponent): \(at): \(detail)"
        case let .missingTensor(name, file): "\(file.lastPathComponent): \(name): missing"
        case let .unusedTensors(names, file): "\(file.lastPathComponent): tensors not used by the architecture: \(names.joined(separator: ", "))"
        case let .shapeMismatch(tensor, expected, found, file): "\(file.lastPathComponent): \(tensor): expected \(expected), found \(found)"
        case let .unsupportedOp(type, node, detail, file): "\(file.lastPathComponent): node '\(node)': unsupported \(type)\(detail.isEmpty ? "" : ": " + detail)"
        case let .unsupportedDType(tensor, dtype, file): "\(file.lastPathComponent): \(tensor): unsupported data type \(dtype)"
        case let .library(call, message, file): "\(file.lastPathComponent): \(call) failed: \(message)"
        case let .zip(file, error): "\(file.lastPathComponent): \(error)"
        case let .many(errors): errors.map(\.description).joined(separator: "; ")
        }
    }
}
