import Foundation
import ZooGraph
import ZooImport
import ZooModels

extension ModelSource {
    /// The graph to describe what this source names (`zoo info`), without fetching anything:
    /// the weights' own graph when they are at hand (a file, `--weights`, or the cache), else,
    /// for a zoo model not fetched yet, its architecture from the registry with placeholder weights
    /// (costing no memory), as Keras' `VGG19(weights=None).summary()` describes it. Optimised
    /// when `options.optimize` is set, as `Zoo.loadGraph` is.
    public func architectureGraph() throws -> Graph {
        guard let manifest, file == nil, options.weights == nil, !manifest.weights.isEmpty,
              alreadyCachedWeights(for: manifest) == nil
        else { return try read().graph }
        var graph: Graph
        switch manifest.architecture {
        case .keras(let config): graph = try config.skeletonGraph()
        case .torch(let arch): graph = try TorchImporter.skeleton(arch, imageSize: manifest.input.size)
        case .builtin: return try read().graph
        }
        graph.sourceFile = manifest.name
        return options.optimize ? GraphOptimizer.optimize(graph) : graph
    }
}

extension Zoo {
    /// The graph `source` names for describing it: as `loadGraph`, except that a zoo model
    /// whose weights are not cached is built from its architecture instead of being fetched.
    public static func architectureGraph(_ source: String, options: LoadOptions = LoadOptions()) throws -> Graph {
        try ModelSource(source, options: options).architectureGraph()
    }
}
