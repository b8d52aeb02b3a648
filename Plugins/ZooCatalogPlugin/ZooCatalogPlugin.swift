import Foundation
import PackagePlugin

/// Compiles the zoo's data into the ZooCatalog module: every `zoo/manifests/*.json` and every
/// label file `zoo/*.json` becomes a constant in a generated Swift file, so the `zoo`
/// executable needs no resource bundle beside it and keeps working copied on its own. The
/// JSON files stay the one source of truth; the generated file lives only in the build folder.
@main
struct ZooCatalogPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let zoo = context.package.directoryURL.appending(path: "zoo")
        let manifests = try jsonFiles(in: zoo.appending(path: "manifests"))
        let labels = try jsonFiles(in: zoo)
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedCatalog.swift")
        // The generator reads `manifest:PATH` and `labels:PATH` arguments after the output path.
        let arguments = [output.path] + manifests.map { "manifest:" + $0.path } + labels.map { "labels:" + $0.path }
        return [
            .buildCommand(displayName: "Embedding zoo/manifests and label files into ZooCatalog",
                          executable: try context.tool(named: "ZooCatalogGenerator").url,
                          arguments: arguments,
                          inputFiles: manifests + labels,
                          outputFiles: [output]),
        ]
    }

    /// The `.json` files directly in `folder`, sorted by name.
    private func jsonFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
            .map { folder.appending(path: $0) }
    }
}
