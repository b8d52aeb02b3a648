import ArgumentParser
import Foundation
import Zoo
import ZooFetch

/// `zoo list`: the zoo's models and whether their weights are cached.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the zoo's models and what is cached.")

    func run() throws {
        let cache = WeightsCache.default
        print("Models (cache: \(cache.root.path))")
        for m in try ModelCatalog.all() {
            let converted = FileManager.default.fileExists(atPath: Zoo.convertedFile(for: m, in: cache).path)
            let source = m.weights.contains { cache.cachedFile(for: $0) != nil }
            let state = m.hasBuiltinWeights ? "built in" : converted ? "cached (.zoo)" : source ? "cached"
                : m.weights.isEmpty ? "its manifest lists no source: use --weights FILE" : "not cached (fetched on first use, or: zoo fetch \(m.name))"
            let params = m.parameters.map { grouped($0) } ?? "?"
            print("  \(m.name.padding(toLength: 20, withPad: " ", startingAt: 0))  \(m.family.padding(toLength: 18, withPad: " ", startingAt: 0))  \(m.input.size)x\(m.input.size)  \(params.padding(toLength: 12, withPad: " ", startingAt: 0))  \(state)")
        }
    }
}
