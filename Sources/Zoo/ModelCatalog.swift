import Foundation
import ZooCatalog
import ZooFetch
import ZooVision

/// The zoo's models, read from the manifests shipped with zoo.
public enum ModelCatalog {
    /// Every manifest, sorted by name.
    public static func all() throws -> [ModelManifest] {
        let files = try FileManager.default.contentsOfDirectory(at: Catalog.manifestsFolder, includingPropertiesForKeys: nil)
        return try files.filter { $0.pathExtension == "json" }.map(load).sorted { $0.name < $1.name }
    }

    /// The manifest of the zoo model `name`, or nil when there is none.
    public static func manifest(named name: String) throws -> ModelManifest? {
        let url = Catalog.manifestsFolder.appendingPathComponent(name + ".json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try load(url)
    }

    /// The class labels a manifest names.
    public static func labels(for manifest: ModelManifest) throws -> ClassLabels {
        try ClassLabels(contentsOf: Catalog.labelsFile(manifest.labels))
    }

    static func load(_ url: URL) throws -> ModelManifest {
        do { return try JSONDecoder().decode(ModelManifest.self, from: Data(contentsOf: url)) } catch {
            throw ZooError.badManifest(name: url.deletingPathExtension().lastPathComponent, detail: "\(error)")
        }
    }
}
