import Foundation

/// The `zoo` executable SwiftPM builds beside the test bundle, run as a child process by the
/// end-to-end tests (the CLI's, and the server's, whose answers must equal the CLI's).
public enum ZooExecutable {
    /// The folder SwiftPM builds products into (the test bundle sits beside `zoo`).
    public static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    /// The built `zoo`.
    public static var url: URL { productsDirectory.appendingPathComponent("zoo") }

    /// Runs `zoo arguments...` to its end, `environment` laid over this process's.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ZooRun {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ZooRun(status: process.terminationStatus, output: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// What one run of `zoo` did: its exit status and what it printed.
public struct ZooRun: Sendable {
    /// The exit status.
    public var status: Int32
    /// Standard output, as bytes (JSON, `.npy`).
    public var output: Data
    /// Standard error.
    public var stderr: String

    /// A finished run.
    public init(status: Int32, output: Data, stderr: String) {
        self.status = status
        self.output = output
        self.stderr = stderr
    }

    /// Standard output as text.
    public var stdout: String { String(decoding: output, as: UTF8.self) }
}
