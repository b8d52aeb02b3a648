import Foundation

/// The zoo's data files, compiled into the binary (see Plugins/ZooCatalogPlugin): one manifest
/// per model (`zoo/manifests/NAME.json`) and the label files they name (`zoo/NAME.json`).
/// Nothing is read from disk, so a `zoo` executable copied on its own still knows its models.
public enum Catalog {
    /// Every manifest's JSON bytes, by model name (its file name without `.json`).
    public static let manifestData: [String: Data] = GeneratedCatalog.manifests.mapValues(decode)

    /// The bytes of a label file, by the name a manifest gives it (e.g. `imagenet_classes.json`),
    /// or nil when the zoo has no such file.
    public static func labelsData(named name: String) -> Data? {
        GeneratedCatalog.labels[name].map(decode)
    }

    /// The generator wrote valid base64; anything else is a broken build, not bad input.
    private static func decode(_ base64: String) -> Data {
        guard let data = Data(base64Encoded: base64) else { preconditionFailure("GeneratedCatalog holds invalid base64") }
        return data
    }
}
