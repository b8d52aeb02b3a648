import Foundation
import ZooFormat
import ZooGraph
import ZooImport

/// The model file formats zoo reads, recognised by extension.
enum ModelFormat: CaseIterable {
    case onnx, kerasH5, kerasArchive, pytorch, zoo

    init?(url: URL) {
        switch url.pathExtension.lowercased() {
        case "onnx": self = .onnx
        case "h5", "hdf5": self = .kerasH5
        case "keras": self = .kerasArchive
        case "zoo": self = .zoo
        case "pth", "pt": self = .pytorch
        default: return nil
        }
    }

    static var supportedExtensions: String { ".zoo, .onnx, .h5, .keras, .pth" }

    func importGraph(from url: URL, architecture: String?) throws -> Graph {
        switch self {
        case .zoo:
            return try ZooFile.load(url).graph
        case .pytorch:
            return try TorchImporter.importGraph(from: url, architecture: architecture)
        case .onnx:
            return try ONNXImporter.importGraph(from: url)
        case .kerasH5, .kerasArchive:
            return try KerasIsolation.importGraph(from: url, architecture: architecture)  // libhdf5 in a child process
        }
    }
}
