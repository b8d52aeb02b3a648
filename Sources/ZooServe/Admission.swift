import Synchronization

/// Counts the requests that hold work (reading, decoding, queued or running) against
/// `--queue`, and the body bytes they may hold against a share of the memory budget: past
/// either, the next request is answered 503 with `Retry-After` at once, so the server's memory
/// and latency stay bounded whatever the clients send.
final class Admission: Sendable {
    private let capacity: Int
    private let byteLimit: Int
    private let admitted = Mutex((requests: 0, bytes: 0))

    init(capacity: Int, byteLimit: Int) {
        self.capacity = max(capacity, 1)
        self.byteLimit = max(byteLimit, 1)
    }

    /// Runs `body` holding one slot and `bytes` of body memory, or throws 503 when either runs out.
    func withSlot<T>(bytes: Int, _ body: () async throws -> T) async throws -> T {
        let refusal: String? = admitted.withLock { state in
            if state.requests >= capacity { return "the queue is full (\(capacity) requests, --queue)" }
            if state.bytes + bytes > byteLimit { return "request bodies in flight would pass the memory set aside for them (\(byteLimit) bytes)" }
            state.requests += 1
            state.bytes += bytes
            return nil
        }
        if let refusal { throw ServeError.busy(refusal) }
        defer { admitted.withLock { $0.requests -= 1; $0.bytes -= bytes } }
        return try await body()
    }
}
