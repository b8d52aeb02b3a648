import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Receives one HTTP(S) download into a `PartialFile` as a URLSession data-task delegate.
///
/// swift-corelibs-foundation has no `URLSession.bytes(for:)`, and a download task would land
/// the file in the system temp folder to be read again for hashing. A data task with a
/// delegate streams chunks as they arrive: each is written and hashed at once.
///
/// corelibs queues chunks for the delegate without waiting for it (and `suspend()` on a
/// running task re-sends data instead of pausing), so a network faster than hashing would
/// pile chunks up in memory (280 MB for a 300 MB file over loopback). When more than
/// `backlogLimit` chunks wait, chunks are only written and the hash catches up by reading
/// the file back in `PartialFile.commit` (45 MB for the same file).
///
/// With `offset` > 0 it asks for the rest of the file (`Range: bytes=OFFSET-`) and appends to
/// what `output` holds; a server that ignores the range (200, whole file) gets the file
/// emptied first. `run` blocks its thread until the transfer ends (the async entry points call
/// it from a dispatch thread); the delegate callbacks run on a private serial queue, and the
/// only state shared with other threads (the task, the result) is behind `lock`.
final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let url: URL
    private let expectedSize: Int64?
    private let output: PartialFile
    private let offset: Int64
    private let progress: (@Sendable (Int64, Int64?) -> Void)?
    private let queue = OperationQueue()
    /// Pending chunks beyond which hashing is deferred.
    private static let backlogLimit = 16

    // Touched only on the delegate queue.
    /// Bytes of the file held (from earlier attempts and this one).
    private var received: Int64
    /// The file's whole length as the response gives it.
    private var announced: Int64?
    private var failure: FetchError?

    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Void, Error>?
    private var cancelled = false

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
        let configuration = URLSessionConfiguration.ephemeral
        // An idle limit, not a total one: a slow but steady download of a big file is fine.
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        // The session holds its delegate strongly until invalidated.
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        let task = session.dataTask(with: request)
        try cancellation.whileRunning(stop: { [self] in
            lock.withLock { cancelled = true }
            task.cancel()
        }) {
            task.resume()
            done.wait()
            try lock.withLock { result ?? .success(()) }.get()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        // A compressed body's Content-Length is not the file's length.
        let encoding = http?.value(forHTTPHeaderField: "Content-Encoding")?.lowercased() ?? "identity"
        let length = response.expectedContentLength >= 0 && encoding == "identity" ? response.expectedContentLength : nil
        if offset > 0, status == 206 {
            let range = http?.value(forHTTPHeaderField: "Content-Range").flatMap(ContentRange.init)
            if let range, range.start == offset {
                announced = range.total ?? length.map { offset + $0 }
            } else {
                failure = FetchError(url.absoluteString, .network("the server resumed at a byte other than \(offset) (Content-Range \(http?.value(forHTTPHeaderField: "Content-Range") ?? "missing"))"))
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
        guard failure == nil else {
            completionHandler(.cancel)
            // corelibs may still deliver a short body after `.cancel`; cancelling the task ends it.
            dataTask.cancel()
            return
        }
        completionHandler(.allow)
        progress?(received, expectedSize ?? announced)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        if let expectedSize, received + Int64(data.count) > expectedSize {
            failure = FetchError(url.absoluteString, .tooLong(expected: expectedSize))
            dataTask.cancel()
            return
        }
        do {
            try output.write(data, deferHashing: queue.operationCount > Self.backlogLimit)
        } catch {
            failure = error as? FetchError ?? FetchError(output.url.path, .io("\(error)"))
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        progress?(received, expectedSize ?? announced)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let outcome: Result<Void, Error>
        let wasCancelled = lock.withLock { cancelled }
        if let failure {
            outcome = .failure(failure)
        } else if wasCancelled {
            outcome = .failure(CancellationError())
        } else if let error {
            if let announced, received < announced {
                outcome = .failure(FetchError(url.absoluteString, .connectionClosed(received: received, expected: announced)))
            } else {
                outcome = .failure(FetchError(url.absoluteString, .network(Self.describe(error))))
            }
        } else if let announced, received < announced {
            // Some stacks end a body cut short without an error.
            outcome = .failure(FetchError(url.absoluteString, .connectionClosed(received: received, expected: announced)))
        } else {
            outcome = .success(())
        }
        let first = lock.withLock {
            defer { if result == nil { result = outcome } }
            return result == nil
        }
        if first { done.signal() }
    }

    /// URLError's text without the NSError dump corelibs prints.
    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           let text = underlying.userInfo[NSLocalizedDescriptionKey] as? String {
            return text
        }
        if let text = nsError.userInfo[NSLocalizedDescriptionKey] as? String { return text }
        return "network error \(nsError.code)"
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
