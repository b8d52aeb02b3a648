import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ZooTestSupport

/// Runs `zoo` like `ZooExecutable.run`, and also reads the child's peak resident memory from wait4's
/// rusage (on Linux it covers the children the child waited for, such as the Keras import
/// helper), so tests can hold hostile inputs to bounded memory.
struct MeasuredResult {
    var status: Int32
    var stderr: String
    var peakRSSBytes: Int
}

enum MeasuredRun {
    static func run(_ arguments: [String], environment: [String: String] = [:], in folder: URL) throws -> MeasuredResult {
        let zoo = ZooExecutable.url.path
        let errPath = folder.appendingPathComponent(".stderr-\(UUID().uuidString)").path
        defer { unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = ([zoo] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, zoo, &actions, nil, argv, envp)
        guard spawned == 0 else { throw CLIError(description: "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return MeasuredResult(status: exit, stderr: text, peakRSSBytes: Int(usage.ru_maxrss) * 1024)
    }

    struct CLIError: Error { var description: String }
}
