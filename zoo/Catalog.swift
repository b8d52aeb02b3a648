import Foundation

/// The zoo's data files, shipped with the binary as resources: one manifest per model
/// (`manifests/NAME.json`) and the label files they name.
public enum Catalog {
    /// Folder of the model manifests.
    public static var manifestsFolder: URL { Bundle.module.resourceURL!.appendingPathComponent("manifests") }
    /// A label file by the name a manifest gives it (e.g. `imagenet_classes.json`).
    public static func labelsFile(_ name: String) -> URL { Bundle.module.resourceURL!.appendingPathComponent(name) }
}
