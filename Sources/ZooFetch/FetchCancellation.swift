import Foundation

/// Cancellation for the blocking fetch code: the async entry points run it on a dispatch
/// thread (never blocking the cooperative pool) and cancel it through this flag, which also
/// stops the transfer in flight at once.
final class FetchCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var stopCurrent: (() -> Void)?

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Sets the flag and stops whatever `whileRunning` registered.
    func cancel() {
        let stop = lock.withLock {
            cancelled = true
            return stopCurrent
        }
        stop?()
    }

    /// Throws `CancellationError` once cancelled.
    func check() throws {
        if isCancelled { throw CancellationError() }
    }

    /// Runs `body` with `stop` as what `cancel()` calls meanwhile; when already cancelled,
    /// calls `stop` first, so `body` ends promptly.
    func whileRunning<T>(stop: @escaping () -> Void, _ body: () throws -> T) rethrows -> T {
        let already = lock.withLock {
            stopCurrent = stop
            return cancelled
        }
        defer { lock.withLock { stopCurrent = nil } }
        if already { stop() }
        return try body()
    }
}
