import Foundation
import Hummingbird
import ZooVision

/// A request that cannot be answered as asked: the HTTP status and the one-line reason sent back
/// (as `{"error": reason}`, the Open Inference Protocol's error body).
public struct ServeError: Error, CustomStringConvertible, Sendable {
    /// The status the client gets.
    public var status: HTTPResponse.Status
    /// The reason, one line.
    public var message: String
    /// Extra response headers (`Retry-After` on 503).
    public var headers: HTTPFields = [:]

    /// An error answered with `status`.
    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// The message, as the response body's `error` field says it.
    public var description: String { message }

    static func unknownModel(_ name: String, loaded: [String]) -> ServeError {
        ServeError(.notFound, "no model called '\(name)' is loaded (loaded: \(loaded.joined(separator: ", ")))")
    }

    static func badRequest(_ message: String) -> ServeError { ServeError(.badRequest, message) }

    /// An uploaded image that did not decode: the client's fault (400), unless the server lacks
    /// the codec library for its format (500: the same image decodes on a server that has it).
    static func undecodable(_ error: VisionError) -> ServeError {
        if case .libraryUnavailable = error { return ServeError(.internalServerError, String(describing: error)) }
        return badRequest(String(describing: error))
    }

    static func busy(_ what: String) -> ServeError {
        ServeError(.serviceUnavailable, "\(what); try again shortly", headers: [.retryAfter: "1"])
    }

    static func tooLarge(limit: Int) -> ServeError {
        ServeError(.contentTooLarge, "the request body is larger than the limit of \(limit) bytes (--max-body-mb)")
    }
}
