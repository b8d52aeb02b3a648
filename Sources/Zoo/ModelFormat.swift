import Foundation
import ZooFormat
import ZooGraph
import ZooImport

/// The model file formats zoo reads, recognised by extension.
enum ModelFormat: CaseIterable {
    case onnx, kerasH5, kerasArchive, zoo

    init?(url: URL) {
        switch url.pathExtension.lowercased() {
        case "onnx": self = .onnx
        case "h5", "hdf5": self = .kerasH5
        case "keras": self = .kerasArchive
        case "zoo": self = .zoo
        default: return nil
        }
    }

    static var supportedExtensions: String { ".zoo, .onnx, .h5, .keras" }

    func importGraph(from url: URL, architecture: String?) throws -> Graph {
        switch self {
        case .zoo:
            return try ZooFile.load(url).graph
        case .onnx, .kerasH5, .kerasArchive:
            throw ZooError.badModel(file: url, detail: "this build cannot read \(url.pathExtension) files yet")
        }
    }
}
