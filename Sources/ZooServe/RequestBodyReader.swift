import Foundation
import Hummingbird
import NIOCore

/// Reads a request body within the size limit (413 past it) and the time limit: a client still
/// sending when `timeout` runs out is disconnected, so a trickle of bytes cannot hold a request
/// slot for long (the connection's idle timeout covers a client that stops sending at all).
struct RequestBodyReader: Sendable {
    var limit: Int
    var timeout: Duration

    func read(_ request: Request, context: ServeContext) async throws -> Data {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw ServeError.tooLarge(limit: limit)
        }
        let body = request.body
        let limit = self.limit, timeout = self.timeout
        let buffer: ByteBuffer? = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: limit)
                } catch let error as HTTPError where error.status == .contentTooLarge {
                    throw ServeError.tooLarge(limit: limit)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            if first == nil {
                // Closing the connection ends the body read still waiting in the other task.
                context.channel.close(promise: nil)
            }
            group.cancelAll()
            return first
        }
        guard let buffer else {
            throw ServeError(.requestTimeout, "the request body did not arrive within \(timeout) (connection closed)")
        }
        return Data(buffer: buffer)
    }
}
