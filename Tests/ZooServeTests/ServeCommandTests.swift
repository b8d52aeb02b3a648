import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
import ZooTestSupport
#endif

/// `zoo serve` as a process: ready quickly, answers, and exits 0 on SIGTERM after finishing.
@Suite(.serialized)
struct ServeCommandTests {
    @Test func startsQuicklyAndStopsOnSIGTERMWithStatusZero() async throws {
        let process = Process()
        process.executableURL = ZooExecutable.url
        process.arguments = ["serve", "--model", "tiny-cnn", "--port", "0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // "zoo: serving tiny-cnn on http://127.0.0.1:PORT/ (ready in 0.05 s)"
        var line = ""
        while !line.contains("\n") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(line.split(separator: ":").dropFirst(3).first.flatMap { Int($0.prefix { $0.isNumber }) }, "\(line)")
        #expect(line.contains("zoo: serving tiny-cnn on http://127.0.0.1:"), "\(line)")
        let seconds = line.split(separator: "(ready in ").last.flatMap { Double($0.prefix { $0.isNumber || $0 == "." }) }
        #expect((seconds ?? 99) < 1, "start-up to ready: \(line)")

        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/v2/health/ready")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200 && data.isEmpty)

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test func badFlagsAreUsageErrors() throws {
        let twice = try ZooExecutable.run(["serve", "--model", "tiny-cnn", "--model", "tiny-cnn"])
        #expect(twice.status == 2 && twice.stderr.contains("named twice"))
        let port = try ZooExecutable.run(["serve", "--port", "70000"])
        #expect(port.status == 2 && port.stderr.contains("--port"))
        let split = try ZooExecutable.run(["serve", "--threads", "2", "--threads-per-call", "3"])
        #expect(split.status == 2 && split.stderr.contains("--threads-per-call"), "\(split.stderr)")
    }
}
