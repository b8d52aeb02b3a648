import ArgumentParser
import Foundation
import Zoo
import ZooFetch
import ZooTensor

/// `zoo fetch M`: get a zoo model's weights into the cache (checked against the manifest's
/// hashes, written atomically), then convert them to `.zoo` there so loading is a memory map.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download, verify and cache a zoo model's weights.",
        discussion: "The cache is $ZOO_HOME (default ~/.cache/zoo). With --from, a file you downloaded yourself is checked and cached instead.")

    @Argument(help: "A zoo model name (see `zoo list`).")
    var model: String

    // Also spelled --weights, as every other command takes such a file (and as the offline message says).
    @Option(name: [.customLong("from"), .customLong("weights")], help: "A weights file you downloaded by hand (also --weights).")
    var from: String?

    @Flag(name: .long, help: "Never touch the network (also ZOO_OFFLINE=1): say what to download instead.")
    var offline = false

    func run() async throws {
        guard let manifest = try ModelCatalog.manifest(named: model) else { throw ZooError.unknownModel(model) }
        guard !manifest.hasBuiltinWeights else { return print("\(model): built in, nothing to fetch") }
        guard let source = manifest.weights.first else { throw CLIError("\(model): the manifest lists no weights") }
        let cache = WeightsCache.default
        let weights: URL
        if let from {
            guard FileManager.default.fileExists(atPath: from) else { throw CLIError("\(from): no such file") }
            if GitLFSPointer.matches(fileAt: URL(fileURLWithPath: from)) { throw CLIError("\(from): \(GitLFSPointer.explanation(.model))") }
            weights = try cache.store(URL(fileURLWithPath: from), as: source)
        } else {
            weights = try await WeightsFetcher.ensureCached(manifest.weights, in: cache,
                                                            settings: try FetchSettings.fromEnvironment(offline: offline))
        }
        print("\(model): \(source.file) verified (\(source.checksDescription)) at \(weights.path)")

        let converted = Zoo.convertedFile(for: manifest, in: cache)
        try FileManager.default.createDirectory(at: converted.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Convert from the verified source file, never from an older converted copy.
        let report = try ModelConverter.convert(weights.path, architecture: manifest.name, to: converted)
        print("\(model): converted to \(converted.path) (\(grouped(report.parameterCount)) parameters, outputs bit-identical to the source)")
    }
}
