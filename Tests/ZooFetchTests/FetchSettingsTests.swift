import Foundation
import Testing
@testable import ZooFetch
import ZooTestSupport

/// `ZOO_MIRROR` and `--offline` / `ZOO_OFFLINE`, end to end against the loopback server.
@Suite struct FetchSettingsTests {
    static let bytes = Bytes.random(50_000, seed: 31)
    static let hash = SHA256.hex(of: bytes)
    static let publisherURL = URL(string: "https://publisher.invalid/models/net-1234.pth")!

    func source(_ url: URL = publisherURL) throws -> WeightSource {
        try WeightSource(file: "net-1234.pth", sha256: Self.hash, size: 50_000, url: url)
    }

    @Test func mirrorReplacesSchemeAndHostAndKeepsThePath() throws {
        let plain = try FetchSettings(mirror: URL(string: "http://mirror.lan:8080"))
        #expect(plain.resolved(Self.publisherURL).absoluteString == "http://mirror.lan:8080/models/net-1234.pth")
        let prefixed = try FetchSettings(mirror: URL(string: "http://mirror.lan/zoo/"))
        #expect(prefixed.resolved(Self.publisherURL).absoluteString == "http://mirror.lan/zoo/models/net-1234.pth")
        let query = URL(string: "https://publisher.invalid/a/b.h5?raw=1")!
        #expect(plain.resolved(query).absoluteString == "http://mirror.lan:8080/a/b.h5?raw=1")
        #expect(try FetchSettings().resolved(Self.publisherURL) == Self.publisherURL, "no mirror: unchanged")
    }

    @Test func readsTheEnvironment() throws {
        let settings = try FetchSettings.fromEnvironment(["ZOO_MIRROR": "https://m.lan", "ZOO_OFFLINE": "1"])
        #expect(settings.offline && settings.mirror?.absoluteString == "https://m.lan")
        #expect(try FetchSettings.fromEnvironment(["ZOO_OFFLINE": "0"]).offline == false)
        #expect(try FetchSettings.fromEnvironment([:], offline: true).offline, "--offline")
        for bad in ["ftp://m.lan", "m.lan", "http://", "http://m.lan/?x=1"] {
            let error = fetchError { _ = try FetchSettings.fromEnvironment(["ZOO_MIRROR": bad]) }
            #expect(error?.description.hasPrefix("ZOO_MIRROR: '") == true, "\(bad): \(String(describing: error))")
        }
    }

    @Test func fetchesFromTheMirrorPath() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await LocalHTTPServer.with(["/models/net-1234.pth": .ok(Self.bytes), "/zoo/models/net-1234.pth": .ok(Self.bytes)]) { server in
            let log = LineLog()
            for mirror in ["", "/zoo"] {
                let cache = WeightsCache(root: folder.url.appendingPathComponent("cache\(mirror.count)"))
                let settings = try FetchSettings(mirror: server.url(mirror), idleTimeout: 5)
                let file = try await WeightsFetcher.ensureCached([try source()], in: cache, settings: settings, reporter: log.reporter)
                #expect(try Data(contentsOf: file) == Self.bytes)
                #expect(file == cache.path(for: try source()), "cached under the publisher's file name")
            }
            #expect(server.requests("/models/net-1234.pth") == 1 && server.requests("/zoo/models/net-1234.pth") == 1)
            #expect(log.lines.first == "zoo: fetching net-1234.pth from \(server.url("/models/net-1234.pth").absoluteString)", "\(log.lines)")
        }
    }

    @Test func offlineTouchesNoSocketAndSaysWhatToDownload() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cache = WeightsCache(root: folder.url)
        try await LocalHTTPServer.with(["/models/net-1234.pth": .ok(Self.bytes)]) { server in
            let source = try source(server.url("/models/net-1234.pth"))
            let offline = try FetchSettings(offline: true)
            let error = await fetchError { _ = try await WeightsFetcher.ensureCached([source], in: cache, settings: offline, reporter: .silent) }
            let destination = cache.path(for: source).path
            #expect(error?.description == "net-1234.pth: not cached, and zoo is offline (--offline or ZOO_OFFLINE=1): download it from "
                + "\(server.url("/models/net-1234.pth").absoluteString) and put it at \(destination), or pass it with --weights FILE")
            #expect(server.requests("/models/net-1234.pth") == 0, "no request reached the server")
            #expect(TemporaryFolder.contents(of: folder.url).filter { !$0.hasPrefix("locks") }.isEmpty)

            // With the mirror set, the message names the mirror's URL; a file put there is used offline.
            let mirrored = try FetchSettings(offline: true, mirror: URL(string: "http://mirror.lan"))
            let named = await fetchError { _ = try await WeightsFetcher.ensureCached([try Self.init().source()], in: cache, settings: mirrored, reporter: .silent) }
            #expect(named?.description.contains("download it from http://mirror.lan/models/net-1234.pth and put it at") == true)
            try FileManager.default.createDirectory(at: cache.weightsFolder, withIntermediateDirectories: true)
            try Self.bytes.write(to: cache.path(for: source))
            #expect(try await WeightsFetcher.ensureCached([source], in: cache, settings: offline, reporter: .silent) == cache.path(for: source))
            #expect(server.requests("/models/net-1234.pth") == 0)
        }
    }
}
