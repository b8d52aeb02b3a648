import Foundation
import Testing
@testable import ZooFetch
import ZooTestSupport

/// A dropped connection resumes with HTTP Range; two fetches of one file at once (each with its
/// own cache handle, so its own lock file descriptor) end with one download and both succeed.
@Suite struct ResumeAndLockTests {
    static let bytes = Bytes.random(200_000, seed: 41)
    static let hash = SHA256.hex(of: bytes)

    func source(_ url: URL) throws -> WeightSource {
        try WeightSource(file: "big-1234.pth", sha256: Self.hash, size: 200_000, url: url)
    }

    @Test func droppedConnectionResumesWithRange() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await LocalHTTPServer.with(["/big.pth": .resumable(Self.bytes, cutAt: 70_000)]) { server in
            let cache = WeightsCache(root: folder.url)
            let log = LineLog()
            let file = try await WeightsFetcher.ensureCached([try source(server.url("/big.pth"))], in: cache,
                                                            settings: FetchSettings(idleTimeout: 5), reporter: log.reporter)
            #expect(try Data(contentsOf: file) == Self.bytes, "the resumed file is whole and verified")
            #expect(server.rangeStarts("/big.pth") == [nil, 70_000], "the second request asks for the rest only")
            #expect(log.lines.contains { $0.contains("big-1234.pth: the connection closed after 70,000 bytes; resuming") }, "\(log.lines)")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder) == ["big-1234.pth"], "no .partial left")
        }
    }

    @Test func serverIgnoringRangeStartsOver() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Declares 200,000 bytes, sends 70,000, and answers every request (Range or not) the same way.
        try await LocalHTTPServer.with(["/cut.pth": .truncated(declared: 200_000, body: Self.bytes.prefix(70_000))]) { server in
            let cache = WeightsCache(root: folder.url)
            let error = await fetchError { _ = try await WeightsFetcher.download(try source(server.url("/cut.pth")), into: cache, idleTimeout: 5) }
            #expect(error?.problem == .connectionClosed(received: 70_000, expected: 200_000))
            #expect(server.rangeStarts("/cut.pth") == [nil, 70_000], "one resume, which brought nothing new")
            #expect(TemporaryFolder.contents(of: cache.weightsFolder).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentFetchesDownloadOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The server holds back the rest of the file until the second fetch reports that it waits
        // for the first one's lock, so the overlap does not depend on timing.
        let gate = LocalHTTPServer.Gate()
        try await LocalHTTPServer.with(["/big.pth": .gated(Self.bytes, sendFirst: 50_000, gate: gate)]) { server in
            let source = try source(server.url("/big.pth"))
            let progress = ProgressLog()
            let first = Task {
                try await WeightsFetcher.download(source, into: WeightsCache(root: folder.url), progress: progress.record, idleTimeout: 20)
            }
            try await waitUntil { progress.all.contains { $0.0 > 0 } }
            #expect(progress.all.contains { $0.0 > 0 && $0.0 < 200_000 }, "the first fetch is under way")
            let log = LineLog()
            let secondTask = Task {
                try await WeightsFetcher.ensureCached([source], in: WeightsCache(root: folder.url),
                                                      settings: FetchSettings(idleTimeout: 20), reporter: log.reporter)
            }
            try await waitUntil { log.lines.contains { $0.hasPrefix("zoo: waiting for another fetch of big-1234.pth") } }
            gate.open()
            let second = try await secondTask.value
            let firstFile = try await first.value
            #expect(firstFile == second)
            #expect(try Data(contentsOf: second) == Self.bytes)
            #expect(server.requests("/big.pth") == 1, "one download for two fetches")
            #expect(log.lines.contains { $0.hasPrefix("zoo: waiting for another fetch of big-1234.pth") }, "\(log.lines)")
            #expect(TemporaryFolder.contents(of: WeightsCache(root: folder.url).weightsFolder) == ["big-1234.pth"])
        }
    }

    /// Polls `condition` every 5 ms for up to 30 s.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let start = Date()
        while !condition(), Date().timeIntervalSince(start) < 30 {
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }
}
