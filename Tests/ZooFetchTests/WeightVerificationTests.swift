import Foundation
import Testing
@testable import ZooFetch
import ZooTestSupport

/// Publishers without a full hash: torchvision's sha256 prefix in the file name (checked as
/// torch.hub's check_hash does) and trust on first use (the first download's sha256 pinned in
/// the cache); and Keras' md5. Every refusal is one line naming the file.
@Suite struct WeightVerificationTests {
    static let tvBytes = Bytes.random(60_000, seed: 11)
    static let tvHash = SHA256.hex(of: tvBytes)
    /// A torchvision-layout name: the first 8 hex digits of the file's sha256 after a `-`.
    static let tvName = "net-\(tvHash.prefix(8)).pth"
    /// Two different files whose sha256 start with the same hex digit, so one name fits both.
    static let (twinA, twinB): (Data, Data) = {
        var firstSeen: [Character: Data] = [:]
        for seed in UInt64(100)... {
            let bytes = Bytes.random(30_000, seed: seed * 2 + 1)  // Bytes.random ORs the seed with 1
            let digit = SHA256.hex(of: bytes).first ?? "0"
            if let other = firstSeen[digit] { return (other, bytes) }
            firstSeen[digit] = bytes
        }
        fatalError("unreachable: 17 seeds always share a first digit")
    }()

    static let routes: [String: LocalHTTPServer.Route] = [
        "/models/\(tvName)": .ok(tvBytes),
        "/models/net-00000000.pth": .ok(tvBytes),
        "/a/twin.h5": .ok(twinA),
        "/b/twin.h5": .ok(twinB),
        "/a/twin-\(SHA256.hex(of: twinA).prefix(1)).pth": .ok(twinA),
        "/b/twin-\(SHA256.hex(of: twinA).prefix(1)).pth": .ok(twinB),
    ]

    /// Runs `body` with a server, an empty cache and a reporter whose lines are collected.
    func withServer(_ body: (LocalHTTPServer, WeightsCache, LineLog) async throws -> Void) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await LocalHTTPServer.with(Self.routes) { server in
            try await body(server, WeightsCache(root: folder.url), LineLog())
        }
    }

    func fetch(_ source: WeightSource, _ cache: WeightsCache, _ log: LineLog) async throws -> URL {
        try await WeightsFetcher.ensureCached([source], in: cache, settings: FetchSettings(idleTimeout: 5), reporter: log.reporter)
    }

    @Test func readsThePrefixAsTorchHubDoes() {
        #expect(WeightSource.sha256Prefix(inFileName: "resnet18-f37072fd.pth") == "f37072fd")
        #expect(WeightSource.sha256Prefix(inFileName: "efficientnet-lite0-57934424.pth") == "57934424", "first -HEX. match")
        #expect(WeightSource.sha256Prefix(inFileName: "mobilenet_v2-b0353104.pth") == "b0353104")
        #expect(WeightSource.sha256Prefix(inFileName: "vgg16.pth") == nil)
        #expect(WeightSource.sha256Prefix(inFileName: "net-.pth") == nil, "an empty prefix checks nothing")
        #expect(WeightSource.sha256Prefix(inFileName: "net-F37072FD.pth") == nil, "torch.hub's regex is lowercase only")
        let error = fetchError { _ = try WeightSource(file: "vgg16.pth", url: URL(string: "https://x.invalid/vgg16.pth")!, verification: .sha256PrefixInName) }
        #expect(error?.description.contains("has no '-HEX.' in its name") == true, "\(error.map(String.init(describing:)) ?? "accepted")")
    }

    @Test func decodesVerifyAndOmitsTheDefault() throws {
        let json = #"{"file": "resnet18-f37072fd.pth", "url": "https://x.invalid/models/resnet18-f37072fd.pth", "verify": "sha256-prefix-in-name"}"#
        let source = try JSONDecoder().decode(WeightSource.self, from: Data(json.utf8))
        #expect(source.verification == .sha256PrefixInName && source.verification.pinsOnFirstUse)
        #expect(try JSONDecoder().decode(WeightSource.self, from: JSONEncoder().encode(source)) == source)
        let md5 = try WeightSource(file: "w.h5", md5: MD5.hex(of: Data()), url: URL(string: "https://x.invalid/w.h5")!)
        #expect(md5.verification == .md5)
        let keys = try JSONSerialization.jsonObject(with: JSONEncoder().encode(md5)) as? [String: Any]
        #expect(keys?["verify"] == nil, "the default is not written")
    }

    @Test func acceptsTheRightPrefixAndPinsOnce() async throws {
        try await withServer { server, cache, log in
            let source = try WeightSource(file: Self.tvName, url: server.url("/models/\(Self.tvName)"), verification: .sha256PrefixInName)
            let file = try await fetch(source, cache, log)
            #expect(try Data(contentsOf: file) == Self.tvBytes)
            let pin = cache.pinsFolder.appendingPathComponent(Self.tvName + ".sha256")
            #expect(try String(contentsOf: pin, encoding: .utf8) == "\(Self.tvHash)  \(Self.tvName)\n")
            let notices = log.lines.filter { $0.contains("gives no full hash") }
            #expect(notices.count == 1, "\(log.lines)")
            #expect(notices.first?.contains("only the sha256 prefix \(Self.tvHash.prefix(8))") == true)
            #expect(notices.first?.contains(Self.tvHash) == true && notices.first?.contains(pin.path) == true)
            // Later uses check the pin and say nothing about it.
            _ = try await fetch(source, cache, log)
            #expect(log.lines.filter { $0.contains("gives no full hash") }.count == 1)
            #expect(server.requests("/models/\(Self.tvName)") == 1)
        }
    }

    @Test func refusesAWrongPrefix() async throws {
        try await withServer { server, cache, log in
            #expect(!Self.tvHash.hasPrefix("00000000"))
            let source = try WeightSource(file: "net-00000000.pth", url: server.url("/models/net-00000000.pth"), verification: .sha256PrefixInName)
            let error = await fetchError { _ = try await fetch(source, cache, log) }
            #expect(error?.problem == .hashPrefixMismatch(found: Self.tvHash, prefix: "00000000"))
            let text = error?.description ?? ""
            #expect(text.hasPrefix("net-00000000.pth: sha256 is \(Self.tvHash), which does not start with 00000000"), "\(text)")
            #expect(!text.contains("\n"))
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty && TemporaryFolder.contents(of: cache.pinsFolder).isEmpty,
                    "nothing cached, nothing pinned")
        }
    }

    /// Keras' MobileNetV2 layout: no hash at all, so the first download is pinned and a changed
    /// file is refused afterwards.
    @Test func refusesAChangedFileAfterPinning() async throws {
        try await withServer { server, cache, log in
            let first = try WeightSource(file: "twin.h5", url: server.url("/a/twin.h5"), verification: .pinnedOnFirstUse)
            _ = try await fetch(first, cache, log)
            #expect(log.lines.contains { $0.contains("twin.h5: 127.0.0.1 gives no full hash (no hash at all)") }, "\(log.lines)")
            try FileManager.default.removeItem(at: cache.path(for: first))
            let changed = try first.downloaded(from: server.url("/b/twin.h5"))
            let error = await fetchError { _ = try await fetch(changed, cache, log) }
            let pin = cache.pinsFolder.appendingPathComponent("twin.h5.sha256").path
            #expect(error?.problem == .pinMismatch(found: SHA256.hex(of: Self.twinB), pinned: SHA256.hex(of: Self.twinA), pinFile: pin))
            #expect(error.map { !$0.description.contains("\n") && $0.description.contains("delete the pin") } == true)
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty, "the changed file is not cached")
        }
    }

    /// A prefix is only a prefix: two files can share it, and the pin tells them apart.
    @Test func pinCatchesAChangedFileWithTheSamePrefix() async throws {
        try await withServer { server, cache, log in
            let name = "twin-\(SHA256.hex(of: Self.twinA).prefix(1)).pth"
            let first = try WeightSource(file: name, url: server.url("/a/\(name)"), verification: .sha256PrefixInName)
            _ = try await fetch(first, cache, log)
            try FileManager.default.removeItem(at: cache.path(for: first))
            let error = await fetchError { _ = try await fetch(try first.downloaded(from: server.url("/b/\(name)")), cache, log) }
            guard case .pinMismatch = error?.problem else { Issue.record("\(String(describing: error))"); return }
        }
    }

    @Test func refusesAWrongMD5() async throws {
        try await withServer { server, cache, log in
            let source = try WeightSource(file: "twin.h5", md5: MD5.hex(of: Self.twinB), url: server.url("/a/twin.h5"))
            let error = await fetchError { _ = try await fetch(source, cache, log) }
            #expect(error?.problem == .hashMismatch(algorithm: .md5, found: MD5.hex(of: Self.twinA), expected: MD5.hex(of: Self.twinB)))
            #expect(error.map { $0.description.hasPrefix("twin.h5: md5 is ") && !$0.description.contains("\n") } == true)
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    /// A file the user put in the cache by hand (as the offline message says) is checked against
    /// the name's prefix and pinned on its first use.
    @Test func handPlacedFileIsCheckedAndPinned() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cache = WeightsCache(root: folder.url)
        let source = try WeightSource(file: Self.tvName, url: URL(string: "https://x.invalid/\(Self.tvName)")!, verification: .sha256PrefixInName)
        try FileManager.default.createDirectory(at: cache.weightsFolder, withIntermediateDirectories: true)
        try Self.tvBytes.write(to: cache.path(for: source))
        let (_, pin) = try cache.verifyAndPin(source)
        guard case .pinnedNow(let sha256, _) = pin else { Issue.record("\(pin)"); return }
        #expect(sha256 == Self.tvHash)
        #expect(try cache.verifyAndPin(source).pin == .matched)
        try Bytes.random(60_000, seed: 12).write(to: cache.path(for: source))
        #expect(fetchError { try cache.verify(source) } != nil, "a different file under that name is refused")
    }
}

/// Collects the lines a `FetchReporter` writes.
final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    var reporter: FetchReporter {
        FetchReporter(drawsBars: false) { [self] line in lock.withLock { text += line } }
    }

    var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
}
