import Foundation
import Hummingbird
import Zoo
import ZooTensor
import ZooVision

/// What every route shares: the loaded models, the limits, the metrics and the decode workers.
final class ServerState: Sendable {
    let configuration: ServeConfiguration
    let models: [ServedModel]
    let metrics: ServeMetrics
    let admission: Admission
    let bodyReader: RequestBodyReader
    let blocking: BlockingWork

    init(models: [Model], configuration: ServeConfiguration) {
        self.configuration = configuration
        let metrics = ServeMetrics(models: models.map(\.name))
        self.metrics = metrics
        self.models = models.map { ServedModel(model: $0, configuration: configuration, metrics: metrics) }
        // Half the memory budget for request bodies in flight; the rest is the models' and the decoders'.
        admission = Admission(capacity: configuration.queueCapacity, byteLimit: MemoryBudget.current.bytes / 2)
        bodyReader = RequestBodyReader(limit: configuration.maxBodyBytes, timeout: configuration.bodyTimeout)
        blocking = BlockingWork(width: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The model a route's `:name` names, or 404.
    func model(named name: String) throws -> ServedModel {
        guard let served = models.first(where: { $0.name == name }) else {
            throw ServeError.unknownModel(name, loaded: models.map(\.name))
        }
        return served
    }

    /// Runs `body` for the model named in the path, holding an admission slot and its body's
    /// bytes (the declared length, else the limit) (503 when either runs out).
    func withModel(_ request: Request, _ context: ServeContext, _ body: (ServedModel) async throws -> Response) async throws -> Response {
        let served = try model(named: try context.parameters.require("name"))
        if let version = context.parameters.get("version"), version != "1" {
            throw ServeError(.notFound, "model '\(served.name)' has no version '\(version)' (it has version 1)")
        }
        let declared = request.headers[.contentLength].flatMap { Int($0) }.map { min($0, configuration.maxBodyBytes) }
        let bytes = request.method == .get ? 0 : declared ?? configuration.maxBodyBytes
        return try await admission.withSlot(bytes: bytes) { try await body(served) }
    }

    /// Reads and decodes one image and runs it in the model's next batch: the image and this
    /// request's rows of every output. A bad image is 400 with the CLI's text for it.
    func runImage(on served: ServedModel, _ upload: () async throws -> ImageUpload) async throws -> (ImageUpload, [String: Tensor]) {
        let queue = served.queue
        queue.announceArrival()
        let input: Tensor
        let image: ImageUpload
        do {
            image = try await upload()
            let model = served.model
            input = try await blocking.run {
                do {
                    // Straight into the graph's layout: the batch thread then has no transpose to do.
                    return try model.graphInput([.encoded(image.data, name: image.name)])
                } catch let error as VisionError {
                    throw ServeError.undecodable(error)
                } catch let error as ZooError {
                    throw ServeError.badRequest(String(describing: error))
                }
            }
        } catch {
            queue.cancelArrival()
            throw error
        }
        return (image, try await queue.submit([served.model.inputName: input], rows: 1))
    }

    /// Runs already checked tensors (`rows` rows each, in the source framework's layout) in the
    /// model's next batch.
    func runTensors(_ feeds: [String: Tensor], rows: Int, on served: ServedModel) async throws -> [String: Tensor] {
        served.queue.announceArrival()
        let model = served.model
        let graphFeeds: [String: Tensor]
        do {
            graphFeeds = try await blocking.run { model.graphLayout(feeds) }
        } catch {
            served.queue.cancelArrival()
            throw error
        }
        return try await served.queue.submit(graphFeeds, rows: rows)
    }

    /// Stops every batch worker once what is queued has run.
    func stop() {
        for served in models { served.queue.stop() }
    }
}
