import Foundation

/// Runs CPU-bound work (image decoding, explaining) off Swift's cooperative pool, at most
/// `width` at once, so request tasks keep moving and decoded images in flight stay bounded.
final class BlockingWork: Sendable {
    private let queue: OperationQueue

    init(width: Int) {
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(width, 1)
        queue.name = "zoo-serve-decode"
        self.queue = queue
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.addOperation { continuation.resume(with: Result { try body() }) }
        }
    }
}
