import Foundation
import ZooFormat
import ZooGraph
import ZooImport
import ZooModels
import ZooVision

/// A model file on disk, its format told by its extension: the one place that knows the
/// formats zoo reads and which importer reads each. A `.zoo` is read here and nowhere else.
struct ModelFile {
    enum Format: CaseIterable {
        case onnx, kerasH5, kerasArchive, pytorch, zoo
    }

    /// What reading a file gives: the graph, and for a `.zoo` the card and labels it carries.
    struct Contents {
        var graph: Graph
        var card: ModelCard?
        var labels: ClassLabels?
        /// A `.zoo` holds a graph `zoo convert` already optimised.
        var isOptimized: Bool
    }

    static let supportedExtensions = ".zoo, .onnx, .h5, .keras, .pth"

    let url: URL
    let format: Format

    /// Checks, once, that `url` is a regular file of a known format.
    init(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ZooError.badModel(file: url, detail: "no such file")
        }
        guard !isDirectory.boolValue else { throw ZooError.badModel(file: url, detail: "is a folder, not a model file") }
        guard let format = Self.format(of: url) else {
            throw ZooError.badModel(file: url, detail: "unknown model format (expected \(Self.supportedExtensions))")
        }
        self.url = url
        self.format = format
    }

    /// The format a name's extension says, or nil.
    static func format(of url: URL) -> Format? {
        switch url.pathExtension.lowercased() {
        case "onnx": .onnx
        case "h5", "hdf5": .kerasH5
        case "keras": .kerasArchive
        case "zoo": .zoo
        case "pth", "pt": .pytorch
        default: nil
        }
    }

    /// Reads the file. `architecture` is the `--arch` spelling for a weights-only file.
    func read(architecture: String?) throws -> Contents {
        var contents = try readGraph(architecture: architecture)
        // Budget errors raised while planning name the file.
        contents.graph.sourceFile = url.lastPathComponent
        return contents
    }

    private func readGraph(architecture: String?) throws -> Contents {
        switch format {
        case .zoo:
            let file = try ZooFile.load(url)
            let (card, labels) = ModelCard.read(file.metadata)
            return Contents(graph: file.graph, card: card, labels: labels, isOptimized: true)
        case .pytorch:
            return Contents(graph: try TorchImporter.importGraph(from: url, architecture: architecture), isOptimized: false)
        case .onnx:
            return Contents(graph: try ONNXImporter.importGraph(from: url), isOptimized: false)
        case .kerasH5, .kerasArchive:
            // libhdf5 reads untrusted files in a child process, where a crash cannot take zoo down.
            return Contents(graph: try KerasIsolation.importGraph(from: url, architecture: architecture), isOptimized: false)
        }
    }
}

extension ModelFile.Contents {
    init(graph: Graph, isOptimized: Bool) {
        self.init(graph: graph, card: nil, labels: nil, isOptimized: isOptimized)
    }
}
