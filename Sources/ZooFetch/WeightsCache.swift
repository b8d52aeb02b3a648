import Foundation
import ZooTensor

/// The folder zoo keeps weights files in: `<root>/weights/<file>`, where root is `$ZOO_HOME`
/// or `~/.cache/zoo`. A file only ever gets its cached name by an atomic rename after its
/// checks (sha256 and/or md5, the sha256 prefix in its name, its pin: as its source allows)
/// passed, so anything present under that name was whole when it was put there. Beside it:
/// `<root>/pins` (sha256s pinned on first use) and `<root>/locks` (one lock file per fetched file).
public struct WeightsCache: Sendable, Hashable {
    /// The cache root (`$ZOO_HOME`).
    public let root: URL

    /// A cache rooted at `root`.
    public init(root: URL) {
        self.root = root
    }

    /// The cache at `$ZOO_HOME`, or `~/.cache/zoo` when it is unset or empty.
    public static var `default`: WeightsCache {
        if let home = environmentVariable("ZOO_HOME"), !home.isEmpty {
            return WeightsCache(root: URL(fileURLWithPath: (home as NSString).expandingTildeInPath, isDirectory: true))
        }
        // $HOME first: FileManager's home directory sets up more than it needs (0.1 ms of every command).
        let home = environmentVariable("HOME").flatMap { $0.hasPrefix("/") ? $0 : nil }
        let user = home.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.homeDirectoryForCurrentUser
        return WeightsCache(root: user.appendingPathComponent(".cache/zoo", isDirectory: true))
    }

    /// Where weights files live: `<root>/weights`.
    public var weightsFolder: URL { root.appendingPathComponent("weights", isDirectory: true) }

    /// Where `source`'s file is (or would be) cached.
    public func path(for source: WeightSource) -> URL {
        weightsFolder.appendingPathComponent(source.file)
    }

    /// The cached file of `source` if it is present and has the known size. Cheap (no
    /// hashing): a file only gets its cached name after its hash was checked. Use `verify`
    /// for a full check.
    public func cachedFile(for source: WeightSource) -> URL? {
        let url = path(for: source)
        guard let size = Self.regularFileSize(url) else { return nil }
        if let expected = source.size, size != expected { return nil }
        return url
    }

    /// Hashes the cached file of `source` and returns its path, or throws a `FetchError`
    /// when it is missing, has the wrong size, a hash (sha256, md5) other than the source's,
    /// a sha256 without the prefix its name gives, or one other than its pin. A source
    /// without a published full hash gets its sha256 pinned here if none is yet.
    @discardableResult
    public func verify(_ source: WeightSource) throws -> URL {
        try verifyAndPin(source).file
    }

    /// Copies a file the user downloaded by hand into the cache as `source`'s file, checking
    /// its size and hashes while copying (`zoo fetch NAME --from FILE`). The cache is left
    /// untouched when the file is not the right one.
    @discardableResult
    public func store(_ file: URL, as source: WeightSource) throws -> URL {
        let destination = path(for: source)
        guard let size = Self.regularFileSize(file) else {
            throw FetchError(file.path, .io("no such file (or not a regular file)"))
        }
        if let expected = source.size, size != expected {
            throw FetchError(file.path, .sizeMismatch(found: size, expected: expected), note: "this is not \(source.file)")
        }
        if file.standardizedFileURL.resolvingSymlinksInPath() == destination.standardizedFileURL.resolvingSymlinksInPath() {
            return try verify(source)
        }
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: file) } catch {
            throw FetchError(file.path, .io("cannot read: \(PartialFile.reason(error))"))
        }
        defer { try? input.close() }
        let partial = try PartialFile(in: weightsFolder, for: source)
        defer { partial.discard() }
        while true {
            let chunk: Data?
            do { chunk = try input.read(upToCount: 1 << 20) } catch {
                throw FetchError(file.path, .io("cannot read: \(PartialFile.reason(error))"))
            }
            guard let chunk, !chunk.isEmpty else { break }
            try partial.write(chunk)
        }
        try partial.commit(to: destination, subject: file.path,
                           note: "this is not \(source.file), or it is damaged", pins: pins)
        return destination
    }

    /// The files in the cache's weights folder, by name; unfinished `.partial` files and
    /// hidden files are left out. Empty when the folder does not exist yet.
    public func cachedFiles() throws -> [URL] {
        let folder = weightsFolder
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw FetchError(folder.path, .io("cannot list: \(PartialFile.reason(error))"))
        }
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".partial") }.sorted()
            .map { folder.appendingPathComponent($0) }
            .filter { Self.regularFileSize($0) != nil }
    }

    /// The size of a regular file (following symlinks), or nil if there is none.
    static func regularFileSize(_ url: URL) -> Int64? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = attributes[.size] as? NSNumber
        else { return nil }
        return size.int64Value
    }
}
