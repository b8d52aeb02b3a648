import Foundation
import Hummingbird

/// Turns every failure into the protocol's error body, `{"error": "..."}`, with its status
/// (a `ServeError`'s, Hummingbird's own, else 500), and counts every answer in the metrics by
/// route pattern and status.
struct ErrorsAndMetricsMiddleware: RouterMiddleware {
    typealias Context = ServeContext
    let metrics: ServeMetrics

    func handle(_ request: Request, context: ServeContext, next: (Request, ServeContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.errorResponse(for: error)
        }
        metrics.recordRequest(route: context.endpointPath ?? "unmatched", status: response.status.code, duration: .now - started)
        return response
    }

    static func errorResponse(for error: any Error) -> Response {
        let status: HTTPResponse.Status
        let message: String
        var headers: HTTPFields = [:]
        switch error {
        case let error as ServeError:
            (status, message, headers) = (error.status, error.message, error.headers)
        case let error as HTTPError:
            status = error.status
            message = error.body ?? (error.status == .notFound ? "no such route" : error.status.reasonPhrase)
        default:
            (status, message) = (.internalServerError, String(describing: error))
        }
        return (try? jsonResponse(["error": message], status: status, headers: headers)) ?? Response(status: status)
    }
}
