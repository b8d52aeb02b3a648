import Foundation
import ZooCatalog
import ZooFetch
import ZooModels
import ZooVision

/// The zoo's models: the one list of them. Each is a manifest, shipped with zoo
/// (`zoo/manifests/NAME.json`) or a team's own in `$ZOO_HOME/manifests/NAME.json`, which adds
/// to the list (and replaces a shipped model of the same name). Loading by name, `zoo list`,
/// and recognising which zoo model a weights file is all read this list.
public enum ModelCatalog {
    /// Every manifest, sorted by name.
    public static func all(cache: WeightsCache = .default) throws -> [ModelManifest] {
        var byName: [String: ModelManifest] = [:]
        for (name, data) in Catalog.manifestData { byName[name] = try load(data, name: name) }
        let files = userManifests(cache)
        // Label files sit beside the manifests that name them: they are not manifests.
        let labelFiles = Set(files.compactMap { try? load($0) }.map(\.labels) + byName.values.map(\.labels))
        for url in files where !labelFiles.contains(url.lastPathComponent) {
            byName[url.deletingPathExtension().lastPathComponent] = try load(url)
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// The manifest of the zoo model `name`, or nil when there is none.
    public static func manifest(named name: String, cache: WeightsCache = .default) throws -> ModelManifest? {
        // A name is a file name in the manifest folders: nothing that could leave them.
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { return nil }
        let user = userFolder(cache).appendingPathComponent(name + ".json")
        if FileManager.default.fileExists(atPath: user.path) { return try load(user) }
        return try Catalog.manifestData[name].map { try load($0, name: name) }
    }

    /// The zoo model whose architecture is `architecture` (up to what a weights file decides:
    /// input size, top, width), for a file whose architecture an importer recognised.
    public static func manifest(for architecture: ModelArchitecture, cache: WeightsCache = .default) throws -> ModelManifest? {
        let candidates = try all(cache: cache).filter { $0.architecture.isSameNetwork(as: architecture) }
        return candidates.first { $0.architecture == architecture } ?? candidates.first
    }

    /// The class labels a manifest names: a file shipped with zoo, or one beside a user manifest.
    public static func labels(for manifest: ModelManifest, cache: WeightsCache = .default) throws -> ClassLabels {
        let user = userFolder(cache).appendingPathComponent(manifest.labels)
        if FileManager.default.fileExists(atPath: user.path) { return try ClassLabels(contentsOf: user) }
        guard let data = Catalog.labelsData(named: manifest.labels) else {
            throw ZooError.badManifest(name: manifest.name, detail: "names the label file '\(manifest.labels)', which the zoo does not have")
        }
        return try ClassLabels(classIndexJSON: data, file: manifest.labels)
    }

    /// Where a team's own manifests go: `$ZOO_HOME/manifests`.
    public static func userFolder(_ cache: WeightsCache) -> URL { cache.root.appendingPathComponent("manifests", isDirectory: true) }

    private static func userManifests(_ cache: WeightsCache) -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: userFolder(cache), includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }
    }

    static func load(_ url: URL) throws -> ModelManifest {
        do { return try load(Data(contentsOf: url), name: url.deletingPathExtension().lastPathComponent) } catch let error as ZooError {
            throw error
        } catch {
            throw ZooError.badManifest(name: url.lastPathComponent, detail: "\(error)")
        }
    }

    static func load(_ data: Data, name: String) throws -> ModelManifest {
        let manifest: ModelManifest
        do { manifest = try JSONDecoder().decode(ModelManifest.self, from: data) } catch {
            throw ZooError.badManifest(name: name, detail: describe(error))
        }
        guard manifest.name == name else { throw ZooError.badManifest(name: name, detail: "its name is '\(manifest.name)', not its file's") }
        return manifest
    }

    /// A decoding error as one line: the field path and what is wrong with it.
    private static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error as? DecodingError {
        case .dataCorrupted(let c)?: return c.codingPath.isEmpty ? "not valid JSON" : "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c)?: return "missing field \(path(c.codingPath + [key]))"
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?: return "\(path(c.codingPath)): \(c.debugDescription)"
        default: return "\(error)"
        }
    }
}
