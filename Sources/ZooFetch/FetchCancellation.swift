import Synchronization

/// Cancellation for the blocking fetch code: the async entry points run it on a dispatch
/// thread (never blocking the cooperative pool) and cancel it through this flag, which the
/// transfer in flight polls (libcurl asks at least once a second).
final class FetchCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Sets the flag.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
    }

    /// Throws `CancellationError` once cancelled.
    func check() throws {
        if isCancelled { throw CancellationError() }
    }
}
