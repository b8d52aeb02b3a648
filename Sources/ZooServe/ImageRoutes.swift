import Foundation
import Hummingbird
import Zoo
import ZooTensor
import ZooVision

/// `POST /v1/models/{name}/classify|embed|explain` and `GET /v1/models`: images decoded on the
/// server (raw body in any format zoo reads, or the multipart field `image`).
struct ImageRoutes: Sendable {
    let server: ServerState

    func register(on router: Router<ServeContext>) {
        router.get("/v1/models") { _, _ in
            try jsonResponse(ModelList(models: server.models.map(\.summary)))
        }
        router.post("/v1/models/:name/classify") { request, context in
            let top = try topParameter(request)
            return try await server.withModel(request, context) { served in
                let (upload, outputs) = try await server.runImage(on: served) { try await image(request, context: context) }
                let scores = outputs[served.model.graph.outputs[0].name]!
                let report = ImageReport(file: upload.name, result: Result { try served.model.predictions(fromScores: scores.floats, top: top) })
                if let error = report.error { throw ServeError.badRequest(error) }
                return try jsonResponse(report)
            }
        }
        router.post("/v1/models/:name/embed") { request, context in
            try await server.withModel(request, context) { served in
                guard let layer = served.model.embeddingLayer else {
                    throw ServeError.badRequest("\(served.name) has no default embedding layer")
                }
                let (upload, outputs) = try await server.runImage(on: served) { try await image(request, context: context) }
                return try jsonResponse(EmbeddingReport(file: upload.name, embedding: outputs[layer]!.floats))
            }
        }
        router.post("/v1/models/:name/explain") { request, context in
            try await server.withModel(request, context) { served in
                let explainer = try served.explainerResult().mapError { ServeError.badRequest("\(served.name) cannot be explained: \($0)") }.get()
                let upload = try await image(request, context: context)
                let png = try await server.blocking.run {
                    do {
                        return try explainer.explain(.encoded(upload.data, name: upload.name)).rendered().pngData()
                    } catch let error as VisionError {
                        throw ServeError.undecodable(error)
                    }
                }
                return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
            }
        }
    }

    private func topParameter(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["top"] else { return 5 }
        guard let top = Int(String(text)), top >= 1 else { throw ServeError.badRequest("top must be a whole number, at least 1 (got \(text))") }
        return top
    }

    /// The uploaded image: the multipart field `image`, or the whole body. Its name (for
    /// messages and the report's `file`) is the part's file name, `?file=`, or "image".
    private func image(_ request: Request, context: ServeContext) async throws -> ImageUpload {
        let body = try await server.bodyReader.read(request, context: context)
        let named = request.uri.queryParameters["file"].map(String.init)
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            let form = try MultipartForm(body: body, contentType: contentType)
            guard let part = form.part(named: "image") else {
                throw ServeError.badRequest("the multipart form has no field called 'image'")
            }
            return ImageUpload(data: part.data, name: part.filename.flatMap { $0.isEmpty ? nil : $0 } ?? named ?? "image")
        }
        return ImageUpload(data: body, name: named ?? "image")
    }
}

/// An image as it came in.
struct ImageUpload: Sendable {
    var data: Data
    var name: String
}

/// `GET /v1/models`.
struct ModelList: Codable {
    var models: [ModelSummary]
}

/// The answer of `/embed`: the same fields as a line of `zoo embed --jsonl`.
struct EmbeddingReport: Codable {
    var file: String
    var embedding: [Float]
}

/// A JSON response, keys sorted (as `zoo predict --json`).
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
