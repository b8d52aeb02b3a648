import Foundation
import Testing
import Zoo

/// The README's Swift example, compiled and run here. The lines between the markers must
/// appear in README.md exactly as written (the test checks), so the README cannot drift.
@Suite struct ReadmeExampleTests {
    @Test func exampleRuns() throws {
        // README example begins
        let model = try Zoo.load("efficientnet-lite0")          // weights cached by `zoo fetch`
        let photo = URL(fileURLWithPath: "zoo/samples/cat.jpg")
        for p in try model.classify(.file(photo), top: 3) {
            print(p.label, p.id, p.score)                       // Egyptian_cat n02124075 0.41...
        }
        let features = try model.embed(.file(photo))            // pooled features
        print(features.count)                                   // 1280
        // README example ends
        #expect(features.count == 1280)
        #expect(try model.classify(.file(photo), top: 1)[0].label == "Egyptian_cat")
    }

    @Test func readmeShowsThisExample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: here, encoding: .utf8).components(separatedBy: "\n")
        guard let begin = source.firstIndex(where: { $0.hasSuffix("// README example begins") }),
              let end = source.firstIndex(where: { $0.hasSuffix("// README example ends") }) else {
            Issue.record("markers missing"); return
        }
        let example = source[(begin + 1)..<end].map { $0.trimmingCharacters(in: .whitespaces) }
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
            .components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let found = readme.indices.contains { i in Array(readme[i..<min(i + example.count, readme.count)]) == example }
        #expect(found, "README.md must contain the example lines of ReadmeExampleTests verbatim")
        #expect(FileManager.default.fileExists(atPath: "zoo/samples/cat.jpg"), "run the tests from the package root")
    }
}
