import Foundation
import Testing
import ZooTestSupport

/// Every command that takes a model accepts it spelled the same three ways: a zoo model name
/// (efficientnet-lite0, whose weights tools/setup caches), the built-in `tiny-cnn`, and a
/// model file (tiny-cnn converted to `.zoo` here), as `--model M` and, for `info` and `bench`,
/// as their argument too.
@Suite(.serialized) struct ModelSpellingTests {
    enum Spelling: String, CaseIterable, CustomTestStringConvertible {
        case zooName, builtIn, file
        var testDescription: String { rawValue }
    }

    /// The spelling's text; `file` converts tiny-cnn into `folder` first.
    static func model(_ spelling: Spelling, in folder: URL) throws -> String {
        switch spelling {
        case .zooName: return "efficientnet-lite0"
        case .builtIn: return "tiny-cnn"
        case .file:
            let file = folder.appendingPathComponent("tiny.zoo").path
            let r = try ZooExecutable.run(["convert", "tiny-cnn", "-o", file])
            #expect(r.status == 0, "convert tiny-cnn: \(r.stderr)")
            return file
        }
    }

    @Test(arguments: Spelling.allCases)
    func everyCommandTakesTheModel(_ spelling: Spelling) throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try Self.model(spelling, in: dir)
        let cat = SampleImages.url("cat.jpg").path
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let commands: [[String]] = [
            ["info", m],
            ["info", "--model", m],
            ["bench", m, "--runs", "1", "--warmup", "0"],
            ["bench", "--model", m, "--runs", "1", "--warmup", "0"],
            ["predict", "--model", m, "--top", "1", cat],
            ["embed", "--model", m, "-o", path("e.npy"), cat],
            ["preprocess", "--model", m, "-o", path("x.npy"), cat],
            ["infer", "--model", m, "--input", path("x.npy"), "-o", path("y.npy")],
            ["convert", m, "-o", path("again.zoo")],
        ]
        for arguments in commands {
            let r = try ZooExecutable.run(arguments)
            #expect(r.status == 0, "zoo \(arguments.joined(separator: " ")): status \(r.status), \(r.stderr)")
        }
        for output in ["e.npy", "x.npy", "y.npy", "again.zoo"] {
            #expect(FileManager.default.fileExists(atPath: path(output)), "\(output) for \(spelling)")
        }
    }
}
