import Synchronization

/// Counts the requests that hold work (reading, decoding, queued or running) against
/// `--queue`: past it the next request is answered 503 with `Retry-After` at once, so the
/// server's memory and latency stay bounded whatever the clients send.
final class Admission: Sendable {
    private let capacity: Int
    private let admitted = Mutex(0)

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    /// Runs `body` holding one slot, or throws 503 when all are taken.
    func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        let entered = admitted.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard entered else { throw ServeError.busy("the queue is full (\(capacity) requests, --queue)") }
        defer { admitted.withLock { $0 -= 1 } }
        return try await body()
    }
}
