import CZooHTTP
import Foundation

/// Receives one HTTP(S) download into a `PartialFile`, through libcurl (see zoo_http.h for why
/// not URLSession). libcurl hands each chunk over on this thread and waits for it, so every chunk
/// is written and hashed as it arrives and a network faster than hashing cannot pile chunks up in
/// memory.
///
/// With `offset` > 0 it asks for the rest of the file (`Range: bytes=OFFSET-`) and appends to
/// what `output` holds; a server that ignores the range (200, whole file) gets the file
/// emptied first. `run` blocks its thread until the transfer ends (the async entry points call
/// it from a dispatch thread) and notices a cancellation within a second.
final class DownloadReceiver {
    private let url: URL
    private let expectedSize: Int64?
    private let output: PartialFile
    private let offset: Int64
    private let progress: (@Sendable (Int64, Int64?) -> Void)?

    /// Bytes of the file held (from earlier attempts and this one).
    private var received: Int64
    /// The file's whole length as the response gives it.
    private var announced: Int64?
    private var failure: FetchError?
    /// The latest response's status and headers (names lowercased); a redirect's or a
    /// 100 Continue's are replaced by the next response's.
    private var status = 0
    private var headers: [String: String] = [:]
    /// Whether the final response's head has been checked (at its first body bytes, or at the end).
    private var checkedHead = false
    private var cancellation: FetchCancellation?

    init(url: URL, expectedSize: Int64?, output: PartialFile, progress: (@Sendable (Int64, Int64?) -> Void)?) {
        self.url = url
        self.expectedSize = expectedSize
        self.output = output
        self.offset = output.count
        self.received = output.count
        self.progress = progress
    }

    /// Runs the request to its end, blocking the calling thread. Returns once every byte is in
    /// `output`; throws a `FetchError` (status, size, transport) or `CancellationError`.
    func run(timeout: TimeInterval, cancellation: FetchCancellation) throws {
        self.cancellation = cancellation
        var callbacks = zoo_http_callbacks(
            context: Unmanaged.passUnretained(self).toOpaque(),
            header: { context, line, length in
                DownloadReceiver.from(context).header(String(decoding: UnsafeRawBufferPointer(start: line, count: length), as: UTF8.self))
            },
            body: { context, bytes, length in
                DownloadReceiver.from(context).body(UnsafeRawBufferPointer(start: bytes, count: length))
            },
            should_stop: { context in
                DownloadReceiver.from(context).cancellation?.isCancelled == true ? 1 : 0
            })
        var error = [CChar](repeating: 0, count: 512)
        let seconds = max(1, Int(timeout.rounded(.up)))
        let outcome = withExtendedLifetime(self) {
            zoo_http_get(url.absoluteString, offset, seconds, &callbacks, &error, error.count)
        }
        if !checkedHead, outcome == ZOO_HTTP_COMPLETE { checkHead() }
        if let failure { throw failure }
        try cancellation.check()
        switch outcome {
        case ZOO_HTTP_COMPLETE, ZOO_HTTP_CUT_SHORT:
            // Some stacks end a body cut short without an error.
            if let announced, received < announced {
                throw FetchError(url.absoluteString, .connectionClosed(received: received, expected: announced))
            }
            guard outcome == ZOO_HTTP_COMPLETE else {
                throw FetchError(url.absoluteString, .network("the connection closed before the body's end"))
            }
        default:
            if let announced, received < announced {
                throw FetchError(url.absoluteString, .connectionClosed(received: received, expected: announced))
            }
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FetchError(url.absoluteString, .network(reason))
        }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> DownloadReceiver {
        Unmanaged<DownloadReceiver>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Collects the head of each response; a status line starts a new one.
    private func header(_ line: String) -> Int32 {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("HTTP/") {
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return 0
    }

    /// Decides from the final response's status and headers whether its body is the file (or
    /// the rest of it), and how long the whole file is.
    private func checkHead() {
        checkedHead = true
        // A compressed body's Content-Length is not the file's length.
        let encoding = headers["content-encoding"]?.lowercased() ?? "identity"
        let length = encoding == "identity" ? headers["content-length"].flatMap { Int64($0) }.flatMap { $0 >= 0 ? $0 : nil } : nil
        if offset > 0, status == 206 {
            let range = headers["content-range"].flatMap(ContentRange.init)
            if let range, range.start == offset {
                announced = range.total ?? length.map { offset + $0 }
            } else {
                failure = FetchError(url.absoluteString, .network("the server resumed at a byte other than \(offset) (Content-Range \(headers["content-range"] ?? "missing"))"))
            }
        } else if status == 200 {
            announced = length
            if offset > 0 {
                // The server ignored the range and sends the whole file: start over.
                do { try output.reset() } catch { failure = error as? FetchError ?? FetchError(output.url.path, .io("\(error)")) }
                received = 0
            }
        } else {
            failure = FetchError(url.absoluteString, .httpStatus(status))
        }
        if failure == nil, let announced, let expectedSize, announced != expectedSize {
            failure = FetchError(url.absoluteString, .announcedSize(announced: announced, expected: expectedSize))
        }
        if failure == nil { progress?(received, expectedSize ?? announced) }
    }

    /// Writes and hashes the next chunk of the body; non-zero stops the transfer.
    private func body(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if !checkedHead { checkHead() }
        guard failure == nil else { return 1 }
        if let expectedSize, received + Int64(bytes.count) > expectedSize {
            failure = FetchError(url.absoluteString, .tooLong(expected: expectedSize))
            return 1
        }
        do {
            try output.write(Data(bytes))
        } catch {
            failure = error as? FetchError ?? FetchError(output.url.path, .io("\(error)"))
            return 1
        }
        received += Int64(bytes.count)
        progress?(received, expectedSize ?? announced)
        return 0
    }
}

/// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
struct ContentRange: Equatable {
    var start: Int64
    var end: Int64
    var total: Int64?

    init?(_ header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/", maxSplits: 1)
        let bounds = parts.first?.split(separator: "-", maxSplits: 1) ?? []
        guard parts.count == 2, bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start <= end else { return nil }
        self.start = start
        self.end = end
        if parts[1] == "*" { total = nil } else if let total = Int64(parts[1]), total > end { self.total = total } else { return nil }
    }
}
