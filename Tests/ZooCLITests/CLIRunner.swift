import Foundation
import Testing
import ZooTestSupport

/// What the CLI's tests share besides running `zoo` (`ZooExecutable`): scratch folders.
enum CLIRunner {
    /// A fresh temporary folder for one test.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Errors are exactly one line on stderr, starting `zoo: error:`.
func expectOneErrorLine(_ r: ZooRun, status: Int32, containing text: String, _ comment: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == status, "\(comment): status \(r.status), stderr \(r.stderr)", sourceLocation: sourceLocation)
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    #expect(lines.count == 1 && lines[0].hasPrefix("zoo: error: "), "\(comment): \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.contains(text), "\(comment): \(r.stderr)", sourceLocation: sourceLocation)
}
