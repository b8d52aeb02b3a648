import Foundation

/// The sample photos shipped in the repository (`zoo/samples`).
public enum SampleImages {
    /// Their folder.
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo/samples")

    /// One of them, by file name.
    public static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
}
