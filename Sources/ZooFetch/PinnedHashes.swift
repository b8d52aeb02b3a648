import Foundation

/// A sha256 pinned for a file whose publisher gives no full hash, and where it is kept.
struct Pin: Sendable, Equatable {
    var sha256: String
    var file: URL
}

/// Trust on first use for publishers that give no full hash (torchvision names only a sha256
/// prefix, Keras' MobileNetV2 nothing): the sha256 of the first good download is kept in
/// `<cache>/pins/<file>.sha256` (in `sha256sum` form) and every later download or check of that
/// file must have it. Pins live outside the weights folder, so removing a weights file keeps
/// its pin; deleting the pin is how a user accepts a file that changed upstream.
struct PinnedHashes {
    let folder: URL

    /// Where `file`'s pin is (or would be).
    func path(for file: String) -> URL { folder.appendingPathComponent(file + ".sha256") }

    /// `file`'s pin, or nil when none was recorded. A pin that cannot be read is an error, not
    /// a missing pin: silently re-trusting would defeat it.
    func pin(for file: String) throws -> Pin? {
        let url = path(for: file)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw FetchError(url.path, .io("cannot read the pinned sha256: \(PartialFile.reason(error))"))
        }
        let hex = String(text.prefix { !$0.isWhitespace }).lowercased()
        guard hex.count == 64, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw FetchError(url.path, .io("not a pinned sha256 (expected 64 hex digits, then the file name); delete it to pin the next download"))
        }
        return Pin(sha256: hex, file: url)
    }

    /// Records `sha256` as `file`'s pin, atomically (temp file + rename).
    func record(_ sha256: String, for file: String) throws -> Pin {
        let url = path(for: file)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("\(sha256)  \(file)\n".utf8).write(to: url, options: .atomic)
        } catch {
            throw FetchError(url.path, .io("cannot pin the sha256: \(PartialFile.reason(error))"))
        }
        return Pin(sha256: sha256, file: url)
    }
}

/// What checking a file against its pin did.
public enum PinOutcome: Sendable, Equatable {
    /// The source gives a full hash: nothing is pinned.
    case notNeeded
    /// The file matched the sha256 pinned earlier.
    case matched
    /// First use: the file's sha256 was pinned now (the caller says so in one line).
    case pinnedNow(sha256: String, pinFile: String)
}
