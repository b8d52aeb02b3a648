import Foundation
import ZooGraph

/// Turns what a user names on the command line or in code (a model file, or a zoo model
/// name) into a graph. Importers register by file extension; see `ModelFormat`.
public enum ModelLoader {
    /// Loads a graph, optimised for inference unless `optimize` is false.
    public static func loadGraph(_ spec: String, architecture: String? = nil, optimize: Bool = true) throws -> Graph {
        let url = URL(fileURLWithPath: spec)
        var isDirectory: ObjCBool = false
        let graph: Graph
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ZooError.badModel(file: url, detail: "is a folder, not a model file") }
            guard let format = ModelFormat(url: url) else {
                throw ZooError.badModel(file: url, detail: "unknown model format (expected \(ModelFormat.supportedExtensions))")
            }
            graph = try format.importGraph(from: url, architecture: architecture)
        } else if let builtin = try BuiltinModels.graph(named: spec) {
            graph = builtin
        } else {
            throw ZooError.unknownModel(spec)
        }
        // A .zoo holds an already optimised graph (convert writes one); optimising again is wasted load time.
        let optimized = ModelFormat(url: url) == .zoo
        var result = optimize && !optimized ? GraphOptimizer.optimize(graph) : graph
        result.sourceFile = FileManager.default.fileExists(atPath: url.path) ? url.lastPathComponent : nil  // named in budget errors
        return result
    }
}
