import Foundation

/// A temporary folder for one test's files, removed with it.
public final class Scratch {
    public let folder: URL

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    public func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    @discardableResult
    public func file(_ name: String, _ data: Data) throws -> URL {
        let url = url(name)
        try data.write(to: url)
        return url
    }

    @discardableResult
    public func file(_ name: String, _ bytes: [UInt8]) throws -> URL { try file(name, Data(bytes)) }

    @discardableResult
    public func subfolder(_ name: String) throws -> URL {
        let url = url(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every path under the folder: what a test made, plus whatever a failed write left behind.
    public var contents: Set<String> { Set((try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []) }
}
