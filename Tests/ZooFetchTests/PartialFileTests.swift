import Foundation
import Testing
@testable import ZooFetch

/// The temp-file-then-rename step every fetch path goes through.
@Suite struct PartialFileTests {
    static let data = Bytes.random(300_000, seed: 31)

    /// A source for `data` giving the digests of `algorithms`.
    func source(_ data: Data, _ algorithms: Set<HashAlgorithm> = [.sha256]) throws -> WeightSource {
        try WeightSource(file: "w.pth", sha256: algorithms.contains(.sha256) ? SHA256.hex(of: data) : nil,
                         md5: algorithms.contains(.md5) ? MD5.hex(of: data) : nil, size: Int64(data.count),
                         pipPackage: "p", member: "a/w.pth")
    }

    /// Writes `data` in 7 kB chunks.
    func write(_ data: Data, to partial: PartialFile) throws {
        var offset = 0
        while offset < data.count {
            let end = min(offset + 7000, data.count)
            try partial.write(data[offset..<end])
            offset = end
        }
    }

    @Test(arguments: [[HashAlgorithm.sha256], [.md5], [.sha256, .md5]] as [Set<HashAlgorithm>])
    func hashesWhatWasWrittenInChunks(algorithms: Set<HashAlgorithm>) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let partial = try PartialFile(in: folder.url, for: try source(Self.data, algorithms))
        #expect(partial.url.lastPathComponent.hasPrefix("w.pth.") && partial.url.pathExtension == "partial")
        try write(Self.data, to: partial)
        let destination = folder.url.appendingPathComponent("w.pth")
        try partial.commit(to: destination, subject: "w.pth", note: "", pins: PinnedHashes(folder: folder.url.appendingPathComponent("pins")))
        #expect(try Data(contentsOf: destination) == Self.data)
        #expect(TemporaryFolder.contents(of: folder.url) == ["w.pth"])
    }

    @Test func mismatchRemovesThePartialAndKeepsTheOldFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("w.pth")
        try Data("old".utf8).write(to: destination)
        let partial = try PartialFile(in: folder.url, for: try source(Self.data))
        var changed = Self.data
        changed[123_456] ^= 1
        try write(changed, to: partial)
        let error = fetchError { try partial.commit(to: destination, subject: "w.pth", note: "n", pins: PinnedHashes(folder: folder.url.appendingPathComponent("pins"))) }
        #expect(error?.problem == .hashMismatch(algorithm: .sha256, found: SHA256.hex(of: changed), expected: SHA256.hex(of: Self.data)))
        #expect(TemporaryFolder.contents(of: folder.url) == ["w.pth"])
        #expect(try Data(contentsOf: destination) == Data("old".utf8))
    }

    /// With both hashes given, both are checked: a file that matches only the sha256 fails on the md5.
    @Test func everyGivenHashIsChecked() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let wrongMD5 = String(repeating: "0", count: 32)
        let source = try WeightSource(file: "w.pth", sha256: SHA256.hex(of: Self.data), md5: wrongMD5,
                                      pipPackage: "p", member: "a/w.pth")
        let partial = try PartialFile(in: folder.url, for: source)
        try write(Self.data, to: partial)
        let error = fetchError { try partial.commit(to: folder.url.appendingPathComponent("w.pth"), subject: "w.pth", note: "n", pins: PinnedHashes(folder: folder.url.appendingPathComponent("pins"))) }
        #expect(error?.problem == .hashMismatch(algorithm: .md5, found: MD5.hex(of: Self.data), expected: wrongMD5))
        #expect(error?.description.hasPrefix("w.pth: md5 is ") == true)
        #expect(TemporaryFolder.contents(of: folder.url).isEmpty)
    }

    @Test func discardingBeforeCommitLeavesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let partial = try PartialFile(in: folder.url.appendingPathComponent("made/here"), for: try source(Self.data))
            try partial.write(Self.data)
        }
        #expect(TemporaryFolder.contents(of: folder.url) == ["made", "made/here"], "the folder is made, the file removed on deinit")
    }

    @Test func leftoversOfKilledProcessesAreRemoved() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let old = folder.url.appendingPathComponent("w.pth.0ld.partial")
        let fresh = folder.url.appendingPathComponent("w.pth.f7e5.partial")
        let otherFile = folder.url.appendingPathComponent("x.pth.0ld.partial")
        for url in [old, fresh, otherFile] { try Data("x".utf8).write(to: url) }
        let longAgo = Date().addingTimeInterval(-2 * PartialFile.staleAge)
        for url in [old, otherFile] {
            try FileManager.default.setAttributes([.modificationDate: longAgo], ofItemAtPath: url.path)
        }
        let partial = try PartialFile(in: folder.url, for: try source(Self.data))
        partial.discard()
        #expect(TemporaryFolder.contents(of: folder.url) == ["w.pth.f7e5.partial", "x.pth.0ld.partial"],
                "only w.pth's stale partial goes; a fresh one may belong to a running fetch")
    }
}
