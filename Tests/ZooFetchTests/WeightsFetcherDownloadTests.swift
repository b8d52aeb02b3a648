import Foundation
import Testing
import ZooFetch
import ZooTestSupport

/// `WeightsFetcher.download` against a local HTTP server: every failure leaves the cache
/// folder empty (no cached file, no `.partial`).
@Suite struct WeightsFetcherDownloadTests {
    static let good = Bytes.random(100_000)
    static let goodHash = SHA256.hex(of: good)
    static let otherHash = SHA256.hex(of: Data("something else".utf8))
    static let routes: [String: LocalHTTPServer.Route] = [
        "/good.bin": .ok(good),
        "/no-length.bin": .ok(good, declaresLength: false),
        "/dropped.bin": .truncated(declared: 100_000, body: good.prefix(30_000)),
        "/short.bin": .ok(good.prefix(50_000)),
        "/endless.bin": .ok(good + Bytes.random(20_000, seed: 7), declaresLength: false),
        "/stall.bin": .stall(body: good, sendFirst: 20_000),
        "/error.bin": .status(500),
    ]

    func source(_ url: URL, sha256: String = goodHash, size: Int64? = 100_000) throws -> WeightSource {
        try WeightSource(file: "net-1234.pth", sha256: sha256, size: size, url: url)
    }

    /// Runs `body` with a server and an empty cache, both gone afterwards.
    func withServer(_ body: (LocalHTTPServer, WeightsCache) async throws -> Void) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await LocalHTTPServer.with(Self.routes) { server in
            try await body(server, WeightsCache(root: folder.url))
        }
    }

    func download(_ source: WeightSource, _ cache: WeightsCache, progress: WeightsFetcher.Progress? = nil) async throws -> URL {
        try await WeightsFetcher.download(source, into: cache, progress: progress, idleTimeout: 5)
    }

    @Test func downloadsVerifiesAndCachesOnce() async throws {
        try await withServer { server, cache in
            let source = try source(server.url("/good.bin"))
            let log = ProgressLog()
            let file = try await download(source, cache, progress: log.record)
            #expect(file == cache.path(for: source))
            #expect(try Data(contentsOf: file) == Self.good)
            #expect(log.all.last.map { $0.0 == 100_000 && $0.1 == 100_000 } == true, "progress ends at the full size")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder) == ["net-1234.pth"], "no .partial left")
            #expect(try cache.cachedFiles() == [file])

            let again = try await WeightsFetcher.fetch(source, into: cache)
            #expect(again == file)
            #expect(server.requests("/good.bin") == 1, "a verified cached file is not downloaded again")
        }
    }

    /// Keras-style sources give only an md5: it is checked on download, and a wrong one fails by name.
    @Test func checksAnMD5OnlySource() async throws {
        try await withServer { server, cache in
            let good = try WeightSource(file: "w.h5", md5: MD5.hex(of: Self.good), url: server.url("/good.bin"))
            #expect(try Data(contentsOf: try await download(good, cache)) == Self.good)
            let wrong = try WeightSource(file: "x.h5", md5: MD5.hex(of: Data()), url: server.url("/good.bin"))
            let error = await fetchError { _ = try await download(wrong, cache) }
            #expect(error?.problem == .hashMismatch(algorithm: .md5, found: MD5.hex(of: Self.good), expected: MD5.hex(of: Data())))
            #expect(TemporaryFolder.contents(of: cache.weightsFolder) == ["w.h5"], "no x.h5, no .partial")
        }
    }

    @Test func downloadsWithoutContentLength() async throws {
        try await withServer { server, cache in
            let file = try await download(try source(server.url("/no-length.bin")), cache)
            #expect(try Data(contentsOf: file) == Self.good)
        }
    }

    @Test func wrongHashLeavesNoFile() async throws {
        try await withServer { server, cache in
            let source = try source(server.url("/good.bin"), sha256: Self.otherHash)
            let error = await fetchError { _ = try await download(source, cache) }
            #expect(error?.problem == .hashMismatch(algorithm: .sha256, found: Self.goodHash, expected: Self.otherHash))
            let text = error?.description ?? ""
            #expect(text.hasPrefix("net-1234.pth: sha256 is \(Self.goodHash), expected \(Self.otherHash)"), "\(text)")
            #expect(text.contains("corrupt or the file changed upstream"))
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test func droppedConnectionLeavesNoFile() async throws {
        try await withServer { server, cache in
            let url = server.url("/dropped.bin")
            let error = await fetchError { _ = try await download(try source(url), cache) }
            #expect(error?.problem == .connectionClosed(received: 30_000, expected: 100_000))
            #expect(error?.description == "\(url.absoluteString): connection closed after 30,000 of 100,000 bytes")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test(arguments: [("/missing.bin", 404), ("/error.bin", 500)])
    func httpErrorStatusLeavesNoFile(path: String, status: Int) async throws {
        try await withServer { server, cache in
            let url = server.url(path)
            let error = await fetchError { _ = try await download(try source(url), cache) }
            #expect(error?.description == "\(url.absoluteString): HTTP \(status)")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test func announcedSizeDifferentFromManifest() async throws {
        try await withServer { server, cache in
            let error = await fetchError { _ = try await download(try source(server.url("/short.bin")), cache) }
            #expect(error?.problem == .announcedSize(announced: 50_000, expected: 100_000))
            #expect(error?.description.hasSuffix("the server announces 50,000 bytes, expected 100,000") == true)
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test func bodyLongerThanManifestSizeIsCutOff() async throws {
        try await withServer { server, cache in
            let error = await fetchError { _ = try await download(try source(server.url("/endless.bin")), cache) }
            #expect(error?.problem == .tooLong(expected: 100_000))
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test func sizeCheckedWhenServerGivesNoLength() async throws {
        try await withServer { server, cache in
            let source = try source(server.url("/no-length.bin"), size: 99_999)
            let error = await fetchError { _ = try await download(source, cache) }
            #expect(error?.problem == .tooLong(expected: 99_999))
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellationRemovesThePartialFile() async throws {
        try await withServer { server, cache in
            let source = try source(server.url("/stall.bin"))
            let log = ProgressLog()
            let task = Task { try await download(source, cache, progress: log.record) }
            // Generous: on a loaded 2-core machine the first bytes can take seconds to arrive.
            let start = Date()
            while !log.all.contains(where: { $0.0 > 0 }), Date().timeIntervalSince(start) < 30 {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            #expect(log.all.contains { $0.0 > 0 }, "the first bytes arrived")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).contains { $0.hasSuffix(".partial") })
            let cancelled = Date()
            task.cancel()
            await #expect(throws: CancellationError.self) { _ = try await task.value }
            // The server stalls for good: only a cancellation that does not wait for it ends before
            // the time limit. Under ASan, with other suites busy on both cores, it took 10.6 s once.
            #expect(Date().timeIntervalSince(cancelled) < 30, "cancelling does not wait for the server")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test func unreachableServerGivesOneLine() async throws {
        let server = try LocalHTTPServer(routes: [:])
        let url = server.url("/good.bin")
        server.stop()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cache = WeightsCache(root: folder.url)
        let error = await fetchError { _ = try await download(try source(url), cache) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(url.absoluteString + ": "), "\(text)")
        #expect(!text.contains("\n") && !text.contains("NSURLErrorDomain"), "\(text)")
        #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
    }

    @Test func damagedCachedFileIsReplaced() async throws {
        try await withServer { server, cache in
            let source = try source(server.url("/good.bin"))
            try FileManager.default.createDirectory(at: cache.weightsFolder, withIntermediateDirectories: true)
            try Bytes.random(100_000, seed: 3).write(to: cache.path(for: source))
            #expect(cache.cachedFile(for: source) != nil, "right size, so the cheap check passes")
            let file = try await download(source, cache)
            #expect(try Data(contentsOf: file) == Self.good)
            #expect(server.requests("/good.bin") == 1)
        }
    }

    @Test func pipSourceIsNotDownloaded() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = try WeightSource(file: "w.pth", sha256: Self.goodHash, pipPackage: "fake-pkg", member: "a/w.pth")
        let error = await fetchError { _ = try await download(source, WeightsCache(root: folder.url)) }
        #expect(error?.description == "w.pth: has no url (it comes from pip package fake-pkg)")
    }
}
