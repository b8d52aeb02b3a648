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
/// The delegate callbacks run on a private serial queue; the only state shared with other
/// threads (the task, the continuation, the cancelled flag) is behind `lock`.
final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let url: URL
    private let expectedSize: Int64?
    private let output: PartialFile
    private let progress: (@Sendable (Int64, Int64?) -> Void)?
    private let queue = OperationQueue()
    /// Pending chunks beyond which hashing is deferred.
    private static let backlogLimit = 16

    // Touched only on the delegate queue.
    private var received: Int64 = 0
    private var announced: Int64?
    private var failure: FetchError?

    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var continuation: CheckedContinuation<Void, Error>?
    private var cancelled = false

    init(url: URL, expectedSize: Int64?, output: PartialFile, progress: (@Sendable (Int64, Int64?) -> Void)?) {
        self.url = url
        self.expectedSize = expectedSize
        self.output = output
        self.progress = progress
    }

    /// Runs the request to its end. Returns once every byte is in `output`; throws a
    /// `FetchError` (status, size, transport) or `CancellationError`.
    func run(timeout: TimeInterval) async throws {
        let configuration = URLSessionConfiguration.ephemeral
        // An idle limit, not a total one: a slow but steady download of a big file is fine.
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        // The session holds its delegate strongly until invalidated.
        defer { session.finishTasksAndInvalidate() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let task = session.dataTask(with: URLRequest(url: url))
                let alreadyCancelled = lock.withLock {
                    self.continuation = continuation
                    self.task = task
                    return cancelled
                }
                if alreadyCancelled { task.cancel() }
                task.resume()
            }
        } onCancel: {
            let task = lock.withLock {
                cancelled = true
                return self.task
            }
            task?.cancel()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        // A compressed body's Content-Length is not the file's length.
        let encoding = http?.value(forHTTPHeaderField: "Content-Encoding")?.lowercased() ?? "identity"
        if response.expectedContentLength >= 0, encoding == "identity" { announced = response.expectedContentLength }
        if status != 200 {
            failure = FetchError(url.absoluteString, .httpStatus(status))
        } else if let announced, let expectedSize, announced != expectedSize {
            failure = FetchError(url.absoluteString, .announcedSize(announced: announced, expected: expectedSize))
        }
        guard failure == nil else {
            completionHandler(.cancel)
            // corelibs may still deliver a short body after `.cancel`; cancelling the task ends it.
            dataTask.cancel()
            return
        }
        completionHandler(.allow)
        progress?(0, expectedSize ?? announced)
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
        let (continuation, wasCancelled) = lock.withLock {
            defer { self.continuation = nil }
            return (self.continuation, cancelled)
        }
        guard let continuation else { return }
        if let failure {
            continuation.resume(throwing: failure)
        } else if wasCancelled {
            continuation.resume(throwing: CancellationError())
        } else if let error {
            if let announced, received < announced {
                continuation.resume(throwing: FetchError(url.absoluteString, .connectionClosed(received: received, expected: announced)))
            } else {
                continuation.resume(throwing: FetchError(url.absoluteString, .network(Self.describe(error))))
            }
        } else {
            continuation.resume()
        }
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
