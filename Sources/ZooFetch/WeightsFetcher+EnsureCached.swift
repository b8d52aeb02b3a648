import Foundation

extension WeightsFetcher {
    /// The one call that makes a zoo model's weights file available: returns the cached file
    /// when it is there and passes its checks, else fetches it from `sources` (the places a
    /// manifest lists for one file, tried in order, each on the `ZOO_MIRROR` mirror when
    /// `settings` has one) and returns it once verified. Offline, a missing file is an error
    /// saying in one sentence what to download, from where, and where to put it.
    ///
    /// `reporter` shows a progress bar per download on a terminal, one line per step
    /// otherwise, and says in one line when a file from a publisher without a full hash is
    /// pinned. Throws the first source's `FetchError` when every source fails. Blocks the
    /// calling thread; in async code use the async overload.
    public static func ensureCached(_ sources: [WeightSource], in cache: WeightsCache = .default,
                                    settings: FetchSettings, reporter: FetchReporter = .standardError) throws -> URL {
        try ensureCachedBlocking(sources, in: cache, settings: settings, reporter: reporter, cancellation: FetchCancellation())
    }

    /// `ensureCached` for async code: the work runs on a dispatch thread, and cancelling the
    /// task stops the download and removes its partial file.
    public static func ensureCached(_ sources: [WeightSource], in cache: WeightsCache = .default,
                                    settings: FetchSettings, reporter: FetchReporter = .standardError) async throws -> URL {
        try await offThePool { cancellation in
            try ensureCachedBlocking(sources, in: cache, settings: settings, reporter: reporter, cancellation: cancellation)
        }
    }

    static func ensureCachedBlocking(_ sources: [WeightSource], in cache: WeightsCache, settings: FetchSettings,
                                     reporter: FetchReporter, cancellation: FetchCancellation) throws -> URL {
        guard let first = sources.first else {
            throw FetchError("weights", .invalidSource("no weight source is known: pass a weights file with --weights FILE"))
        }
        if let (file, pin) = existingVerified(first, in: cache) {
            announce(pin, of: first, reporter: reporter)
            return file
        }
        if settings.offline {
            // A file present but failing its checks is worth naming; otherwise say where to get one.
            if cache.cachedFile(for: first) != nil { try cache.verify(first) }
            let origin = try settings.resolved(first).originDescription
            throw FetchError(first.file, .offline(origin: origin, destination: cache.path(for: first).path))
        }
        var errors: [Error] = []
        for source in sources {
            do {
                let resolved = try settings.resolved(source)
                let (file, pin): (URL, PinOutcome)
                switch resolved.origin {
                case .url:
                    (file, pin) = try downloadBlocking(resolved, into: cache, idleTimeout: settings.idleTimeout,
                                                       reporter: reporter, progress: nil, cancellation: cancellation)
                case .pip:
                    file = try fromPip(resolved, into: cache, python: settings.python) { done, total in reporter.progress(done, total) }
                    pin = .notNeeded
                }
                announce(pin, of: source, reporter: reporter)
                return file
            } catch let error as FetchError {
                errors.append(error)
            }
        }
        throw errors[0]
    }

    /// The one line a first use of a file without a published full hash gets.
    static func announce(_ pin: PinOutcome, of source: WeightSource, reporter: FetchReporter) {
        guard case let .pinnedNow(sha256, pinFile) = pin else { return }
        let publisher = source.url?.host ?? source.originDescription
        let given = source.verification == .sha256PrefixInName
            ? "only the sha256 prefix \(WeightSource.sha256Prefix(inFileName: source.file) ?? "") in the file name, which matched"
            : "no hash at all"
        reporter.line("\(source.file): \(publisher) gives no full hash (\(given)); pinned its sha256 \(sha256) in \(pinFile), required from now on")
    }
}
