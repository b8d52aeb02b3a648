import Foundation
import ZooCatalog
import ZooFetch
import ZooVision

/// The zoo's models, read from the manifests compiled into zoo (`Catalog`).
public enum ModelCatalog {
    /// Every manifest, sorted by name.
    public static func all() throws -> [ModelManifest] {
        try Catalog.manifestData.map { try load($1, name: $0) }.sorted { $0.name < $1.name }
    }

    /// The manifest of the zoo model `name`, or nil when there is none.
    public static func manifest(named name: String) throws -> ModelManifest? {
        try Catalog.manifestData[name].map { try load($0, name: name) }
    }

    /// The class labels a manifest names.
    public static func labels(for manifest: ModelManifest) throws -> ClassLabels {
        guard let data = Catalog.labelsData(named: manifest.labels) else {
            throw ZooError.badManifest(name: manifest.name, detail: "names the label file '\(manifest.labels)', which the zoo does not have")
        }
        return try ClassLabels(classIndexJSON: data, file: manifest.labels)
    }

    static func load(_ data: Data, name: String) throws -> ModelManifest {
        do { return try JSONDecoder().decode(ModelManifest.self, from: data) } catch {
            throw ZooError.badManifest(name: name, detail: "\(error)")
        }
    }
}
