import ZooTensor

/// Computes class activation maps (CAM and Grad-CAM) for a classifier graph. Build one per
/// model and reuse it: it prepares the gradient graph and its memory plans once. `Sendable`.
public final class ActivationMapper: Sendable {
    /// The graph as given (optimised: batch norms folded, activations fused).
    public let graph: Graph
    /// Where the classifier's scores, last spatial layer and GAP + dense head are.
    public let head: ClassifierHead
    private let gradients: GraphGradients

    /// A mapper for `graph`; throws when it has no classifier head.
    public init(graph: Graph, threads: Int = ThreadCount.default) throws {
        self.graph = graph
        head = try ClassifierHead(graph: graph)
        gradients = try GraphGradients(graph: graph, threads: threads)
    }

    /// The layer maps are taken at when none is named: the last one with a spatial output.
    public var defaultLayer: String { graph.values[head.lastSpatialLayer].name }

    /// CAM where the head is global average pooling + dense and the layer is the one the
    /// pooling reads; Grad-CAM otherwise.
    public func defaultMethod(layer: String? = nil) -> ActivationMapMethod {
        guard let cam = head.camLayer else { return .gradcam }
        return layer == nil || layer == graph.values[cam].name ? .cam : .gradcam
    }

    /// Layers a map can be taken at (NHWC values with more than one pixel), in graph order.
    public func spatialLayers() throws -> [String] {
        let shapes = try graph.shapes(batch: 1)
        return graph.nodes.filter { shapes[$0.output].rank == 4 && shapes[$0.output][1] * shapes[$0.output][2] > 1 }.map(\.name)
    }

    /// The map of one image's input tensor (batch 1, the model's input layout) for `classIndex`
    /// (default: the top-scoring class), at `layer` (default: `defaultLayer`) by `method`
    /// (default: `defaultMethod(layer:)`).
    public func map(_ input: Tensor, classIndex: Int? = nil, method: ActivationMapMethod? = nil,
                    layer: String? = nil) throws -> ActivationMap {
        func fail(_ detail: String) -> GraphError { .invalidNode(node: graph.name, op: "explain", detail: detail) }
        guard input.shape.rank > 0, input.shape[0] == 1 else { throw fail("maps are computed one image at a time, got input \(input.shape)") }
        let layerName = layer ?? defaultLayer
        let spatial = try spatialLayers()
        guard spatial.contains(layerName) else {
            throw fail("'\(layerName)' is not a layer with a spatial output (some that are: \(spatial.suffix(6).joined(separator: ", ")))")
        }
        let method = method ?? defaultMethod(layer: layerName)
        let logitsName = graph.values[head.logits].name
        let tape = try gradients.forward([graph.values[graph.inputs[0]].name: input])
        let scores = tape.values[try gradients.valueID(logitsName)]!
        let chosen = classIndex ?? scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) } ?? 0
        guard scores.indices.contains(chosen) else { throw fail("class \(chosen) is out of range: the model has \(scores.count) classes") }

        let layerID = try gradients.valueID(layerName)
        let shape = tape.shapes[layerID]  // [1, H, W, C]
        let (h, w, c) = (shape[1], shape[2], shape[3])
        let features = tape.values[layerID]!
        let channelWeights: [Float]
        switch method {
        case .cam:
            guard let cam = head.camLayer, let weights = head.denseWeights, graph.values[cam].name == layerName else {
                let hint = head.camLayer.map { "CAM is computed at '\(graph.values[$0].name)'" } ?? "the head is not global average pooling + dense"
                throw fail("CAM needs the layer that global average pooling reads (\(hint)); use gradcam for '\(layerName)'")
            }
            // Dense weights are [C, classes]: column `chosen`.
            let all = graph.values[weights].constant!.converted(to: .float32).floats
            let classes = all.count / c
            channelWeights = (0..<c).map { all[$0 * classes + chosen] }
        case .gradcam:
            var seed = [Float](repeating: 0, count: scores.count)
            seed[chosen] = 1
            let grads = try gradients.backward(tape, output: logitsName, seed: seed, targets: [layerName])[layerName]!.floats
            // alpha_k: the gradient's mean over the layer's positions.
            var alpha = [Double](repeating: 0, count: c)
            for i in 0..<(h * w) { for k in 0..<c { alpha[k] += Double(grads[i * c + k]) } }
            channelWeights = alpha.map { Float($0 / Double(h * w)) }
        }
        let values = (0..<(h * w)).map { i -> Float in
            var sum = 0.0
            for k in 0..<c { sum += Double(channelWeights[k]) * Double(features[i * c + k]) }
            return max(Float(sum), 0)
        }
        return ActivationMap(values: values, height: h, width: w, layer: layerName, classIndex: chosen,
                             method: method, score: scores[chosen])
    }
}
