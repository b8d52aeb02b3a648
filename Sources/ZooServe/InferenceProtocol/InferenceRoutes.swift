import Foundation
import Hummingbird
import Zoo
import ZooTensor
import ZooVision

/// The Open Inference Protocol (KServe v2) over REST: server and model metadata, health,
/// readiness and infer, each model route also under `/versions/{v}/`, so Triton's and KServe's
/// clients work unchanged.
struct InferenceRoutes: Sendable {
    let server: ServerState

    func register(on router: Router<ServeContext>) {
        router.get("/v2") { _, _ in
            try jsonResponse(ServerMetadata(name: "zoo", version: Zoo.version, extensions: ["classification", "binary_tensor_data"]))
        }
        router.get("/v2/health/live") { _, _ in Response(status: .ok) }
        router.get("/v2/health/ready") { _, _ in Response(status: .ok) }
        for prefix in ["/v2/models/:name", "/v2/models/:name/versions/:version"] {
            router.get(RouterPath(prefix)) { request, context in
                try await server.withModel(request, context) { served in
                    try jsonResponse(ModelMetadata(name: served.name, versions: ["1"], platform: "zoo",
                                                   inputs: served.inputs, outputs: served.outputs))
                }
            }
            router.get(RouterPath(prefix + "/ready")) { request, context in
                try await server.withModel(request, context) { _ in Response(status: .ok) }
            }
            router.post(RouterPath(prefix + "/infer")) { request, context in
                try await server.withModel(request, context) { served in try await infer(request, context: context, on: served) }
            }
        }
    }

    private func infer(_ request: Request, context: ServeContext, on served: ServedModel) async throws -> Response {
        let body = try await server.bodyReader.read(request, context: context)
        var json = body
        var binary = Data()
        if let header = request.headers[.inferenceHeaderContentLength] {
            guard let length = Int(header), (0...body.count).contains(length) else {
                throw ServeError.badRequest("Inference-Header-Content-Length is \(header) but the body has \(body.count) bytes")
            }
            json = body.prefix(length)
            binary = body.dropFirst(length)
        }
        let parsed: InferRequest
        do {
            parsed = try JSONDecoder().decode(InferRequest.self, from: json)
        } catch {
            throw ServeError.badRequest("the infer request is not valid JSON for the protocol: \(Self.describe(error))")
        }
        let (feeds, rows) = try InferInputs.check(parsed.inputs, binary: binary, against: served.inputs, takesBatches: served.model.graph.hasBatchDimension)
        let requested = try requestedOutputs(parsed, served: served)
        let outputs = try await server.runTensors(feeds, rows: rows, on: served)
        return try InferResponse(modelName: served.name, id: parsed.id,
                                 outputs: requested.map { try output($0, rows: rows, from: outputs, served: served) }).response()
    }

    /// The outputs asked for (all of them when none is named), each checked against the model.
    private func requestedOutputs(_ request: InferRequest, served: ServedModel) throws -> [OutputChoice] {
        let allBinary = request.parameters?["binary_data_output"]?.bool ?? false
        let asked = request.outputs ?? served.outputs.map { InferRequest.RequestedOutput(name: $0.name) }
        return try asked.map { output in
            guard served.outputs.contains(where: { $0.name == output.name }) else {
                throw ServeError.badRequest("the model has no output '\(output.name)' (outputs: \(served.outputs.map(\.name).joined(separator: ", ")))")
            }
            var classification: Int?
            if let value = output.parameters?["classification"] {
                guard let k = value.int, k >= 1 else { throw ServeError.badRequest("output '\(output.name)': classification must be a whole number, at least 1") }
                classification = k
            }
            return OutputChoice(name: output.name, binary: output.parameters?["binary_data"]?.bool ?? allBinary, classification: classification)
        }
    }

    private struct OutputChoice {
        var name: String
        var binary: Bool
        var classification: Int?
    }

    private func output(_ choice: OutputChoice, rows: Int, from outputs: [String: Tensor], served: ServedModel) throws -> InferResponse.Output {
        let tensor = outputs[choice.name]!
        let values = tensor.floats
        var result: InferResponse.Output
        if let k = choice.classification {
            // The classification extension: per batch row, the top K as "score:index:label".
            let width = values.count / max(rows, 1)
            let isClassOutput = choice.name == served.model.graph.outputs[0].name && served.model.labels != nil
            var strings: [String] = []
            for r in 0..<rows {
                let row = Array(values[(r * width)..<((r + 1) * width)])
                if isClassOutput {
                    strings += try served.model.predictions(fromScores: row, top: k).map { "\($0.score):\($0.index):\($0.label)" }
                } else {
                    strings += topIndices(k, of: row).map { "\(row[$0]):\($0)" }
                }
            }
            let shape = tensor.shape.rank > 0 && served.model.graph.hasBatchDimension ? [rows, min(k, width)] : [min(k, width)]
            result = .init(name: choice.name, datatype: "BYTES", shape: shape)
            if choice.binary { result.binary = BinaryTensorData.bytes(strings) } else { result.data = .strings(strings) }
        } else {
            result = .init(name: choice.name, datatype: "FP32", shape: tensor.shape.dims)
            if choice.binary { result.binary = BinaryTensorData.fp32(values) } else { result.data = .floats(values) }
        }
        if let binary = result.binary { result.parameters = ["binary_data_size": .int(binary.count)] }
        return result
    }

    /// A decoding error in one line, with where in the JSON it happened.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription)\(path(context))"
        @unknown default: return String(describing: error)
        }
    }
}

/// `GET /v2`.
struct ServerMetadata: Codable {
    var name: String
    var version: String
    var extensions: [String]
}

/// `GET /v2/models/{name}`.
struct ModelMetadata: Codable {
    var name: String
    var versions: [String]
    var platform: String
    var inputs: [TensorDescription]
    var outputs: [TensorDescription]
}
