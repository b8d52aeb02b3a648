import Foundation
import Testing
import ZooTensor
import ZooTestSupport

/// Many images (issue 21): `--jsonl` streaming in input order, `--list` (a file or standard
/// input, read as it goes), `--shard I/N` partitions, `zoo embed --merge`, on the built-in
/// `tiny-cnn` (random weights, no download).
@Suite struct BatchCommandTests {
    /// A folder of `count` small PNGs (`00.png`...) and the list file naming them.
    static func imageList(count: Int) throws -> (folder: URL, list: URL, paths: [String]) {
        let folder = try CLIRunner.temporaryFolder()
        var rng = SeededRandom(seed: 21)
        var paths: [String] = []
        for i in 0..<count {
            let size = 20 + i % 7
            let pixels = (0..<(size * size * 3)).map { _ in UInt8(rng.next() % 256) }
            let url = folder.appendingPathComponent(String(format: "%02d.png", i))
            try PNGEncoder.rgb(width: size, height: size, pixels: pixels).write(to: url)
            paths.append(url.path)
        }
        let list = folder.appendingPathComponent("list.txt")
        try Data(paths.map { $0 + "\n" }.joined().utf8).write(to: list)
        return (folder, list, paths)
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func jsonlLinesAreTheJSONDocumentsEntriesInOrder() throws {
        let (folder, list, paths) = try Self.imageList(count: 5)
        defer { try? FileManager.default.removeItem(at: folder) }
        let jsonl = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--jsonl", "--top", "2", "--list", list.path])
        let json = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--json", "--top", "2", "--list", list.path])
        #expect(jsonl.status == 0 && json.status == 0, "\(jsonl.stderr)\(json.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let entries = try (document?["images"] as? [Any] ?? []).map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        let lines = try Self.lines(jsonl.stdout).map { line in
            try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(line.utf8)), options: [.sortedKeys])
        }
        #expect(lines.count == 5 && lines == entries, "one line per image, each one --json entry")
        #expect(Self.lines(jsonl.stdout).enumerated().allSatisfy { $1.hasPrefix("{\"file\":\"\(paths[$0])\"") }, "in input order")
    }

    @Test func aBadListedImageIsItsOwnLineAndTheRunGoesOn() throws {
        let (folder, _, paths) = try Self.imageList(count: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = folder.appendingPathComponent("bad-list.txt")
        let missing = folder.appendingPathComponent("missing.jpg").path
        let notImage = folder.appendingPathComponent("notes.png")
        try Data("plain text".utf8).write(to: notImage)
        try Data([paths[0], missing, notImage.path, folder.path, paths[1]].map { $0 + "\r\n" }.joined().utf8).write(to: list)
        let r = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--jsonl", "--list", list.path])
        #expect(r.status == 1)
        let objects = try Self.lines(r.stdout).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects.map { $0["file"] as? String } == [paths[0], missing, notImage.path, folder.path, paths[1]])
        #expect(objects.map { $0["error"] == nil } == [true, false, false, false, true], "\(r.stdout)")
        #expect((objects[1]["error"] as? String ?? "").contains("missing.jpg"))
        let errors = Self.lines(r.stderr)
        #expect(errors.count == 3 && errors.allSatisfy { $0.hasPrefix("zoo: error: ") }, "\(r.stderr)")
    }

    @Test func theFirstLineIsWrittenBeforeTheListFromStandardInputEnds() throws {
        let (folder, _, paths) = try Self.imageList(count: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = ZooExecutable.url
        process.arguments = ["predict", "--model", "tiny-cnn", "--jsonl", "--batch", "1", "--list", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        input.fileHandleForWriting.write(Data((paths[0] + "\n").utf8))
        // The writer keeps the pipe open; the first answer must come anyway.
        let first = Self.readLine(output.fileHandleForReading, timeout: 120)
        #expect(first?.hasPrefix("{\"file\":\"\(paths[0])\"") == true, "first line \(first ?? "none") before the list ended")
        input.fileHandleForWriting.write(Data((paths[1] + "\n" + paths[2] + "\n").utf8))
        try input.fileHandleForWriting.close()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Self.lines(String(decoding: rest, as: UTF8.self)).count == 2)
    }

    /// Reads up to the first newline, or nil after `timeout` seconds.
    static func readLine(_ handle: FileHandle, timeout: Double) -> String? {
        final class Box: @unchecked Sendable { var line: String? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes = Data()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            box.line = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            done.signal()
        }
        return done.wait(timeout: .now() + timeout) == .success ? box.line : nil
    }

    @Test func threeShardsTogetherAreOneRunByteForByte() throws {
        let (folder, list, _) = try Self.imageList(count: 13)
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--jsonl", "--batch", "4", "--list", list.path])
        #expect(whole.status == 0, "\(whole.stderr)")
        var joined: [String] = []
        for i in 0..<3 {
            let part = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--jsonl", "--batch", "4", "--shard", "\(i)/3", "--list", list.path])
            #expect(part.status == 0, "\(part.stderr)")
            let lines = Self.lines(part.stdout)
            #expect(lines.count == (i == 0 ? 5 : 4), "shard \(i)/3 takes every third line from \(i)")
            joined += lines
        }
        #expect(joined.sorted() == Self.lines(whole.stdout).sorted(), "every line exactly once, the same bytes")
    }

    @Test func shardedEmbeddingPartsMergeIntoTheWholeRun() throws {
        let (folder, list, paths) = try Self.imageList(count: 7)
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = folder.appendingPathComponent("whole.npy").path
        #expect(try ZooExecutable.run(["embed", "--model", "tiny-cnn", "--batch", "2", "--list", list.path, "-o", whole]).status == 0)
        var parts: [String] = []
        for i in 0..<2 {
            let part = folder.appendingPathComponent("part\(i).npy").path
            let r = try ZooExecutable.run(["embed", "--model", "tiny-cnn", "--batch", "2", "--shard", "\(i)/2", "--list", list.path, "-o", part])
            #expect(r.status == 0, "\(r.stderr)")
            parts.append(part)
        }
        let rows = try String(contentsOfFile: parts[1] + ".rows.tsv", encoding: .utf8)
        #expect(rows == "1\t\(paths[1])\n3\t\(paths[3])\n5\t\(paths[5])\n", "each row's position in the whole list and its path")
        let merged = folder.appendingPathComponent("merged.npy").path
        let r = try ZooExecutable.run(["embed", "--merge", "-o", merged] + parts)
        #expect(r.status == 0, "\(r.stderr)")
        let a = try NPY.read(contentsOf: URL(fileURLWithPath: whole)), b = try NPY.read(contentsOf: URL(fileURLWithPath: merged))
        #expect(a.shape == b.shape && a.shape.dims.first == 7)
        #expect(a.floats == b.floats, "the merged parts are the whole run's rows, in list order")
        #expect(!FileManager.default.fileExists(atPath: whole + ".rows.tsv"), "a whole run that had no failure needs no rows file")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty, "no temporary file is left behind: \(leftovers)")
    }

    @Test func embedJSONLStreamsWithoutAnOutputFile() throws {
        let (folder, list, paths) = try Self.imageList(count: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try ZooExecutable.run(["embed", "--model", "tiny-cnn", "--jsonl", "--list", list.path])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.lines(r.stdout).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects.map { $0["file"] as? String } == paths)
        #expect(objects.allSatisfy { ($0["embedding"] as? [Double])?.isEmpty == false })
    }

    @Test func anEmptyListFromStandardInputIsAnEmptyRun() throws {
        // A Spark partition or a shard may well have no lines.
        let process = Process()
        process.executableURL = ZooExecutable.url
        process.arguments = ["predict", "--model", "tiny-cnn", "--jsonl", "--list", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && printed.isEmpty)
    }

    @Test func badShardsAndListsAreOneLineErrors() throws {
        for (shard, text) in [("3/3", "0 <= I < N"), ("1/0", "0 <= I < N"), ("half", "expected I/N")] {
            expectOneErrorLine(try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--shard", shard, "x.jpg"]), status: 2,
                               containing: text, "--shard \(shard)")
        }
        expectOneErrorLine(try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--list", "/nonexistent/list.txt"]), status: 1,
                           containing: "list.txt", "missing list")
    }
}
