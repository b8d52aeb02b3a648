import Foundation
import Synchronization
import Zoo
import ZooGraph
import ZooTensor
import ZooVision

/// One loaded model as the server offers it: the model (loaded once, shared by every
/// connection), its batch queue, and its tensors as the Open Inference Protocol describes them.
final class ServedModel: Sendable {
    let model: Model
    let queue: BatchQueue
    /// The inputs as clients send them (the source framework's layout), batch axis -1.
    let inputs: [TensorDescription]
    /// Every graph output (the model's own first, then the embedding riding along), batch axis -1.
    let outputs: [TensorDescription]
    /// Built on first use: preparing the gradient graph costs time and memory a server that
    /// never explains should not pay.
    private let explainer = Mutex<Result<Explainer, any Error>?>(nil)

    var name: String { model.name }

    init(model: Model, configuration: ServeConfiguration, metrics: ServeMetrics) {
        self.model = model
        queue = BatchQueue(model: model, maxBatch: configuration.maxBatch, delay: configuration.batchDelay,
                           workers: configuration.modelWorkers, metrics: metrics)
        let graph = model.graph
        let batchAxis = graph.hasBatchDimension
        inputs = graph.inputs.enumerated().map { i, id in
            var dims = graph.values[id].shape.dims
            // `run` takes the first input NCHW when the source framework did; the graph holds it NHWC.
            if i == 0, model.takesChannelsFirstInput, dims.count == 4 { dims = [dims[0], dims[3], dims[1], dims[2]] }
            return TensorDescription(name: graph.values[id].name, dims: dims, batchAxis: batchAxis)
        }
        outputs = graph.outputs.map { TensorDescription(name: $0.name, dims: graph.values[$0.value].shape.dims, batchAxis: batchAxis) }
    }

    /// The explainer, or why this model cannot be explained (its error, built once).
    func explainerResult() -> Result<Explainer, any Error> {
        explainer.withLock { cached in
            if let cached { return cached }
            let made = Result { try Explainer(model: model) }
            cached = made
            return made
        }
    }

    /// What `GET /v1/models` says about this model.
    var summary: ModelSummary {
        var size: [Int]? = nil
        if let pipeline = model.pipeline {
            switch pipeline.geometry {
            case let .resize(width, height, _): size = [height, width]
            case let .shorterSideAndCenterCrop(_, crop, _): size = [crop, crop]
            }
        }
        return ModelSummary(name: name, inputSize: size, labels: model.labels?.count ?? 0,
                            preprocessing: model.pipeline.map { String(describing: $0.preprocessing) },
                            layout: model.pipeline?.layout.rawValue, inputs: inputs, outputs: outputs)
    }
}

/// A tensor's name and shape as the protocol gives it: FP32, -1 for the batch axis.
struct TensorDescription: Codable, Sendable, Equatable {
    var name: String
    var datatype = "FP32"
    var shape: [Int]

    init(name: String, dims: [Int], batchAxis: Bool) {
        self.name = name
        shape = dims
        if batchAxis, !shape.isEmpty { shape[0] = -1 }
    }

    /// The fixed dims after the batch axis (all dims when there is none).
    var rowShape: [Int] { shape.first == -1 ? Array(shape.dropFirst()) : shape }
}

/// One entry of `GET /v1/models`.
struct ModelSummary: Codable, Sendable {
    var name: String
    /// `[height, width]` of the model's input image.
    var inputSize: [Int]?
    var labels: Int
    var preprocessing: String?
    var layout: String?
    var inputs: [TensorDescription]
    var outputs: [TensorDescription]

    enum CodingKeys: String, CodingKey {
        case name, labels, preprocessing, layout, inputs, outputs
        case inputSize = "input_size"
    }
}
