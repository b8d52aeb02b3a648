import Foundation
import ZooFormat
import ZooGraph
import ZooImport
import ZooTensor

/// Reads untrusted Keras files (`.h5`, `.keras`) in a child process, so that libhdf5, which
/// crashes or corrupts memory on crafted files (tools/fuzz/known: 1.10.8 segfaults in
/// `H5HG_read`, a 4 GB variable-length read), cannot take the caller down with it. The child is
/// zoo's own executable run as `zoo _import-keras FILE [--arch A] -o OUT.zoo`: it limits its
/// data segment and CPU time with setrlimit, imports, and writes the graph as a `.zoo` into a
/// private temporary folder, which the parent memory-maps. A crash or limit in the child is one
/// `ZooError.isolatedImportFailed` naming the file.
///
/// The helper executable is, in order: `ZOO_HELPER` (a path to a `zoo` executable), then
/// `helperExecutable`, then this process's own executable when `helperIsOwnExecutable` is set
/// (the `zoo` command sets it). A library user who sets none of them gets the import in-process,
/// as before.
public enum KerasIsolation {
    /// The `zoo` executable to run the import in.
    nonisolated(unsafe) public static var helperExecutable: URL?
    /// Runs the import in this process's own executable, found when first needed (the `zoo`
    /// command sets it at start; looking its path up then cost every command about 0.1 ms).
    nonisolated(unsafe) public static var helperIsOwnExecutable = false
    /// The hidden subcommand the child runs.
    public static let subcommand = "_import-keras"

    static var helper: URL? {
        if let path = environmentVariable("ZOO_HELPER"), !path.isEmpty { return URL(fileURLWithPath: path) }
        return helperExecutable ?? (helperIsOwnExecutable ? Bundle.main.executableURL : nil)
    }

    /// Data-segment limit for the child: room for the weights several times over, at least
    /// 512 MiB, never more than the memory budget.
    static func memoryLimit(forFileOfSize size: Int) -> Int {
        let wanted = (512 << 20) + size.multipliedReportingOverflow(by: 8).partialValue
        return min(max(wanted, 512 << 20), MemoryBudget.current.bytes)
    }
    static let cpuSeconds = 600

    /// The graph in `url`, imported in the helper when there is one, else in this process.
    public static func importGraph(from url: URL, architecture: String?) throws -> Graph {
        guard let helper else { return try KerasImporter.importGraph(from: url, architecture: architecture) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("graph.zoo")
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0

        let process = Process()
        process.executableURL = helper
        process.arguments = [subcommand, url.path, "-o", output.path, "--memory-limit", String(memoryLimit(forFileOfSize: size)),
                             "--cpu-seconds", String(cpuSeconds)] + (architecture.map { ["--arch", $0] } ?? [])
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw ZooError.isolatedImportFailed(file: url, detail: "cannot start the import helper \(helper.path): \(error)")
        }
        // Bounded: a crashing child (ASan, libhdf5) may print a lot; its last error line is what counts.
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().suffix(64 << 10), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            throw ZooError.isolatedImportFailed(file: url, detail: "the HDF5 reader crashed on it (signal \(process.terminationStatus)); "
                                                + "the file is corrupt or hostile")
        }
        guard process.terminationStatus == 0 else {
            let line = text.split(separator: "\n").last { $0.hasPrefix("zoo: error: ") }.map { String($0.dropFirst("zoo: error: ".count)) }
            throw ZooError.isolatedImportFailed(file: url, detail: line.map { stripped($0, file: url) }
                                                ?? "the HDF5 reader failed on it (exit status \(process.terminationStatus))")
        }
        return try ZooFile.load(output).graph
    }

    /// The child's side: limits, import, `.zoo` out. Called by the hidden subcommand.
    public static func runChild(file: URL, architecture: String?, output: URL, memoryLimit: Int, cpuSeconds: Int) throws {
        var data = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
        var cpu = rlimit(rlim_cur: rlim_t(cpuSeconds), rlim_max: rlim_t(cpuSeconds))
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &core)
        guard setrlimit(Int32(RLIMIT_DATA.rawValue), &data) == 0, setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu) == 0 else {
            throw ZooError.isolatedImportFailed(file: file, detail: "cannot limit the import helper (setrlimit: errno \(errno))")
        }
        MemoryBudget.current = MemoryBudget(bytes: min(memoryLimit, MemoryBudget.current.bytes))
        let graph = try KerasImporter.importGraph(from: file, architecture: architecture)
        try ZooFileWriter.write(graph, metadata: ZooFileMetadata(provenance: "{\"isolated_import\":true}"), to: output)
    }

    /// The child's message already starts with the file's name; the parent adds it once.
    private static func stripped(_ message: String, file: URL) -> String {
        let prefix = file.lastPathComponent + ": "
        return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
    }
}
